// What the network configurators share: reading a small config file within its budget, checking addresses,
// and building the interface record from what a configurator found.
import { canonicalIp, type FunctionContext, type Target } from "quarry";
import { InterfaceRecord } from "./records.js";

/** A network configuration file is a few kilobytes; 1 MiB is more than any real one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Files read per configurator (a directory of thousands of connection files is no real host). */
export const MAX_FILES = 1024;

export type Rec = ReturnType<typeof InterfaceRecord.create>;

/** The file's text (null when not a readable file: an error then, naming it); warns when cut at the budget. */
export function readConfigText(t: Target, ctx: FunctionContext, path: string): string | null {
  try {
    const head = t.fs.readTextHead(path, MAX_CONFIG_BYTES);
    if (head.truncated) ctx.warn({ message: `${head.size} bytes, more than a network configuration holds: only the first ${head.end} are read`, file: path, offset: head.end });
    return head.text;
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: path });
    return null;
  }
}

/** Regular files of `dir` whose names pass `keep`, sorted by name; at most MAX_FILES. */
export function filesIn(t: Target, ctx: FunctionContext, dir: string, keep: (name: string) => boolean): string[] {
  let names: string[];
  try {
    if (!t.fs.isDir(dir)) return [];
    names = t.fs.readdir(dir);
  } catch {
    return [];
  }
  const out = names.filter(keep).sort().map((n) => `${dir}/${n}`).filter((p) => t.fs.isFile(p));
  if (out.length > MAX_FILES) {
    ctx.warn({ message: `${out.length} files: only the first ${MAX_FILES} are read`, file: dir });
    return out.slice(0, MAX_FILES);
  }
  return out;
}

/** The canonical address, or null with a warning naming the file and line. */
export function ip(text: string, warn: (m: string) => void, what: string): string | null {
  const v = canonicalIp(text.trim().replace(/%.*$/, ""));
  if (v === null) warn(`${what} ${JSON.stringify(text.slice(0, 60))} is not an IP address; skipped`);
  return v;
}

/** "addr/prefix" checked (the prefix within 0–32 or 0–128), canonical; a bare address stays bare. */
export function cidr(text: string, warn: (m: string) => void, what = "address"): string | null {
  const [a, p, more] = text.trim().split("/");
  const addr = canonicalIp(a ?? "");
  if (addr === null || more !== undefined) {
    warn(`${what} ${JSON.stringify(text.slice(0, 60))} is not an address[/prefix]; skipped`);
    return null;
  }
  if (p === undefined) return addr;
  const max = addr.includes(":") ? 128 : 32;
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
    warn(`${what} ${JSON.stringify(text.slice(0, 60))}: prefix ${p} is not 0–${max}; skipped`);
    return null;
  }
  return `${addr}/${Number(p)}`;
}

/** A dotted netmask's prefix length (255.255.255.0 → 24), or null when its ones are not contiguous. */
export function prefixOfNetmask(mask: string): number | null {
  const v4 = canonicalIp(mask);
  if (v4 === null || v4.includes(":")) return /^\d{1,3}$/.test(mask) ? Number(mask) : null;
  const n = v4.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const bits = n.toString(2).padStart(32, "0");
  return /^1*0*$/.test(bits) ? bits.indexOf("0") < 0 ? 32 : bits.indexOf("0") : null;
}

export interface Found {
  name: string | null;
  type: string | null;
  enabled: boolean | null;
  method: string | null;
  cidr: string[];
  gateway: string[];
  dns: string[];
  dns_search: string[];
  mac: string[];
  dhcp_ipv4: boolean | null;
  dhcp_ipv6: boolean | null;
  vlan: number[];
}

export function found(name: string | null): Found {
  return { name, type: null, enabled: null, method: null, cidr: [], gateway: [], dns: [], dns_search: [], mac: [], dhcp_ipv4: null, dhcp_ipv6: null, vlan: [] };
}

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

export function record(f: Found, configurator: string, filepath: string, lastConnected: Rec["last_connected"] = null): Rec {
  return InterfaceRecord.create({
    ...f,
    cidr: uniq(f.cidr),
    gateway: uniq(f.gateway),
    dns: uniq(f.dns),
    dns_search: uniq(f.dns_search),
    mac: uniq(f.mac.map((m) => m.toLowerCase())),
    vlan: uniq(f.vlan),
    last_connected: lastConnected,
    configurator,
    filepath,
  });
}
