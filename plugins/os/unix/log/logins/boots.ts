// The boots of a wtmpdb history, by time: which boot covers a login (the latest boot at or before it) and which
// boot came next. A wtmpdb boot row carries its shutdown in Logout, so a session row left without a Logout ends
// at its boot's shutdown, or — when that boot was never shut down (wtmpdb's "crash") — at the next boot.
// Kept as two number arrays sorted by boot time: 16 bytes a boot, whatever the number of sessions.
import type { Timestamp } from "quarry";
import type { LoginEntry } from "../utmp/entries.js";
import { isBoot } from "./events.js";

export class BootIndex {
  /** Boot times and shutdown times (µs as numbers: exact to 2^53 µs, year 2255; NaN = no shutdown). */
  private readonly boot: Float64Array;
  private readonly down: Float64Array;
  private readonly entries: Timestamp[];
  private readonly downs: (Timestamp | null)[];

  constructor(entries: Iterable<LoginEntry>) {
    const found: { at: number; ts: Timestamp; down: Timestamp | null }[] = [];
    for (const e of entries) if (!e.implausible && isBoot(e) && e.ts) found.push({ at: micros(e.ts), ts: e.ts, down: e.tsLogout });
    found.sort((a, b) => a.at - b.at);
    this.boot = Float64Array.from(found, (b) => b.at);
    this.down = Float64Array.from(found, (b) => (b.down ? micros(b.down) : NaN));
    this.entries = found.map((b) => b.ts);
    this.downs = found.map((b) => b.down);
  }

  /** Index of the latest boot at or before `t`, or -1. */
  private covering(t: number): number {
    let lo = 0;
    let hi = this.boot.length; // first boot after t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.boot[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * How a session that began at `login` and has no logout of its own ended: at the shutdown of the boot that
   * covers it, at the next boot when that boot was never shut down (a crash), or not at all.
   */
  endOf(login: Timestamp): { reason: "shutdown" | "crash"; at: Timestamp } | null {
    const t = micros(login);
    const i = this.covering(t);
    if (i >= 0 && this.down[i]! >= t) return { reason: "shutdown", at: this.downs[i]! };
    const next = i + 1;
    return next < this.boot.length ? { reason: "crash", at: this.entries[next]! } : null;
  }
}

function micros(ts: Timestamp): number {
  return ts.seconds * 1e6 + ts.micros;
}
