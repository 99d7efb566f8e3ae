// Login sessions (the semantics of the reference Go utmp package, issue 4): a USER_PROCESS opens a session on
// its line; a DEAD_PROCESS on that line closes it (logout); a newer login on the same line before any logout
// replaces it (replaced); a shutdown (RUN_LVL "shutdown", runlevel 0 or 6) closes every open session
// (shutdown), a BOOT_TIME too (reboot); whatever is open at the end is still_logged_in.
//
// A session's end is the first later record that is a USER or DEAD record on its line, or a shutdown or boot.
// Reading the entries newest first, that is the nearest one already seen, exactly what last(1) keeps: so the
// sessions come out newest appended login first, streaming, with state bounded by the number of lines.
//
// A wtmpdb row is a whole session (sessionsFromRows): its Logout ends it; one without ends at the shutdown its
// boot row records (shutdown), or at the next boot when that boot was never shut down (crash, as wtmpdb calls
// it), or is still_logged_in.
import type { Timestamp } from "quarry";
import { DEAD_PROCESS, USER_PROCESS } from "../utmp/layout.js";
import type { LoginEntry } from "../utmp/entries.js";
import type { BootIndex } from "./boots.js";
import { isBoot, isShutdown, secondsBetween } from "./events.js";

export type EndReason = "logout" | "replaced" | "shutdown" | "reboot" | "crash" | "still_logged_in";

export interface Session {
  login: LoginEntry;
  logout: Timestamp | null;
  endReason: EndReason;
  /** Seconds, microsecond precision; null while still logged in. */
  duration: number | null;
}

/** Sessions from utmp-format entries given newest appended first (as entriesBackward reads them). */
export function* sessionsNewestFirst(entries: Iterable<LoginEntry>): Generator<Session> {
  const nextOnLine = new Map<string, LoginEntry>();
  let nextDown: LoginEntry | null = null;
  for (const e of entries) {
    if (e.implausible) continue;
    if (e.type === USER_PROCESS && e.line) {
      let end = nextOnLine.get(e.line) ?? null;
      let reason: EndReason;
      if (end) reason = end.type === USER_PROCESS ? "replaced" : "logout";
      else if (nextDown) {
        end = nextDown;
        reason = isBoot(nextDown) ? "reboot" : "shutdown";
      } else reason = "still_logged_in";
      const logout = end ? end.ts : null;
      yield { login: e, logout, endReason: reason, duration: secondsBetween(e.ts, logout) };
      nextOnLine.set(e.line, e);
    } else if (e.type === DEAD_PROCESS && e.line) {
      nextOnLine.set(e.line, e);
    } else if (isBoot(e) || isShutdown(e)) {
      nextOnLine.clear();
      nextDown = e;
    }
  }
}

/** Sessions from wtmpdb rows (any order; newest appended first as entriesBackward reads them), one per user row. */
export function* sessionsFromRows(entries: Iterable<LoginEntry>, boots: BootIndex): Generator<Session> {
  for (const e of entries) {
    if (e.implausible || e.type !== USER_PROCESS || !e.ts) continue;
    let logout: Timestamp | null = e.tsLogout;
    let reason: EndReason = "logout";
    if (!logout) {
      const end = boots.endOf(e.ts);
      logout = end ? end.at : null;
      reason = end ? end.reason : "still_logged_in";
    }
    yield { login: e, logout, endReason: reason, duration: secondsBetween(e.ts, logout) };
  }
}
