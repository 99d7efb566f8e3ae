// The year of traditional syslog lines (`Mar  4 08:15:03`: no year, no zone). docs/logs.md, "The year rule":
//
//  1. Within a file, lines are in the order they were written: going forward, a line whose month/day/time is
//     more than half a year before the previous line's starts the next year (December → January). A smaller
//     step back stays in the year (lines from several sources interleave) and, past an hour, is reported.
//  2. The newest line of a file is not after the file's mtime, nor after the first line of the next newer
//     rotation (a day's tolerance for clock skew and late writes): its year is the latest year for which that
//     holds, counted in the target's zone. The years of the lines before it follow from rule 1, backwards.
//  3. A line with a full date (RFC 3339, RFC 5424, a stamp with a year) needs no inference; traditional lines
//     after it continue from its year (rule 1), those before it end before it (rule 2, with it as the bound).
//
// Two passes over each file: the first (`YearScan`) counts the year changes of the lines before the first dated
// line and keeps that run's first and last stamps, in constant memory; `resolveStartYear` then fixes the run's
// first year from its bound; the second pass (`Placer`) gives every line its instant.
import { daysFromCivil, yearOfUtc, type Zone } from "../../linux/tzif.js";
import { LocalClock } from "./clock.js";
import type { SyslogLine } from "./line.js";

const DAY = 86400;
/** A step back of more than this (in the calendar, without years) is a new year. */
export const HALF_YEAR = 183 * DAY;
/** How far the newest line may be after its bound (clock skew, the zone of a line, a write after the rename). */
export const BOUND_TOLERANCE = DAY;
/** A step back in time of more than this is reported (lines of several sources interleave by seconds). */
export const BACK_STEP_REPORTED = 3600;

// Days before each month in a leap year: a calendar position that orders Feb 29 too.
const DAYS_BEFORE = [0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335];

/** Position of a month/day/time in a (leap) year, in seconds: what rule 1 compares. */
export function calendarKey(month: number, day: number, hour: number, minute: number, second: number): number {
  return (DAYS_BEFORE[month]! + day - 1) * DAY + hour * 3600 + minute * 60 + second;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The day exists in that year (April 31 never; February 29 in leap years only). */
export function validDate(year: number, month: number, day: number): boolean {
  return day <= MONTH_DAYS[month]! && (month !== 2 || day !== 29 || isLeap(year));
}

/** Local time (seconds since the epoch, read as UTC) of the line's wall clock in `year`. */
export function localSeconds(year: number, p: Pick<SyslogLine, "month" | "day" | "hour" | "minute" | "second">): number {
  return daysFromCivil(year, p.month, p.day) * DAY + p.hour * 3600 + p.minute * 60 + p.second;
}

/** The instant of a dated line (RFC 3339 / RFC 5424 with a stamp): its fields minus its offset. */
export function datedInstant(p: SyslogLine): number {
  return localSeconds(p.year, p) - p.offsetSeconds;
}

interface Stamp {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  lineNumber: number;
}

function stampOf(p: SyslogLine, lineNumber: number): Stamp {
  return { month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, lineNumber };
}

/** Whether a parsed line carries its own year (and so its instant, given the zone for a traditional one). */
export function isDated(p: SyslogLine): boolean {
  return p.format !== "traditional" ? !Number.isNaN(p.offsetSeconds) : p.year !== 0;
}

/** Pass one over a file: the run of undated lines before the first dated one. */
export class YearScan {
  /** Year changes (rule 1) within the leading run. */
  rollovers = 0;
  first: Stamp | null = null;
  last: Stamp | null = null;
  /** The first dated line's instant (UTC seconds), or null. */
  firstDated: number | null = null;
  firstDatedLine = 0;
  private prevKey = NaN;
  private readonly clock: LocalClock;

  constructor(zone: Zone) {
    this.clock = new LocalClock(zone);
  }

  add(p: SyslogLine, lineNumber: number): void {
    if (this.firstDated !== null) return;
    if (isDated(p)) {
      this.firstDated = p.format === "traditional" ? this.clock.toUtc(localSeconds(p.year, p), NaN) : datedInstant(p);
      this.firstDatedLine = lineNumber;
      return;
    }
    const key = calendarKey(p.month, p.day, p.hour, p.minute, p.second);
    if (key < this.prevKey - HALF_YEAR) this.rollovers++;
    this.prevKey = key;
    const s = stampOf(p, lineNumber);
    this.first ??= s;
    this.last = s;
  }
}

export type BoundKind = "mtime" | "next rotation" | "first dated line" | "time of analysis";

export interface Bound {
  /** UTC seconds. */
  at: number;
  kind: BoundKind;
  /** Names it in messages ("the file's mtime 2024-03-15T10:00:00Z"). */
  what: string;
}

export interface YearChoice {
  /** The year of the run's first line; null when the file has no undated line. */
  startYear: number | null;
  /** The instant of the run's first line (what bounds the next older rotation). */
  firstInstant: number | null;
  warnings: { message: string; lineNumber?: number }[];
}

function isoOf(utc: number): string {
  return new Date(utc * 1000).toISOString().replace(".000Z", "Z");
}

/** The bounds that apply to a file's leading run, tightest first. */
export function boundsOf(scan: YearScan, mtime: number | null, nextFirst: { at: number; path: string } | null): Bound[] {
  const b: Bound[] = [];
  if (scan.firstDated !== null) b.push({ at: scan.firstDated, kind: "first dated line", what: `its first dated line (line ${scan.firstDatedLine}, ${isoOf(scan.firstDated)})` });
  if (mtime !== null) b.push({ at: mtime, kind: "mtime", what: `the file's mtime ${isoOf(mtime)}` });
  if (nextFirst) b.push({ at: nextFirst.at, kind: "next rotation", what: `the first line of the newer ${nextFirst.path} (${isoOf(nextFirst.at)})` });
  return b.sort((x, y) => x.at - y.at);
}

/**
 * Rule 2: the year of the leading run's last line is the latest (from the bound's year + 1 down) whose instant is
 * not more than BOUND_TOLERANCE after the tightest bound; its first year follows from the count of year changes.
 */
export function resolveStartYear(scan: YearScan, bounds: Bound[], zone: Zone): YearChoice {
  const warnings: YearChoice["warnings"] = [];
  if (!scan.last || !scan.first) return { startYear: null, firstInstant: null, warnings };
  let bound = bounds[0];
  if (!bound) {
    const now = Math.floor(Date.now() / 1000);
    bound = { at: now, kind: "time of analysis", what: `the time of analysis ${isoOf(now)}` };
    warnings.push({ message: "no mtime and no later line to date the lines by: years counted back from the time of analysis" });
  }
  const clock = new LocalClock(zone);
  const last = scan.last;
  const { year, instant } = latestYear(last, bound.at, zone, clock);
  if (Number.isNaN(year)) {
    warnings.push({ message: `the lines before line ${last.lineNumber + 1} cannot be dated: no year puts line ${last.lineNumber} before ${bound.what}; kept with ts null`, lineNumber: last.lineNumber });
    return { startYear: null, firstInstant: null, warnings };
  }
  if (instant > bound.at) {
    warnings.push({
      message: `line ${last.lineNumber} (${isoOf(instant)}, year ${year}) is ${instant - bound.at} s after ${bound.what}: kept in ${year} (within the ${BOUND_TOLERANCE / 3600} h tolerance; a clock or zone skew?)`,
      lineNumber: last.lineNumber,
    });
  }
  const m = bounds.find((x) => x.kind === "mtime");
  if (m && m !== bound) {
    const byMtime = latestYear(last, m.at, zone, clock).year;
    if (byMtime !== year) warnings.push({ message: `lines up to line ${last.lineNumber} placed in ${year}, not ${byMtime} as ${m.what} alone gives: bounded by ${bound.what}`, lineNumber: last.lineNumber });
  }
  const startYear = year - scan.rollovers;
  const first = scan.first;
  const firstInstant = validDate(startYear, first.month, first.day) ? clock.toUtc(localSeconds(startYear, first), NaN) : instant;
  return { startYear, firstInstant, warnings };
}

/** The latest year (from the bound's local year + 1 down to 8 years back: a February 29 needs a leap year) whose
 * instant of `last` is not more than BOUND_TOLERANCE after `bound`; NaN when none. */
function latestYear(last: Stamp, bound: number, zone: Zone, clock: LocalClock): { year: number; instant: number } {
  const boundYear = yearOfUtc(bound + zone.offsetAt(bound));
  for (let y = boundYear + 1; y >= boundYear - 8; y--) {
    if (!validDate(y, last.month, last.day)) continue;
    const u = clock.toUtc(localSeconds(y, last), NaN);
    if (u <= bound + BOUND_TOLERANCE) return { year: y, instant: u };
  }
  return { year: NaN, instant: NaN };
}

/** Pass two: the instant of every line, in file order. */
export class Placer {
  private year: number | null;
  private prevKey = NaN;
  private prevUtc = NaN;
  private readonly clock: LocalClock;
  /** Counted per file and reported once by `summary()`. */
  backSteps = 0;
  firstBackStep = 0;
  largestBackStep = 0;
  skipped = 0;
  firstSkipped = 0;
  invalidDates = 0;
  firstInvalidDate = 0;
  undatable = 0;

  constructor(
    startYear: number | null,
    private readonly zone: Zone,
  ) {
    this.year = startYear;
    this.clock = new LocalClock(zone);
  }

  /** The line's instant in UTC seconds (its micros are the line's), or NaN when it cannot be dated. */
  place(p: SyslogLine, lineNumber: number): number {
    let utc: number;
    if (p.format !== "traditional") {
      if (Number.isNaN(p.offsetSeconds)) return NaN; // RFC 5424 nil stamp
      utc = datedInstant(p);
      this.anchor(utc);
    } else if (p.year !== 0) {
      if (!validDate(p.year, p.month, p.day)) return this.invalid(lineNumber);
      utc = this.local(localSeconds(p.year, p), lineNumber);
      this.anchor(utc);
    } else {
      if (this.year === null) {
        this.undatable++;
        return NaN;
      }
      const key = calendarKey(p.month, p.day, p.hour, p.minute, p.second);
      if (key < this.prevKey - HALF_YEAR) this.year++;
      this.prevKey = key;
      if (!validDate(this.year, p.month, p.day)) return this.invalid(lineNumber);
      utc = this.local(localSeconds(this.year, p), lineNumber);
    }
    if (utc < this.prevUtc - BACK_STEP_REPORTED) {
      if (this.backSteps++ === 0) this.firstBackStep = lineNumber;
      this.largestBackStep = Math.max(this.largestBackStep, this.prevUtc - utc);
    }
    this.prevUtc = utc;
    return utc;
  }

  private local(local: number, lineNumber: number): number {
    const u = this.clock.toUtc(local, this.prevUtc);
    if (this.clock.kind === "skipped" && this.skipped++ === 0) this.firstSkipped = lineNumber;
    return u;
  }

  private invalid(lineNumber: number): number {
    if (this.invalidDates++ === 0) this.firstInvalidDate = lineNumber;
    return NaN;
  }

  /** A dated line: undated lines after it continue from its local year. */
  private anchor(utc: number): void {
    const local = utc + this.zone.offsetAt(utc);
    this.year = yearOfUtc(local);
    const days = Math.floor(local / DAY);
    const sec = local - days * DAY;
    const jan1 = daysFromCivil(this.year, 1, 1);
    // the calendar key of a leap-year layout: shift days after Feb 28 in common years by one
    let doy = days - jan1;
    if (!isLeap(this.year) && doy >= 59) doy++;
    this.prevKey = doy * DAY + sec;
  }

  /** What could not be placed consistently, as messages naming the first line concerned. */
  summary(zoneLabel: string): { message: string; lineNumber: number }[] {
    const out: { message: string; lineNumber: number }[] = [];
    if (this.backSteps) {
      out.push({
        message: `${this.backSteps} line(s) are more than ${BACK_STEP_REPORTED / 3600} h earlier than the line before them (first: line ${this.firstBackStep}; largest step ${Math.round(this.largestBackStep)} s): out of order, or a clock change`,
        lineNumber: this.firstBackStep,
      });
    }
    if (this.skipped) {
      out.push({
        message: `${this.skipped} line(s) have a local time that does not exist in ${zoneLabel} (skipped by a DST change; first: line ${this.firstSkipped}): read with the offset before the change; were they written in another zone?`,
        lineNumber: this.firstSkipped,
      });
    }
    if (this.invalidDates) {
      out.push({
        message: `${this.invalidDates} line(s) have a date that does not exist in the year they fall in (February 29 of a common year; first: line ${this.firstInvalidDate}): kept with ts null`,
        lineNumber: this.firstInvalidDate,
      });
    }
    return out;
  }
}
