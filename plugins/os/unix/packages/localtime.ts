// Package logs (dpkg.log, apt's history.log, yum.log) write the local wall-clock time without an offset: read
// in the target's own zone (its /etc/localtime), as the syslog readers do.
import { Timestamp, type FunctionContext, type Target } from "quarry";
import { targetZone } from "../linux/timezone.js";
import { daysFromCivil, instantsOf, type Zone } from "../linux/tzif.js";

export interface LocalClock {
  zone: Zone;
  label: string;
  /** "YYYY-MM-DD HH:MM:SS" (any run of spaces between date and time) → the instant; null if no such time. */
  parse(date: string): { ts: Timestamp | null; why: string | null };
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})$/;

export function localClock(t: Target, ctx: FunctionContext): LocalClock {
  const z = targetZone(t.fs);
  for (const w of z.warnings) ctx.warn({ message: w });
  return {
    zone: z.zone,
    label: z.label,
    parse(date) {
      const m = STAMP.exec(date);
      if (!m) return { ts: null, why: "no YYYY-MM-DD HH:MM:SS time" };
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return { ts: null, why: `${date} is no time` };
      const local = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + Math.min(s, 59);
      const at = instantsOf(z.zone, local);
      // a repeated hour (DST ending): the first of the two; a skipped one (DST starting): no such local time
      if (at.length === 0) return { ts: null, why: `${date} does not exist in ${z.label} (a skipped hour)` };
      return { ts: Timestamp.fromUnixInRange(at[0]!), why: null };
    },
  };
}
