// Debian's ifupdown: /etc/network/interfaces (interfaces(5)). "iface NAME FAMILY METHOD" stanzas with their
// option lines, "auto"/"allow-hotplug"/"allow-auto" naming the interfaces brought up at boot, "source GLOB" and
// "source-directory DIR" including other files (a relative path is relative to /etc/network, as ifup reads
// it), "\" continuing a line. Includes are followed inside the target only, to a depth and a file count; a
// file in interfaces.d that no "source" names is not read by ifupdown, and a warning says so.
import type { FunctionContext, Target } from "quarry";
import { cidr, found, ip, MAX_FILES, prefixOfNetmask, readConfigText, record, type Found, type Rec } from "./common.js";

export const INTERFACES = "/etc/network/interfaces";
const MAX_DEPTH = 8;

interface Stanza {
  f: Found;
  file: string;
  family: string;
  netmask: string | null;
}

export function* ifupdownInterfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  if (!t.fs.isFile(INTERFACES)) return;
  const stanzas: Stanza[] = [];
  const up = new Set<string>();
  const read = new Set<string>();
  const visit = (file: string, depth: number): void => {
    if (!t.fs.isFile(file)) {
      if (depth > 0) ctx.warn({ message: "sourced, but not a file: not read", file });
      return;
    }
    let real: string;
    try {
      real = t.fs.realpath(file);
    } catch {
      return;
    }
    if (read.has(real)) return; // sourced twice, or a loop
    if (depth > MAX_DEPTH || read.size >= MAX_FILES) {
      ctx.warn({ message: `sources nested deeper than ${MAX_DEPTH} or more than ${MAX_FILES} files: not read`, file });
      return;
    }
    read.add(real);
    const text = readConfigText(t, ctx, file);
    if (text === null) return;
    let cur: Stanza | null = null;
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const lineno = i + 1;
      let s = lines[i]!.replace(/\r$/, "");
      while (s.endsWith("\\") && i + 1 < lines.length) s = s.slice(0, -1) + " " + lines[++i]!.replace(/\r$/, "");
      const trimmed = s.trim();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const warn = (m: string): void => ctx.warn({ message: `line ${lineno}: ${m}`, file });
      const [word, ...args] = trimmed.split(/\s+/);
      switch (word) {
        case "iface": {
          if (args.length < 3) {
            warn(`"iface" needs a name, a family and a method; skipped`);
            cur = null;
            break;
          }
          const f = found(args[0]!);
          f.method = args[2]!;
          if (args[1] === "inet") f.dhcp_ipv4 = args[2] === "dhcp";
          if (args[1] === "inet6") f.dhcp_ipv6 = args[2] === "dhcp" || args[2] === "auto";
          if (args[2] === "loopback") f.type = "loopback";
          cur = { f, file, family: args[1]!, netmask: null };
          stanzas.push(cur);
          break;
        }
        case "auto":
        case "allow-auto":
        case "allow-hotplug":
          for (const a of args) up.add(a);
          cur = null;
          break;
        case "mapping":
        case "rename":
        case "no-auto-down":
        case "no-scripts":
          cur = null;
          break;
        case "source":
        case "source-directory": {
          cur = null;
          const target = args.join(" ");
          const abs = target.startsWith("/") ? target : `/etc/network/${target}`;
          if (word === "source") for (const p of t.fs.glob(abs).sort()) visit(p, depth + 1);
          else if (t.fs.isDir(abs)) for (const n of t.fs.readdir(abs).filter((n) => /^[A-Za-z0-9_-]+$/.test(n)).sort()) visit(`${abs}/${n}`, depth + 1);
          break;
        }
        default: {
          if (!cur) {
            warn(`option ${JSON.stringify(word)} outside an iface stanza; skipped`);
            break;
          }
          option(cur, word!, args, warn);
        }
      }
    }
  };
  visit(INTERFACES, 0);
  const unread = t.fs.isDir("/etc/network/interfaces.d")
    ? t.fs
        .readdir("/etc/network/interfaces.d")
        .map((n) => `/etc/network/interfaces.d/${n}`)
        .filter((p) => t.fs.isFile(p) && !read.has(t.fs.realpath(p)))
    : [];
  for (const p of unread) ctx.warn({ message: `not named by any "source" line: ifupdown does not read it, nor does quarry`, file: p });
  for (const s of stanzas) {
    s.f.enabled = s.f.name !== null && up.has(s.f.name);
    if (s.netmask !== null) {
      const prefix = prefixOfNetmask(s.netmask);
      if (prefix === null) ctx.warn({ message: `iface ${String(s.f.name)}: netmask ${JSON.stringify(s.netmask)} is not a netmask; the address keeps no prefix`, file: s.file });
      else s.f.cidr = s.f.cidr.map((c) => (c.includes("/") ? c : `${c}/${prefix}`));
    }
    yield record(s.f, "ifupdown", s.file);
  }
}

function option(s: Stanza, key: string, args: string[], warn: (m: string) => void): void {
  const f = s.f;
  const add = (to: string[], v: string | null): void => void (v !== null && to.push(v));
  switch (key) {
    case "address":
      for (const a of args) add(f.cidr, cidr(a, warn));
      break;
    case "netmask":
      s.netmask = args[0] ?? "";
      break;
    case "gateway":
      if (args[0]) add(f.gateway, ip(args[0], warn, "gateway"));
      break;
    case "dns-nameservers":
    case "dns-nameserver":
      for (const a of args) add(f.dns, ip(a, warn, "nameserver"));
      break;
    case "dns-search":
    case "dns-domain":
      f.dns_search.push(...args);
      break;
    case "hwaddress":
      if (args.length) f.mac.push(args[args.length - 1]!);
      break;
    case "vlan-raw-device":
      f.type = "vlan";
      break;
    case "vlan-id":
      if (/^\d{1,4}$/.test(args[0] ?? "")) f.vlan.push(Number(args[0]));
      break;
    case "bond-slaves":
    case "bond-mode":
      f.type = "bond";
      break;
    case "bridge_ports":
    case "bridge-ports":
      f.type = "bridge";
      break;
    case "wpa-ssid":
    case "wireless-essid":
      f.type = "wifi";
      break;
    default:
    // pre-up, post-down, mtu, metric, …: options that configure nothing this record holds
  }
}
