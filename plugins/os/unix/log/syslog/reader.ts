// Reading syslog-format files for a record function: the files and their rotations oldest first, two passes
// (the year of traditional lines is known only from a file's end: year.ts), every line parsed and placed in time,
// bad input reported by file and line. One shared entry object is handed to the function per line (no garbage
// per line): copy what a record keeps.
//
// What happens to odd lines (docs/logs.md, "Bad input"):
//   * NUL bytes before a line (a file preallocated or cut by a crash): dropped, the line read, one warning per file;
//   * binary data (a NUL within the line, or mostly control bytes) without a syslog header: skipped, warned;
//   * text without a syslog header (a continuation, a line of another format): kept, ts null, warned;
//   * a file none of whose first MAX_PROBE lines has a header is not a syslog file: an error, nothing read.
import { Timestamp, type ArgSpec, type FunctionContext, type Target } from "quarry";
import { targetZone, type TargetZone } from "../../linux/timezone.js";
import { closeAll, findRotations, openRotations, type OpenedLog } from "../rotations.js";
import { parseSyslogLine, parseTraditionalStamp, type SyslogLine } from "./line.js";
import { boundsOf, Placer, resolveStartYear, YearScan } from "./year.js";

/** Lines judged before a file is called "not a syslog file". */
export const MAX_PROBE = 64;
/** Warnings of one kind per file before the rest are only counted. */
const MAX_LINE_WARNINGS = 10;

export const TIMEZONE_ARG: ArgSpec = {
  name: "timezone",
  type: "string",
  default: "",
  help: "zone of traditional syslog times (a name such as Europe/Berlin, or a POSIX TZ string); default: the target's /etc/localtime",
};

export interface LogEntry {
  file: string;
  lineNumber: number;
  /** Byte offset of the line (in the inflated bytes of a compressed rotation). */
  offset: number;
  /** The parsed header, or null for a line without one (then `text` is its message). */
  line: SyslogLine | null;
  text: string;
  ts: Timestamp | null;
  /** The zone that dated the line: the target's for traditional lines, the line's own offset otherwise. */
  zone: string | null;
}

const NUL_RUN = /^\0+/;

/** Mostly control bytes, or a NUL inside: data, not a log line (tab and ESC count as text). */
function isBinary(s: string): boolean {
  if (s.indexOf("\0") >= 0) return true;
  let ctl = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 27) || c === 127 || (c >= 0xdc80 && c <= 0xdcff)) ctl++;
  }
  return ctl * 4 > s.length;
}

interface Counter {
  count: number;
  firstLine: number;
  firstOffset: number;
}

function counter(): Counter {
  return { count: 0, firstLine: 0, firstOffset: 0 };
}

function bump(c: Counter, lineNumber: number, offset: number): boolean {
  if (c.count++ === 0) {
    c.firstLine = lineNumber;
    c.firstOffset = offset;
  }
  return c.count <= MAX_LINE_WARNINGS;
}

/** The files' zone, reported once per function run. */
function zoneOf(t: Target, ctx: FunctionContext): TargetZone {
  const override = typeof ctx.args.timezone === "string" && ctx.args.timezone !== "" ? ctx.args.timezone : undefined;
  const z = targetZone(t.fs, override);
  for (const w of z.warnings) ctx.warn({ message: w });
  return z;
}

interface Pass1 {
  log: OpenedLog;
  scan: YearScan;
  isLog: boolean;
  startYear: number | null;
}

/** Bytes of a line's start that hold any traditional stamp (`Mar  4 2024 08:15:03.123456789…` is 30). */
const STAMP_PREFIX = 48;

/** Pass one over a file: the year scan, and whether it is a syslog file at all. */
function firstPass(log: OpenedLog, z: TargetZone): Pass1 {
  return fastFirstPass(log, z) ?? fullFirstPass(log, z);
}

/**
 * The common case, a file of traditional lines, reading only each line's first bytes. It gives up (null) at
 * the first line that starts with a digit or "<" (RFC 3339, RFC 5424, a <PRI>): those need the whole line.
 */
function fastFirstPass(log: OpenedLog, z: TargetZone): Pass1 | null {
  const scan = new YearScan(z.zone);
  let probed = 0;
  let headers = 0;
  for (const l of log.prefixes(STAMP_PREFIX)) {
    const c = l.prefix.charCodeAt(0);
    if (c === 60 || (c >= 48 && c <= 57)) return null;
    const p = parseTraditionalStamp(l.prefix);
    if (probed < MAX_PROBE) {
      probed++;
      if (p) headers++;
    }
    if (p) scan.add(p, l.lineNumber);
  }
  return { log, scan, isLog: probed === 0 || headers > 0, startYear: null };
}

function fullFirstPass(log: OpenedLog, z: TargetZone): Pass1 {
  const scan = new YearScan(z.zone);
  let probed = 0;
  let headers = 0;
  for (const l of log.scan()) {
    let text = l.text;
    if (text.charCodeAt(0) === 0) text = text.replace(NUL_RUN, "");
    if (text === "") continue;
    const p = parseSyslogLine(text);
    if (probed < MAX_PROBE) {
      probed++;
      if (p) headers++;
    }
    if (p) scan.add(p, l.lineNumber);
    // the year scan ends at the first dated line; past the probe nothing more is needed
    if (scan.firstDated !== null && probed >= MAX_PROBE) break;
  }
  return { log, scan, isLog: probed === 0 || headers > 0, startYear: null };
}

/**
 * The syslog lines of `bases` and their rotations as entries, oldest file first, each in file order. Opening
 * (and inflating gzip'd rotations) happens before the first entry; the rest is synchronous.
 */
export async function syslogEntries(t: Target, bases: readonly string[], ctx: FunctionContext): Promise<Iterable<LogEntry>> {
  const z = zoneOf(t, ctx);
  const opened = await openRotations(t.fs, findRotations(t.fs, bases), ctx);
  return (function* () {
    try {
      yield* entries(opened, z, ctx);
    } finally {
      closeAll(opened);
    }
  })();
}

function* entries(opened: OpenedLog[], z: TargetZone, ctx: FunctionContext): Generator<LogEntry> {
  const passes = opened.map((log) => firstPass(log, z));
  // rule 2 newest first within each base: a rotation ends before the next newer one begins
  let nextFirst: { at: number; path: string } | null = null;
  for (let i = passes.length - 1; i >= 0; i--) {
    const p = passes[i]!;
    if (i === passes.length - 1 || passes[i + 1]!.log.rotation.base !== p.log.rotation.base) nextFirst = null;
    if (!p.isLog) continue;
    const r = p.log.rotation;
    const mtime = r.mtime ? r.mtime.seconds : null;
    const choice = resolveStartYear(p.scan, boundsOf(p.scan, mtime, nextFirst), z.zone);
    for (const w of choice.warnings) ctx.warn({ message: w.message, file: r.path });
    p.startYear = choice.startYear;
    const first = choice.firstInstant ?? p.scan.firstDated;
    if (first !== null) nextFirst = { at: first, path: r.path };
  }
  const entry: LogEntry = { file: "", lineNumber: 0, offset: 0, line: null, text: "", ts: null, zone: null };
  for (const p of passes) {
    const file = p.log.rotation.path;
    if (!p.isLog) {
      ctx.error({ message: `not a syslog file: none of its first ${MAX_PROBE} lines has a syslog header (traditional, RFC 3339 or RFC 5424); not read`, file, offset: 0 });
      p.log.close();
      continue;
    }
    const placer = new Placer(p.startYear, z.zone);
    const nuls = counter();
    const binary = counter();
    const headerless = counter();
    entry.file = file;
    for (const l of p.log) {
      let text = l.text;
      if (text.charCodeAt(0) === 0) {
        const stripped = text.replace(NUL_RUN, "");
        if (bump(nuls, l.lineNumber, l.offset)) {
          ctx.warn({ message: `line ${l.lineNumber} starts with ${text.length - stripped.length} NUL bytes (a crash or a cut while the file was written?): dropped, the rest read`, file, offset: l.offset });
        }
        text = stripped;
      }
      if (text === "") continue;
      const parsed = parseSyslogLine(text);
      entry.lineNumber = l.lineNumber;
      entry.offset = l.offset;
      entry.text = text;
      if (!parsed) {
        if (isBinary(text)) {
          if (bump(binary, l.lineNumber, l.offset)) ctx.warn({ message: `line ${l.lineNumber}: ${l.bytes} bytes of binary data, no syslog header: skipped`, file, offset: l.offset });
          continue;
        }
        if (bump(headerless, l.lineNumber, l.offset)) ctx.warn({ message: `line ${l.lineNumber} has no syslog header: kept as a message with ts null`, file, offset: l.offset });
        entry.line = null;
        entry.ts = null;
        entry.zone = null;
        yield entry;
        continue;
      }
      const utc = placer.place(parsed, l.lineNumber);
      entry.line = parsed;
      if (Number.isNaN(utc)) {
        // the placer and the year rule have said why (summary, resolveStartYear)
        entry.ts = null;
        entry.zone = null;
      } else {
        entry.ts = Timestamp.fromUnixInRange(utc, parsed.micros);
        entry.zone = parsed.format === "traditional" ? z.label : parsed.offsetText;
      }
      yield entry;
    }
    const more = (c: Counter, what: string): void => {
      if (c.count > MAX_LINE_WARNINGS) ctx.warn({ message: `${c.count - MAX_LINE_WARNINGS} more lines ${what} (${c.count} in all; first: line ${c.firstLine})`, file, offset: c.firstOffset });
    };
    more(nuls, "started with NUL bytes");
    more(binary, "of binary data were skipped");
    more(headerless, "without a syslog header were kept with ts null");
    for (const s of placer.summary(z.label)) ctx.warn({ message: s.message, file });
  }
}
