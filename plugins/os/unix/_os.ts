import { byteLength, definePlugin, ok, type OsInfo, type PluginFunction, type RootFilesystem } from "quarry";
// The generic unix OS plugin: detection (/etc and /var), hostname and domain, and the OS property functions.
// Linux (linux/_os.ts) refines it; the most specific detected OS wins.

/**
 * How much of a small config file (hostname, release files, sysconfig/network) is read: a real one is under
 * a kilobyte. A file that claims more (a sparse 4000 MiB /etc/hostname costs no disk) is read this far, with a
 * warning naming it.
 */
export const CONFIG_FILE_LIMIT = 1024 * 1024;
/** /etc/hosts is read up to here: ad-blocking hosts files reach tens of megabytes, with the host's own line on top. */
export const HOSTS_FILE_LIMIT = 64 * 1024 * 1024;
/** RFC 1035 and Linux's HOST_NAME_MAX allow 253 bytes for a (fully qualified) name. */
const MAX_NAME_BYTES = 253;

export type Warn = (message: string) => void;

function firstLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const v = line.replace(/#.*/, "").trim();
    if (v) return v;
  }
  return "";
}

/** A config file's text within CONFIG_FILE_LIMIT (null when it is not a readable file); warns when it is cut. */
export function readConfig(fs: RootFilesystem, p: string, warn: Warn): string | null {
  try {
    if (!fs.isFile(p)) return null;
    const head = fs.readTextHead(p, CONFIG_FILE_LIMIT);
    if (head.truncated && head.end === 0) warn(`${p}: ${head.size} bytes, and no line end in the first ${CONFIG_FILE_LIMIT}: not a config file, not read`);
    else if (head.truncated) warn(`${p}: ${head.size} bytes, more than a config file holds; only the first ${head.end} bytes (whole lines) were read`);
    return head.text;
  } catch {
    return null;
  }
}

/** Why a name read from the evidence is not a host or domain name, or null when it can be one. */
export function notAName(name: string): string | null {
  if (byteLength(name) > MAX_NAME_BYTES) return `${byteLength(name)} bytes, more than ${MAX_NAME_BYTES}`;
  // C0, DEL and C1 controls: never in a name, and they would reach terminals through every record.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return "it holds control characters";
  if (/\s/.test(name)) return "it holds spaces";
  return null;
}

/** The name if it can be one; else null, with a warning naming the file. */
function checked(name: string, file: string, warn: Warn): string | null {
  const why = notAName(name);
  if (why === null) return name;
  warn(`${file}: not a hostname (${why}): ${JSON.stringify(name.slice(0, 40))}${name.length > 40 ? "…" : ""}; ignored`);
  return null;
}

/** The host's own name in /etc/hosts: the first loopback line naming something other than localhost. */
function hostsFileName(fs: RootFilesystem, warn: Warn): string | null {
  const file = "/etc/hosts";
  try {
    if (!fs.isFile(file)) return null;
    for (const line of fs.readLines(file, { maxLineBytes: 64 * 1024, limit: HOSTS_FILE_LIMIT })) {
      const [addr, ...names] = line.text.replace(/#.*/, "").trim().split(/\s+/);
      if (!addr || names.length === 0) continue;
      if (!(addr.startsWith("127.") || addr === "::1")) continue;
      const own = names.filter((n) => !n.toLowerCase().includes("localhost"));
      if (own.length) return checked(own[0]!, `${file} line ${line.lineno}`, warn);
    }
    const size = fs.stat(file).size;
    if (size > HOSTS_FILE_LIMIT) warn(`${file}: ${size} bytes; no host name in the first ${HOSTS_FILE_LIMIT}, the rest was not read`);
  } catch {
    /* unreadable: no name from it */
  }
  return null;
}

/**
 * hostname and domain from /etc/hostname, /etc/HOSTNAME, /proc/sys/kernel/hostname, /etc/sysconfig/network,
 * /etc/hosts (in that order, the first non-empty wins). A dotted name splits at the first dot. Unknown → null:
 * never a made-up "localhost", so hosts in a batch stay distinguishable. A value that is no name (longer than
 * 253 bytes, control characters, spaces) is ignored with a warning: it would be copied into every record.
 */
export function unixHostname(fs: RootFilesystem, warn: Warn = () => {}): { hostname: string | null; domain: string | null } {
  let name: string | null = null;
  for (const p of ["/etc/hostname", "/etc/HOSTNAME", "/proc/sys/kernel/hostname"]) {
    const t = readConfig(fs, p, warn);
    const line = t !== null ? firstLine(t) : "";
    if (line) {
      name = checked(line, p, warn);
      if (name) break;
    }
  }
  if (!name) {
    const t = readConfig(fs, "/etc/sysconfig/network", warn);
    const m = t && /^\s*HOSTNAME\s*=\s*["']?([^"'\s#]+)/m.exec(t);
    if (m) name = checked(m[1]!, "/etc/sysconfig/network", warn);
  }
  const fromHosts = hostsFileName(fs, warn);
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
    info: (fs, warn): OsInfo => ({ ...unixHostname(fs, warn), os: "unix", version: null }),
  },
  checkCompatible: () => ok(),
  functions: osPropertyFunctions(),
});
