// The progress line on a terminal's stderr: targets done of total, records, records per second, errors so far.
// Log lines are printed above it (the line is cleared, the message written, the line redrawn). When stderr is
// not a terminal nothing extra is written at all.
import type { Writable } from "node:stream";

export interface ProgressCounts {
  done: number;
  total: number;
  records: number;
  errors: number;
}

export class StatusLine {
  private shown = false;
  private lastDraw = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly out: Writable,
    /** Draw at all (stderr is a terminal and progress was not turned off). */
    readonly enabled: boolean,
    private readonly counts: () => ProgressCounts,
  ) {
    if (enabled) {
      this.timer = setInterval(() => this.draw(true), 500);
      this.timer.unref();
    }
  }

  /** Write a log line (above the progress line when there is one). */
  print(line: string): void {
    if (this.shown) this.out.write("\r\x1b[K");
    this.out.write(line);
    if (this.shown) this.draw(true);
  }

  /** Redraw, at most a few times per second unless forced. */
  draw(force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const c = this.counts();
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = Math.round(c.records / secs);
    this.out.write(`\r\x1b[Ktargets ${c.done}/${c.total} · ${c.records} records · ${rate}/s · ${c.errors} error${c.errors === 1 ? "" : "s"}`);
    this.shown = true;
  }

  /** Remove the line for good (before the summary). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.out.write("\r\x1b[K");
    this.shown = false;
  }
}
