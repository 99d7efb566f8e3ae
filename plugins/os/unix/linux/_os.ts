// Linux: dissect's markers on top of the unix ones, and the version from the release files.
import { definePlugin, ok, withSource, type OsInfo, type PluginFunction, type RootFilesystem } from "quarry";
import { osPropertyFunctions, readConfig, unixHostname, unixLooksLikeRoot, type Warn } from "../_os.js";
import { targetZone } from "./timezone.js";

const MARKERS = [
  "/run",
  "/sys",
  "/etc/kernel",
  "/etc/sysctl.conf",
  "/var/log/kern.log",
  "/boot/initrd.img",
  "/boot/vmlinuz",
  "/boot/vmlinux",
  "/opt",
  "/etc/os-release",
  "/usr/lib/os-release",
];

export function linuxDetect(fs: RootFilesystem): boolean {
  if (fs.isDir("/sys/module") || fs.isDir("/proc/sys")) return true; // a volatile collection
  return unixLooksLikeRoot(fs) && MARKERS.some((m) => fs.lexists(m));
}

/** KEY=value pairs of a release file; a file of one plain line counts as DISTRIB_DESCRIPTION. */
export function parseRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith("#"));
  for (const line of lines) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, "$2");
  }
  if (Object.keys(out).length === 0 && lines.length === 1) out.DISTRIB_DESCRIPTION = lines[0]!.trim();
  return out;
}

/**
 * dissect's rule: the longer of DISTRIB_DESCRIPTION and "NAME VERSION" over every /etc/*-release. Each file
 * is read up to CONFIG_FILE_LIMIT (warned when cut); an unreadable one is no reason to fail target detection.
 */
export function linuxVersion(fs: RootFilesystem, warn: Warn = () => {}): string | null {
  const files = fs.glob("/etc/*-release");
  if (!files.includes("/etc/os-release") && fs.isFile("/usr/lib/os-release")) files.unshift("/usr/lib/os-release");
  const kv: Record<string, string> = {};
  for (const f of files) {
    const text = readConfig(fs, f, warn);
    if (text !== null) Object.assign(kv, { ...parseRelease(text), ...kv });
  }
  const desc = kv.DISTRIB_DESCRIPTION ?? "";
  const ver = kv.VERSION ?? kv.VERSION_ID ?? kv.DISTRIB_RELEASE;
  const named = kv.NAME ? (ver ? `${kv.NAME} ${ver}` : kv.NAME) : (kv.PRETTY_NAME ?? "");
  const best = desc.length > named.length ? desc : named;
  return best || null;
}

export default definePlugin({
  name: "linux",
  path: "os.unix.linux._os",
  description: "Linux system: unix markers plus /run, /sys, /opt, /boot/vmlinuz, os-release, …",
  paths: ["/etc/os-release", "/usr/lib/os-release", "/etc/*-release"],
  os: {
    parent: "os.unix",
    detect: linuxDetect,
    info: (fs, warn): OsInfo => ({ ...unixHostname(fs, warn), os: "linux", version: linuxVersion(fs, warn) }),
  },
  checkCompatible: () => ok(),
  functions: { ...osPropertyFunctions(), timezone: timezoneFunction() },
});

/** The zone local times are read in (docs/logs.md, "The zone rule"), and the file that says so. */
function timezoneFunction(): PluginFunction {
  return {
    output: "value",
    description: "The local time zone: the /etc/localtime link or TZif file, /etc/timezone, /etc/sysconfig/clock; null when none",
    value: (t, ctx) => {
      const z = targetZone(t.fs);
      for (const w of z.warnings) ctx.warn({ message: w });
      if (z.source === "none") return null;
      const file = /^\/[^ ]*/.exec(z.source)?.[0] ?? null;
      return withSource(z.label, file);
    },
  };
}
