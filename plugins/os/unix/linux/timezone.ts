// The target's local time zone, for logs that write local wall-clock times without an offset (traditional
// syslog). Where glibc looks: /etc/localtime (a TZif file, usually a link into /usr/share/zoneinfo), named by
// the link or by /etc/timezone (Debian) or /etc/sysconfig/clock (older RHEL). The target's own TZif is read:
// its rules are the ones the target logged with. When only a name is known (a collection without
// /usr/share/zoneinfo), the rules come from quarry's own tz database (Node's ICU), and a warning says so; when
// nothing is known, UTC, with a warning. docs/logs.md, "The zone rule".
import type { RootFilesystem } from "quarry";
import { MAX_TZIF_BYTES, TimeZone, TzifError, type Segment, type Zone } from "./tzif.js";

export interface TargetZone {
  zone: Zone;
  /** What a record says was applied: "Europe/Berlin", "UTC (assumed)", a POSIX TZ string. */
  label: string;
  /** Where it came from, for messages: "/etc/localtime → /usr/share/zoneinfo/Europe/Berlin". */
  source: string;
  /** What the analyst should know about it (no zone found, rules not the target's, files disagreeing). */
  warnings: string[];
}

const LOCALTIME = "/etc/localtime";
const TIMEZONE = "/etc/timezone";
const SYSCONFIG_CLOCK = "/etc/sysconfig/clock";
const ZONEINFO = "/usr/share/zoneinfo";
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "GMT+0", "GMT-0", "Etc/Greenwich", "Greenwich"]);
/** A zone name is a relative path of a few components ("America/Argentina/Buenos_Aires"). */
const ZONE_NAME = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+){0,3}$/;

/** The name a link into a zoneinfo tree gives (`../usr/share/zoneinfo/Europe/Berlin` → Europe/Berlin). */
export function zoneNameOfLink(link: string): string | null {
  const i = link.lastIndexOf("zoneinfo/");
  if (i < 0) return null;
  let name = link.slice(i + "zoneinfo/".length);
  // the posix/ and right/ trees hold the same zones (right/ with leap seconds)
  if (name.startsWith("posix/")) name = name.slice(6);
  return ZONE_NAME.test(name) ? name : null;
}

function readSmallText(fs: RootFilesystem, path: string): string | null {
  if (!fs.isFile(path)) return null;
  try {
    return fs.readTextHead(path, 4096).text;
  } catch {
    return null;
  }
}

function nameFromTimezoneFile(fs: RootFilesystem): string | null {
  const text = readSmallText(fs, TIMEZONE);
  const name = text?.split("\n")[0]?.trim() ?? "";
  return ZONE_NAME.test(name) ? name : null;
}

function nameFromSysconfigClock(fs: RootFilesystem): string | null {
  const text = readSmallText(fs, SYSCONFIG_CLOCK);
  const m = text ? /^\s*(?:ZONE|TIMEZONE)\s*=\s*"?([^"\s]+)"?/m.exec(text) : null;
  return m && ZONE_NAME.test(m[1]!) ? m[1]! : null;
}

/** The TZif at `path` in the target, or the reason it cannot be used. */
function loadTzif(fs: RootFilesystem, path: string, name: string): TimeZone | string {
  try {
    return TimeZone.fromTzif(fs.readFile(path, { maxBytes: MAX_TZIF_BYTES }), name);
  } catch (e) {
    return e instanceof TzifError ? `${path}: ${e.message}` : `${path}: ${(e as Error).message}`;
  }
}

/**
 * The zone of the target, or of `override` (a zone name looked up in the target's zoneinfo, then quarry's; or a
 * POSIX TZ string such as "CET-1CEST,M3.5.0,M10.5.0/3").
 */
export function targetZone(fs: RootFilesystem, override?: string): TargetZone {
  if (override) return namedZone(fs, override, `--timezone ${override}`, []);
  const warnings: string[] = [];
  let linkName: string | null = null;
  let isLink = false;
  try {
    isLink = fs.lexists(LOCALTIME) && fs.lstat(LOCALTIME).type === "symlink";
    if (isLink) linkName = zoneNameOfLink(fs.readlink(LOCALTIME));
  } catch {
    /* unreadable link: treated as absent */
  }
  const fileName = nameFromTimezoneFile(fs) ?? nameFromSysconfigClock(fs);
  if (fs.isFile(LOCALTIME)) {
    const name = linkName ?? fileName ?? LOCALTIME;
    const z = loadTzif(fs, LOCALTIME, name);
    if (typeof z !== "string") {
      if (linkName && fileName && linkName !== fileName) warnings.push(`${TIMEZONE} says ${fileName} but ${LOCALTIME} is ${linkName}: ${linkName} applied (glibc reads ${LOCALTIME})`);
      const label = linkName ?? fileName ?? "/etc/localtime";
      return { zone: z, label, source: isLink ? `${LOCALTIME} → ${fs.realpath(LOCALTIME)}` : LOCALTIME, warnings };
    }
    warnings.push(`${z}: not used`);
  } else if (isLink) {
    warnings.push(`${LOCALTIME} is a link to ${linkName ? `${ZONEINFO}/${linkName}` : "something"} that is not in the target`);
  }
  const name = linkName ?? fileName;
  if (name) return namedZone(fs, name, linkName ? `${LOCALTIME} (link)` : fileName === nameFromTimezoneFile(fs) ? TIMEZONE : SYSCONFIG_CLOCK, warnings);
  warnings.push(`no time zone found (${LOCALTIME}, ${TIMEZONE}, ${SYSCONFIG_CLOCK}): local times read as UTC`);
  return { zone: TimeZone.utc(), label: "UTC (assumed)", source: "none", warnings };
}

function namedZone(fs: RootFilesystem, name: string, source: string, warnings: string[]): TargetZone {
  if (ZONE_NAME.test(name)) {
    const path = `${ZONEINFO}/${name}`;
    if (fs.isFile(path)) {
      const z = loadTzif(fs, path, name);
      if (typeof z !== "string") return { zone: z, label: name, source: `${source} → ${path}`, warnings };
      warnings.push(`${z}: not used`);
    }
    // zones whose rules are UTC forever need no zone file
    if (UTC_NAMES.has(name)) return { zone: TimeZone.utc(name), label: name, source, warnings };
    const intl = IntlZone.create(name);
    if (intl) {
      warnings.push(`the rules of ${name} are quarry's own (tz database ${process.versions.tz ?? "of Node's ICU"}), not the target's: its zone file is not in the target`);
      return { zone: intl, label: name, source: `${source} (quarry's tz database)`, warnings };
    }
  }
  try {
    return { zone: TimeZone.fromPosix(name), label: name, source, warnings };
  } catch {
    warnings.push(`unknown time zone ${JSON.stringify(name)} (${source}): local times read as UTC`);
    return { zone: TimeZone.utc(), label: "UTC (assumed)", source, warnings };
  }
}

/** A zone by name from Node's ICU tz database: the fallback when the target's zone file is missing. */
class IntlZone implements Zone {
  private readonly fmt: Intl.DateTimeFormat;
  private cacheAt = NaN;
  private cacheOff = 0;

  private constructor(readonly name: string) {
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
  }

  static create(name: string): IntlZone | null {
    try {
      return new IntlZone(name);
    } catch {
      return null;
    }
  }

  offsetAt(utc: number): number {
    if (utc === this.cacheAt) return this.cacheOff;
    const p: Record<string, string> = {};
    for (const part of this.fmt.formatToParts(new Date(utc * 1000))) p[part.type] = part.value;
    const year = p.era === "BC" || p.era === "B" ? 1 - Number(p.year) : Number(p.year);
    const d = new Date(0);
    d.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
    d.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
    const local = Math.floor(d.getTime() / 1000);
    // formatToParts has whole seconds: the offset of the floor of utc
    this.cacheAt = utc;
    this.cacheOff = local - Math.floor(utc);
    return this.cacheOff;
  }

  /** Offsets change at most a few times a year: look two days either side and bisect to the second. */
  segmentAt(utc: number): Segment {
    const off = this.offsetAt(utc);
    const SPAN = 2 * 86400;
    const edge = (dir: 1 | -1): { at: number; off: number } | null => {
      const far = utc + dir * SPAN;
      const farOff = this.offsetAt(far);
      if (farOff === off) return null;
      let inside = utc;
      let outside = far;
      while (Math.abs(outside - inside) > 1) {
        const mid = Math.floor((inside + outside) / 2);
        if (this.offsetAt(mid) === off) inside = mid;
        else outside = mid;
      }
      return { at: dir === 1 ? outside : inside + 0, off: this.offsetAt(outside) };
    };
    const next = edge(1);
    const prev = edge(-1);
    return {
      // without a change within the span the segment is known only that far: callers ask again past it
      from: prev ? prev.at : utc - SPAN,
      to: next ? next.at : utc + SPAN,
      utoff: off,
      before: prev ? prev.off : off,
      after: next ? next.off : off,
    };
  }
}
