// Live users from a utmp snapshot: the latest USER_PROCESS or DEAD_PROCESS record of each slot (line) wins;
// boot, runlevel, getty (INIT/LOGIN) records are ignored; the slots whose latest record is a login are the
// live users, newest login first. Entries of one file in file order.
import { DEAD_PROCESS, USER_PROCESS } from "../utmp/layout.js";
import type { LoginEntry } from "../utmp/entries.js";

export function liveUsers(entries: Iterable<LoginEntry>): LoginEntry[] {
  const slots = new Map<string, LoginEntry>();
  for (const e of entries) {
    if (e.implausible) continue;
    if ((e.type === USER_PROCESS || e.type === DEAD_PROCESS) && e.line) slots.set(e.line, e);
  }
  const live = [...slots.values()].filter((e) => e.type === USER_PROCESS);
  return live.sort((a, b) => (b.ts && a.ts ? b.ts.compare(a.ts) : b.ts ? 1 : a.ts ? -1 : 0));
}
