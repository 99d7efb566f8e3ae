// How the analysis reads an entry (by ut_type, never by user name as last(1) does; specs/utmp.md §5).
import type { Timestamp } from "quarry";
import { BOOT_TIME, RUN_LVL } from "../utmp/layout.js";
import type { LoginEntry } from "../utmp/entries.js";

/** A RUN_LVL record that ends the system's run: user "shutdown", or runlevel '0' (halt) / '6' (reboot). */
export function isShutdown(e: LoginEntry): boolean {
  if (e.type !== RUN_LVL) return false;
  if (e.user === "shutdown") return true;
  const lvl = (e.pid ?? 0) & 0xff;
  return lvl === 0x30 || lvl === 0x36;
}

export function isBoot(e: LoginEntry): boolean {
  return e.type === BOOT_TIME;
}

/** Seconds from a to b with microsecond precision (a float), or null when either is unknown. */
export function secondsBetween(a: Timestamp | null, b: Timestamp | null): number | null {
  if (!a || !b) return null;
  // exact integer microseconds (below 2^53 for any span under 285 years), then one division
  return ((b.seconds - a.seconds) * 1_000_000 + (b.micros - a.micros)) / 1e6;
}
