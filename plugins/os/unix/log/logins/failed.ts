// Failed logins: every btmp record, whatever its type (sshd writes LOGIN_PROCESS, some systems USER_PROCESS),
// newest appended first as lastb lists them (not sorted by time). Counts by source address (records that
// have one), by host name, by user: most first, then by key.
import type { Timestamp } from "quarry";
import type { LoginEntry } from "../utmp/entries.js";

export type CountBy = "addr" | "host" | "user";

export interface FailedCount {
  key: string;
  count: number;
  firstSeen: Timestamp | null;
  lastSeen: Timestamp | null;
}

export function keyOf(e: LoginEntry, by: CountBy): string | null {
  if (by === "addr") return e.addr;
  if (by === "host") return e.host ?? "";
  return e.user ?? "";
}

export function countFailed(entries: Iterable<LoginEntry>, by: CountBy): FailedCount[] {
  const counts = new Map<string, FailedCount>();
  for (const e of entries) {
    if (e.implausible) continue;
    const key = keyOf(e, by);
    if (key === null) continue;
    let c = counts.get(key);
    if (!c) {
      c = { key, count: 0, firstSeen: null, lastSeen: null };
      counts.set(key, c);
    }
    c.count++;
    if (e.ts) {
      if (!c.firstSeen || e.ts.compare(c.firstSeen) < 0) c.firstSeen = e.ts;
      if (!c.lastSeen || e.ts.compare(c.lastSeen) > 0) c.lastSeen = e.ts;
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
