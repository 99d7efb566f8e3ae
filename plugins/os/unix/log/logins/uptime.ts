// Uptime windows, one per boot: a BOOT_TIME opens one; a shutdown (RUN_LVL "shutdown", runlevel 0 or 6) ends
// it (shutdown); a next boot with no shutdown between ends it (crash, at that boot's time); the last one may
// be still_running. A wtmpdb boot row carries its shutdown time in Logout. Entries in file order.
import type { Timestamp } from "quarry";
import type { LoginEntry } from "../utmp/entries.js";
import { isBoot, isShutdown, secondsBetween } from "./events.js";

export type UptimeEnd = "shutdown" | "crash" | "still_running";

export interface UptimeWindow {
  boot: LoginEntry;
  end: Timestamp | null;
  endReason: UptimeEnd;
  duration: number | null;
}

function win(boot: LoginEntry, end: Timestamp | null, endReason: UptimeEnd): UptimeWindow {
  return { boot, end, endReason, duration: secondsBetween(boot.ts, end) };
}

export function* uptimeWindows(entries: Iterable<LoginEntry>): Generator<UptimeWindow> {
  let cur: LoginEntry | null = null;
  for (const e of entries) {
    if (e.implausible) continue;
    if (isBoot(e)) {
      if (cur) yield win(cur, e.ts, "crash");
      cur = e;
      if (e.tsLogout) {
        yield win(e, e.tsLogout, "shutdown");
        cur = null;
      }
    } else if (isShutdown(e) && cur) {
      yield win(cur, e.ts, "shutdown");
      cur = null;
    }
  }
  if (cur) yield win(cur, null, "still_running");
}
