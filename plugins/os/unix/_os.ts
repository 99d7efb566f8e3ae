// The generic unix OS plugin: detection (/etc and /var), hostname and domain, and the OS property functions.
// Linux (linux/_os.ts) refines it; the most specific detected OS wins.
import type { RootFilesystem } from "../../../src/fs/root.js";
import { definePlugin, ok, type OsInfo, type PluginFunction } from "../../../src/plugin/define.js";

function firstLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const v = line.replace(/#.*/, "").trim();
    if (v) return v;
  }
  return "";
}

function readIfFile(fs: RootFilesystem, p: string): string | null {
  try {
    return fs.isFile(p) ? fs.readText(p) : null;
  } catch {
    return null;
  }
}

/** The host's own name in /etc/hosts: the first loopback line naming something other than localhost. */
function hostsFileName(text: string): string | null {
  for (const line of text.split(/\r?\n/)) {
    const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!addr || names.length === 0) continue;
    if (!(addr.startsWith("127.") || addr === "::1")) continue;
    const own = names.filter((n) => !n.toLowerCase().includes("localhost"));
    if (own.length) return own[0]!;
  }
  return null;
}

/**
 * hostname and domain from /etc/hostname, /etc/HOSTNAME, /proc/sys/kernel/hostname, /etc/sysconfig/network,
 * /etc/hosts (in that order, the first non-empty wins). A dotted name splits at the first dot. Unknown → null:
 * never a made-up "localhost", so hosts in a batch stay distinguishable.
 */
export function unixHostname(fs: RootFilesystem): { hostname: string | null; domain: string | null } {
  let name: string | null = null;
  for (const p of ["/etc/hostname", "/etc/HOSTNAME", "/proc/sys/kernel/hostname"]) {
    const t = readIfFile(fs, p);
    if (t !== null && firstLine(t)) {
      name = firstLine(t).split(/\s+/)[0]!;
      break;
    }
  }
  if (!name) {
    const t = readIfFile(fs, "/etc/sysconfig/network");
    const m = t && /^\s*HOSTNAME\s*=\s*["']?([^"'\s#]+)/m.exec(t);
    if (m) name = m[1]!;
  }
  const hosts = readIfFile(fs, "/etc/hosts");
  const fromHosts = hosts !== null ? hostsFileName(hosts) : null;
  if (!name) name = fromHosts;
  if (!name) return { hostname: null, domain: null };
  const dot = name.indexOf(".");
  if (dot > 0) return { hostname: name.slice(0, dot), domain: name.slice(dot + 1) || null };
  // A bare name: /etc/hosts often holds its FQDN ("127.0.1.1 web01.example.com web01").
  if (fromHosts && fromHosts.startsWith(name + ".")) return { hostname: name, domain: fromHosts.slice(name.length + 1) };
  return { hostname: name, domain: null };
}

export function unixLooksLikeRoot(fs: RootFilesystem): boolean {
  return fs.isDir("/etc") && fs.isDir("/var");
}

/** hostname, domain, os and version as functions: each reads the target's detected properties. */
export function osPropertyFunctions(): Record<string, PluginFunction> {
  const prop = (key: keyof OsInfo, description: string): PluginFunction => ({
    output: "value",
    description,
    value: (t) => t[key],
  });
  return {
    hostname: prop("hostname", "The host name (without domain); null when the evidence does not say"),
    domain: prop("domain", "The DNS domain, from a dotted hostname or the FQDN in /etc/hosts"),
    os: prop("os", "The OS family detected"),
    version: prop("version", "The OS name and version, from the release files"),
  };
}

export default definePlugin({
  name: "unix",
  path: "os.unix._os",
  description: "Generic unix system: /etc and /var present",
  paths: ["/etc/hostname", "/etc/HOSTNAME", "/etc/sysconfig/network", "/etc/hosts"],
  os: {
    detect: unixLooksLikeRoot,
    info: (fs): OsInfo => ({ ...unixHostname(fs), os: "unix", version: null }),
  },
  checkCompatible: () => ok(),
  functions: osPropertyFunctions(),
});
