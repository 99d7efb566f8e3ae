// TZif, the compiled time zone files of /usr/share/zoneinfo and /etc/localtime (RFC 8536), and the POSIX TZ
// rule of their footer (RFC 8536 §3.3, POSIX.1 TZ): offset of any instant, and the instants a local wall-clock
// time may stand for. The target's own zone file is read, never the analyst's zone database: a target whose
// tzdata predates a rule change (a country abolishing DST) logged with the old rule.
//
// Bounds: every count in the header is checked against the file's size before anything is allocated; a file of
// more than MAX_TZIF_BYTES is refused. Transitions past the table's end come from the footer's rule, generated a
// year at a time as they are asked for (years up to 9999).

import { civilFromDays, daysFromCivil } from "quarry";

/** The largest real TZif is ~4 KB (America/Sao_Paulo with its fat v1 block); 1 MiB is no zone file. */
export const MAX_TZIF_BYTES = 1024 * 1024;

export class TzifError extends Error {}

/** A zone given by a POSIX TZ string alone follows its rule from this year on. */
const RULE_ONLY_FROM = 1900;

export interface LocalTimeType {
  /** Seconds east of UTC. */
  utoff: number;
  isdst: boolean;
  abbr: string;
}

/** A DST rule of a POSIX TZ string: when it starts and ends each year. */
interface PosixRule {
  std: LocalTimeType;
  dst: LocalTimeType | null;
  start: RuleDate | null;
  end: RuleDate | null;
}

/** Jn (1..365, no Feb 29), n (0..365), or Mm.w.d; at `time` seconds of local time (may be negative or > 24 h). */
type RuleDate = { kind: "julian1" | "julian0"; day: number; time: number } | { kind: "month"; month: number; week: number; weekday: number; time: number };

export interface Segment {
  from: number;
  to: number;
  utoff: number;
  /** Offset just before `from`, and from `to` on. */
  before: number;
  after: number;
}

/** What a reader of local times needs from a zone (TZif-based, or the fallback of src/…/timezone.ts). */
export interface Zone {
  readonly name: string;
  offsetAt(utc: number): number;
  segmentAt(utc: number): Segment;
}

export class TimeZone implements Zone {
  /** Transition instants (UTC seconds), ascending, and the local time type from each one on. */
  private readonly at: number[];
  private readonly type: LocalTimeType[];
  /** The footer's years already appended to the table. */
  private generatedTo: number;

  private constructor(
    readonly name: string,
    at: number[],
    type: LocalTimeType[],
    /** Before the first transition (RFC 8536: the first type of the table). */
    private readonly initial: LocalTimeType,
    private readonly rule: PosixRule | null,
  ) {
    this.at = at;
    this.type = type;
    const last = at.length ? at[at.length - 1]! : -Infinity;
    // the footer rule takes over after the last transition, from within that transition's own year; a zone of a
    // rule alone has its transitions generated from 1900 on (before, its standard time)
    this.generatedTo = Number.isFinite(last) ? yearOfUtc(last) - 1 : RULE_ONLY_FROM - 1;
  }

  static utc(name = "UTC"): TimeZone {
    const t = { utoff: 0, isdst: false, abbr: "UTC" };
    return new TimeZone(name, [], [], t, { std: t, dst: null, start: null, end: null });
  }

  /** A zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,M10.5.0/3"), as the TZ variable gives it. */
  static fromPosix(tz: string, name = tz): TimeZone {
    const rule = parsePosixTz(tz);
    if (!rule) throw new TzifError(`not a POSIX TZ string: ${JSON.stringify(tz)}`);
    return new TimeZone(name, [], [], rule.std, rule);
  }

  /** Parse a TZif file (versions 1 to 4). */
  static fromTzif(data: Uint8Array, name: string): TimeZone {
    if (data.length > MAX_TZIF_BYTES) throw new TzifError(`${data.length} bytes: larger than any zone file (${MAX_TZIF_BYTES})`);
    const v1 = header(data, 0);
    if (v1.version === 0) {
      const block = readBlock(data, v1, 44, 4);
      return new TimeZone(name, block.at, block.types, block.initial, null);
    }
    // version 2+: skip the 32-bit block, read the 64-bit one and the footer
    const v2start = 44 + blockSize(v1, 4);
    const v2 = header(data, v2start);
    const block = readBlock(data, v2, v2start + 44, 8);
    const footerAt = v2start + 44 + blockSize(v2, 8);
    let rule: PosixRule | null = null;
    if (footerAt < data.length) {
      if (data[footerAt] !== 10) throw new TzifError(`footer at byte ${footerAt} does not start with a newline`);
      const nl = indexOf(data, 10, footerAt + 1);
      if (nl < 0) throw new TzifError(`footer at byte ${footerAt} has no closing newline`);
      const tz = Buffer.from(data.buffer, data.byteOffset + footerAt + 1, nl - footerAt - 1).toString("latin1");
      if (tz !== "") {
        rule = parsePosixTz(tz);
        if (!rule) throw new TzifError(`footer at byte ${footerAt} is not a POSIX TZ string: ${JSON.stringify(tz)}`);
      }
    }
    return new TimeZone(name, block.at, block.types, block.initial, rule);
  }

  /** The local time type in effect at `utc` (seconds since the epoch). */
  typeAt(utc: number): LocalTimeType {
    this.extendTo(yearOfUtc(utc) + 1);
    const at = this.at;
    if (at.length === 0 || utc < at[0]!) return this.initial;
    // binary search: the last transition at or before utc
    let lo = 0;
    let hi = at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid]! <= utc) lo = mid;
      else hi = mid - 1;
    }
    if (lo === at.length - 1 && this.rule && !this.rule.dst) return this.rule.std;
    return this.type[lo]!;
  }

  offsetAt(utc: number): number {
    return this.typeAt(utc).utoff;
  }

  /**
   * The span of UTC instants around `utc` with one offset, [from, to), and the offsets either side (the same
   * offset where there is no transition): what a reader of many local times caches.
   */
  segmentAt(utc: number): Segment {
    const off = this.offsetAt(utc);
    const at = this.at;
    if (at.length === 0) return { from: -Infinity, to: Infinity, utoff: off, before: off, after: off };
    let lo = -1;
    let hi = at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid]! <= utc) lo = mid;
      else hi = mid - 1;
    }
    const from = lo >= 0 ? at[lo]! : -Infinity;
    // past the table's end with no DST rule: no transition follows
    const to = lo + 1 < at.length ? at[lo + 1]! : Infinity;
    const before = lo >= 0 ? this.offsetAt(from - 1) : off;
    const after = Number.isFinite(to) ? this.offsetAt(to) : off;
    return { from, to, utoff: off, before, after };
  }

  /** The instants whose local time is `local` (see instantsOf). */
  instantsOf(local: number): number[] {
    return instantsOf(this, local);
  }

  /** Append the footer rule's transitions up to the end of `year` (nothing without a DST rule). */
  private extendTo(year: number): void {
    const r = this.rule;
    if (!r || !r.dst || !r.start || !r.end || year <= this.generatedTo) return;
    const until = Math.min(year, 9999);
    for (let y = this.generatedTo + 1; y <= until; y++) {
      const pairs = transitionsOf(r, y);
      for (const [t, type] of pairs) {
        if (this.at.length === 0 || t > this.at[this.at.length - 1]!) {
          this.at.push(t);
          this.type.push(type);
        }
      }
    }
    this.generatedTo = Math.max(this.generatedTo, until);
  }
}

/**
 * The instants (UTC seconds, ascending) whose local time in `zone` is `local` (seconds since the epoch of the
 * wall-clock time read as if it were UTC): one normally, two in a repeated hour (DST ending), none in a skipped
 * one (DST starting).
 */
export function instantsOf(zone: Pick<Zone, "offsetAt">, local: number): number[] {
  const out: number[] = [];
  // Offsets change at most a few times a day; the ones in effect two days either side cover every candidate.
  const seen = new Set<number>();
  for (const probe of [local - 86400 * 2, local - 86400, local, local + 86400, local + 86400 * 2]) {
    const o1 = zone.offsetAt(probe);
    for (const off of [o1, zone.offsetAt(probe - o1)]) {
      if (seen.has(off)) continue;
      seen.add(off);
      const u = local - off;
      if (zone.offsetAt(u) === off && !out.includes(u)) out.push(u);
    }
  }
  return out.sort((a, b) => a - b);
}

// ---- the binary file ----

interface Header {
  version: number;
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

function u32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) >>> 0) + (d[at + 1]! << 16) + (d[at + 2]! << 8) + d[at + 3]!;
}

function i32(d: Uint8Array, at: number): number {
  return u32(d, at) | 0;
}

function i64(d: Uint8Array, at: number): number {
  const hi = i32(d, at);
  const lo = u32(d, at + 4);
  return hi * 4294967296 + lo;
}

function header(d: Uint8Array, at: number): Header {
  if (at + 44 > d.length) throw new TzifError(`truncated: no header at byte ${at}`);
  if (d[at] !== 0x54 || d[at + 1] !== 0x5a || d[at + 2] !== 0x69 || d[at + 3] !== 0x66) throw new TzifError(`not a TZif file: no "TZif" magic at byte ${at}`);
  const v = d[at + 4]!;
  const version = v === 0 ? 0 : v - 0x30;
  if (v !== 0 && (version < 2 || version > 9)) throw new TzifError(`unknown TZif version byte 0x${v.toString(16)} at byte ${at + 4}`);
  const h: Header = {
    version,
    isutcnt: u32(d, at + 20),
    isstdcnt: u32(d, at + 24),
    leapcnt: u32(d, at + 28),
    timecnt: u32(d, at + 32),
    typecnt: u32(d, at + 36),
    charcnt: u32(d, at + 40),
  };
  if (h.typecnt === 0 || h.charcnt === 0) throw new TzifError(`header at byte ${at}: no local time types`);
  if ((h.isutcnt !== 0 && h.isutcnt !== h.typecnt) || (h.isstdcnt !== 0 && h.isstdcnt !== h.typecnt)) {
    throw new TzifError(`header at byte ${at}: indicator counts do not match the type count`);
  }
  // a type index is one byte; every other count is bounded by the file in readBlock before anything is sized
  if (h.typecnt > 256) throw new TzifError(`header at byte ${at}: ${h.typecnt} local time types (at most 256)`);
  return h;
}

function blockSize(h: Header, timeSize: number): number {
  return h.timecnt * timeSize + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt;
}

function readBlock(d: Uint8Array, h: Header, at: number, timeSize: number): { at: number[]; types: LocalTimeType[]; initial: LocalTimeType } {
  if (at + blockSize(h, timeSize) > d.length) throw new TzifError(`truncated: the data block at byte ${at} needs ${blockSize(h, timeSize)} bytes`);
  const times: number[] = [];
  for (let i = 0; i < h.timecnt; i++) times.push(timeSize === 8 ? i64(d, at + i * 8) : i32(d, at + i * 4));
  let p = at + h.timecnt * timeSize;
  const idx: number[] = [];
  for (let i = 0; i < h.timecnt; i++) {
    const k = d[p + i]!;
    if (k >= h.typecnt) throw new TzifError(`transition ${i} names local time type ${k} of ${h.typecnt} (byte ${p + i})`);
    idx.push(k);
  }
  p += h.timecnt;
  const charsAt = p + h.typecnt * 6;
  const types: LocalTimeType[] = [];
  for (let i = 0; i < h.typecnt; i++) {
    const q = p + i * 6;
    const utoff = i32(d, q);
    const abbrIndex = d[q + 5]!;
    if (abbrIndex >= h.charcnt) throw new TzifError(`local time type ${i} has abbreviation index ${abbrIndex} past ${h.charcnt} (byte ${q + 5})`);
    const end = indexOf(d, 0, charsAt + abbrIndex);
    const abbr = Buffer.from(d.buffer, d.byteOffset + charsAt + abbrIndex, (end < 0 || end > charsAt + h.charcnt ? charsAt + h.charcnt : end) - charsAt - abbrIndex).toString("latin1");
    if (utoff === -0x80000000 || Math.abs(utoff) > 26 * 3600) throw new TzifError(`local time type ${i} has an offset of ${utoff} s (byte ${q})`);
    types.push({ utoff, isdst: d[q + 4] === 1, abbr });
  }
  for (let i = 1; i < times.length; i++) {
    if (times[i]! <= times[i - 1]!) throw new TzifError(`transition times are not ascending at transition ${i}`);
  }
  return { at: times, types: idx.map((k) => types[k]!), initial: types[0]! };
}

function indexOf(d: Uint8Array, byte: number, from: number): number {
  for (let i = from; i < d.length; i++) if (d[i] === byte) return i;
  return -1;
}

// ---- POSIX TZ strings ----

/** `std offset [dst [offset] [,start[/time],end[/time]]]`, with RFC 8536's extensions (hours -167..167). */
export function parsePosixTz(tz: string): PosixRule | null {
  let i = 0;
  const name = (): string | null => {
    if (tz[i] === "<") {
      const close = tz.indexOf(">", i);
      if (close < 0) return null;
      const n = tz.slice(i + 1, close);
      i = close + 1;
      return n.length >= 3 ? n : null;
    }
    const m = /^[A-Za-z]{3,}/.exec(tz.slice(i));
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const time = (signed: boolean): number | null => {
    const m = (signed ? /^([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/ : /^([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/).exec(tz.slice(i));
    if (!m) return null;
    i += m[0].length;
    const h = Number(m[2]);
    if (h > 167) return null;
    const v = h * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    return m[1] === "-" ? -v : v;
  };
  const date = (): RuleDate | null => {
    let d: RuleDate;
    let m: RegExpExecArray | null;
    const rest = tz.slice(i);
    if ((m = /^J(\d{1,3})/.exec(rest))) {
      const day = Number(m[1]);
      if (day < 1 || day > 365) return null;
      d = { kind: "julian1", day, time: 7200 };
    } else if ((m = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest))) {
      const month = Number(m[1]);
      const week = Number(m[2]);
      const weekday = Number(m[3]);
      if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return null;
      d = { kind: "month", month, week, weekday, time: 7200 };
    } else if ((m = /^(\d{1,3})/.exec(rest))) {
      const day = Number(m[1]);
      if (day > 365) return null;
      d = { kind: "julian0", day, time: 7200 };
    } else return null;
    i += m[0].length;
    if (tz[i] === "/") {
      i++;
      const t = time(true);
      if (t === null) return null;
      d.time = t;
    }
    return d;
  };
  const stdName = name();
  if (stdName === null) return null;
  const stdOff = time(true);
  if (stdOff === null) return null;
  const std: LocalTimeType = { utoff: -stdOff || 0, isdst: false, abbr: stdName }; // || 0: no -0
  if (i === tz.length) return { std, dst: null, start: null, end: null };
  const dstName = name();
  if (dstName === null) return null;
  let dstUtoff = std.utoff + 3600;
  if (i < tz.length && tz[i] !== ",") {
    const o = time(true);
    if (o === null) return null;
    dstUtoff = -o || 0;
  }
  const dst: LocalTimeType = { utoff: dstUtoff, isdst: true, abbr: dstName };
  if (i === tz.length) {
    // no rule: POSIX leaves it to the implementation; the US rule of glibc's default ("M3.2.0,M11.1.0")
    return { std, dst, start: { kind: "month", month: 3, week: 2, weekday: 0, time: 7200 }, end: { kind: "month", month: 11, week: 1, weekday: 0, time: 7200 } };
  }
  if (tz[i] !== ",") return null;
  i++;
  const start = date();
  if (!start || tz[i] !== ",") return null;
  i++;
  const end = date();
  if (!end || i !== tz.length) return null;
  return { std, dst, start, end };
}

const DAY = 86400;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export { daysFromCivil };

/** The proleptic Gregorian year of an instant (UTC seconds, or local seconds for a local year). */
export function yearOfUtc(utc: number): number {
  return civilFromDays(Math.floor(utc / DAY))[0];
}

/** The local day (days since the epoch) a rule date falls on in year y. */
function ruleDay(r: RuleDate, y: number): number {
  if (r.kind !== "month") {
    // Jn: 1..365, February 29 never counted; n: 0..365, counted
    const jan1 = daysFromCivil(y, 1, 1);
    return r.kind === "julian0" ? jan1 + r.day : jan1 + r.day - 1 + (isLeap(y) && r.day >= 60 ? 1 : 0);
  }
  const first = daysFromCivil(y, r.month, 1);
  const weekdayOfFirst = (((first + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4)
  let day = first + ((r.weekday - weekdayOfFirst + 7) % 7) + (r.week - 1) * 7;
  const monthDays = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][r.month - 1]!;
  while (day - first >= monthDays) day -= 7; // week 5: the last such weekday
  return day;
}

/** DST start and end of year y as UTC instants with the type that begins at each. */
function transitionsOf(r: PosixRule, y: number): [number, LocalTimeType][] {
  const dst = r.dst!;
  // the start is given in standard local time, the end in DST local time
  const start = ruleDay(r.start!, y) * DAY + r.start!.time - r.std.utoff;
  const end = ruleDay(r.end!, y) * DAY + r.end!.time - dst.utoff;
  const out: [number, LocalTimeType][] = [
    [start, dst],
    [end, r.std],
  ];
  return out.sort((a, b) => a[0] - b[0]);
}
