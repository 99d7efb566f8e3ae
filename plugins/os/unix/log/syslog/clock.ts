// Local wall-clock times of one file → UTC, in file order. A local time in the hour repeated when DST ends stands
// for two instants: the earlier one is taken unless it is before the previous line's instant (the hour's second
// pass), so times stay non-decreasing. A local time in the hour skipped when DST starts never happened in that
// zone: it is read with the offset in effect before the change, and counted (the file was probably written in
// another zone). Each answer's span of one offset is cached: one subtraction per line in the common case.
import { instantsOf, type Zone } from "../../linux/tzif.js";

export type LocalKind = "unique" | "repeated" | "skipped";

export class LocalClock {
  /** Local times in [lo, hi) have the one instant local − off. */
  private lo = Infinity;
  private hi = -Infinity;
  private off = 0;
  /** What the last toUtc found. */
  kind: LocalKind = "unique";

  constructor(readonly zone: Zone) {}

  /** The instant (UTC seconds) of local time `local`; `previous` is the last instant placed (NaN for none). */
  toUtc(local: number, previous: number): number {
    if (local >= this.lo && local < this.hi) {
      this.kind = "unique";
      return local - this.off;
    }
    const c = instantsOf(this.zone, local);
    if (c.length === 1) {
      this.kind = "unique";
      const u = c[0]!;
      const seg = this.zone.segmentAt(u);
      this.off = seg.utoff;
      this.lo = seg.from + Math.max(seg.utoff, seg.before);
      this.hi = seg.to + Math.min(seg.utoff, seg.after);
      // the span may not hold `local` (a span cut short by the fallback zone): then no cache
      if (!(local >= this.lo && local < this.hi)) this.hi = -Infinity;
      return u;
    }
    if (c.length > 1) {
      this.kind = "repeated";
      const first = c[0]!;
      return Number.isNaN(previous) || first >= previous ? first : c[c.length - 1]!;
    }
    this.kind = "skipped";
    // the offset of the instant a day before: the one in effect before the change
    return local - this.zone.offsetAt(local - 86400 - this.zone.offsetAt(local - 86400));
  }
}
