// --from / --to: the window of a timeline, inclusive at the start and exclusive at the end (so consecutive
// windows, --from A --to B then --from B --to C, neither miss nor repeat an event). ISO 8601 datetimes, UTC
// unless they carry an offset; a date alone is its midnight. Anything else is a usage error naming the option.
import { UsageError } from "../plugin/args.js";
import { Timestamp } from "../records/timestamp.js";

export interface TimeWindow {
  readonly from: Timestamp | null;
  readonly to: Timestamp | null;
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d\d(?::?\d\d)?)?$/i;

function daysIn(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** A strict ISO 8601 datetime (no rolling over of month 13 or 25 o'clock, as a lenient parser would); null if not. */
export function parseDatetime(text: string): Timestamp | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  const us = Number((m[7] ?? "").padEnd(6, "0").slice(0, 6)); // finer than a microsecond: cut, as evidence is
  let offset = 0;
  const tz = m[8];
  if (tz && tz.toUpperCase() !== "Z") {
    const digits = tz.replace(":", "");
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5) || 0);
    if (oh > 23 || om > 59) return null;
    offset = (digits[0] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const local = Timestamp.fromParts(y, mo, d, h, mi, s, us);
  return Timestamp.fromUnix(local.seconds - offset, local.micros);
}

function option(name: string, text: string | undefined): Timestamp | null {
  if (text === undefined) return null;
  const ts = parseDatetime(String(text));
  if (!ts) {
    throw new UsageError(
      `--${name}: not an ISO 8601 datetime: ${JSON.stringify(String(text))} (for example 2024-03-05, 2024-03-05T14:00:00Z or 2024-03-05T16:00:00+02:00; UTC unless an offset is given)`,
    );
  }
  return ts;
}

/** The window from the option values (either may be absent). */
export function parseWindow(from: string | undefined, to: string | undefined): TimeWindow {
  const w = { from: option("from", from), to: option("to", to) };
  if (w.from && w.to && w.from.compare(w.to) >= 0) {
    throw new UsageError(`--from ${w.from.isoformat("T")} is not before --to ${w.to.isoformat("T")}: the window is empty`);
  }
  return w;
}

/** Is `ts` inside the window (from ≤ ts < to)? */
export function inWindow(w: TimeWindow, ts: Timestamp): boolean {
  return (w.from === null || ts.compare(w.from) >= 0) && (w.to === null || ts.compare(w.to) < 0);
}
