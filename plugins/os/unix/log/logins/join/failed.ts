// Failed and invalid-user attempts counted per source address, user or remote host: one count per joined event
// (an attempt that btmp, auth.log and the journal all recorded counts once), and per source how many of those
// attempts it recorded. One entry per distinct key is held.
import type { Timestamp } from "quarry";
import type { Assembled } from "./event.js";

export type FailedBy = "addr" | "user" | "host";

export const COUNTED_SOURCES = ["btmp", "authlog", "journal", "audit"] as const;

export interface FailedCount {
  key: string;
  count: number;
  first: Timestamp | null;
  firstT: number;
  last: Timestamp | null;
  lastT: number;
  perSource: Record<(typeof COUNTED_SOURCES)[number], number>;
  files: Set<string>;
}

export function isFailure(e: Assembled): boolean {
  return e.action === "failed" || e.action === "invalid_user";
}

export function keyOf(e: Assembled, by: FailedBy): string | null {
  if (by === "addr") return e.remote_ip;
  if (by === "host") return e.remote_host ?? e.remote_ip ?? "";
  return e.user ?? "";
}

export class FailedCounter {
  private readonly counts = new Map<string, FailedCount>();
  constructor(private readonly by: FailedBy) {}

  add(e: Assembled): void {
    if (!isFailure(e)) return;
    const key = keyOf(e, this.by);
    if (key === null) return;
    let c = this.counts.get(key);
    if (!c) {
      c = { key, count: 0, first: null, firstT: Infinity, last: null, lastT: -Infinity, perSource: { btmp: 0, authlog: 0, journal: 0, audit: 0 }, files: new Set() };
      this.counts.set(key, c);
    }
    c.count++;
    if (e.t < c.firstT) {
      c.firstT = e.t;
      c.first = e.ts;
    }
    if (e.t > c.lastT) {
      c.lastT = e.t;
      c.last = e.ts;
    }
    const fns = new Set<string>();
    for (const s of e.sources) {
      const at = s.indexOf(":");
      fns.add(s.slice(0, at));
      if (c.files.size < 2) c.files.add(s.slice(at + 1));
    }
    for (const f of COUNTED_SOURCES) if (fns.has(f)) c.perSource[f]++;
  }

  /** In the order they were first seen (the story's order), then by key. */
  results(): FailedCount[] {
    return [...this.counts.values()].sort((a, b) => a.firstT - b.firstT || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
