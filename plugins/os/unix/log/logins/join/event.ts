// A login event being assembled from observations, and what it becomes: the merged values, its sources, and how
// sure the join is.
import type { Timestamp } from "quarry";
import type { Action, Obs } from "./obs.js";

export interface Assembled {
  ts: Timestamp;
  t: number;
  action: Action;
  user: string | null;
  target_user: string | null;
  remote_ip: string | null;
  remote_port: number | null;
  remote_host: string | null;
  method: string | null;
  key_fingerprint: string | null;
  service: string | null;
  tty: string | null;
  session: string | null;
  pid: number | null;
  /** wtmp's ut_pid of a login (its session child's pid with openssh): what its DEAD_PROCESS carries. */
  utPid: number | null;
  success: boolean | null;
  command: string | null;
  sources: string[];
  confidence: "single" | "certain" | "probable";
  filepath: string | null;
}

/** The values two observations must agree on when both carry them (docs/logins.md, "The keys"). */
export const KEYS = ["user", "target_user", "remote_ip", "remote_port", "tty", "pid", "session", "method", "key_fingerprint"] as const;
type Key = (typeof KEYS)[number];

export class Pending {
  readonly obs: Obs[] = [];
  first: number;
  last: number;
  action: Action;
  done = false;
  /** The join's visit stamp (one candidate looked at once per observation). */
  mark = 0;
  /** Waits for a continuation (sudo's session end, the Failed line of an Invalid user) until this time, µs. */
  awaitUntil = 0;
  /** Only PAM failure lines so far: the failure line they announce may come up to PAM_HOLD later. */
  provisional = false;
  /** The indexes and keys the event is filed under (join.ts), as pairs: [index, key, index, key, …]. */
  readonly filed: unknown[] = [];
  values: Record<Key, string | number | null> = {
    user: null,
    target_user: null,
    remote_ip: null,
    remote_port: null,
    tty: null,
    pid: null,
    session: null,
    method: null,
    key_fingerprint: null,
  };
  logCommand: string | null = null;
  remoteHost: string | null = null;
  anyCommand: string | null = null;

  constructor(
    o: Obs,
    readonly phase: number,
    readonly boot: number,
  ) {
    this.first = o.t;
    this.last = o.t;
    this.action = o.action;
    this.add(o);
  }

  add(o: Obs): void {
    this.obs.push(o);
    if (o.t < this.first) this.first = o.t;
    if (o.t > this.last) this.last = o.t;
    if (this.action === "failed" && o.action === "invalid_user") this.action = "invalid_user";
    for (const k of KEYS) if (this.values[k] === null && o[k] !== null) this.values[k] = o[k];
    this.remoteHost ??= o.remote_host;
    if (o.command !== null) {
      if (o.logCommand) this.logCommand ??= o.command;
      else this.anyCommand ??= o.command;
    }
  }

  /** How many observations of this function and kind the event holds. */
  filled(fn: string, kind: string): number {
    let n = 0;
    for (const o of this.obs) if (o.kind === kind && o.fn === fn) n++;
    return n;
  }

  has(fn: string, kind: string): boolean {
    return this.filled(fn, kind) > 0;
  }

  finish(): Assembled {
    const obs = this.obs;
    const named = obs.some((o) => o.naming) ? obs.filter((o) => o.naming) : obs;
    // the time of the finest source that names the event: the journal's and wtmp's µs before audit's ms before
    // syslog's whole seconds (a truncated second is no earlier an event)
    let when = named[0]!;
    for (const o of named) {
      const p = PRECISION[o.fn] ?? 2;
      const q = PRECISION[when.fn] ?? 2;
      if (p < q || (p === q && o.t < when.t)) when = o;
    }
    const sources: string[] = [];
    for (const o of obs) if (!sources.includes(o.source)) sources.push(o.source);
    if (sources.length > 1) sources.sort();
    let success: boolean | null = null;
    let service: string | null = null;
    let utPid: number | null = null;
    for (const o of obs) {
      if (o.success !== null) success = success === null ? o.success : success && o.success;
      service ??= o.service;
      utPid ??= o.utPid;
    }
    const v = this.values;
    const first = sources[0]!;
    return {
      ts: when.ts,
      t: when.t,
      action: this.action,
      user: v.user as string | null,
      target_user: v.target_user as string | null,
      remote_ip: v.remote_ip as string | null,
      remote_port: v.remote_port as number | null,
      remote_host: this.remoteHost,
      method: v.method as string | null,
      key_fingerprint: v.key_fingerprint as string | null,
      service,
      tty: v.tty as string | null,
      session: v.session as string | null,
      pid: (v.pid as number | null) ?? utPid,
      utPid,
      // a failure is one; anything else succeeded unless a source says it did not (sudo's "NOT in sudoers")
      success: this.action === "failed" || this.action === "invalid_user" ? false : (success ?? true),
      command: this.logCommand ?? this.anyCommand,
      sources,
      confidence: sources.length === 1 ? "single" : keyed(obs, sources) ? "certain" : "probable",
      filepath: first.slice(first.indexOf(":") + 1),
    };
  }
}

/** How fine a source's times are: 0 µs (journal, wtmp, utmp, btmp), 1 ms (audit), 2 s (syslog, lastlog). */
const PRECISION: Record<string, number> = { journal: 0, wtmp: 0, utmp: 0, btmp: 0, audit: 1, authlog: 2, lastlog: 2, lastlog2: 2 };

/** Two observations share a process, port or session key, or are sudo's logged command (auth.log, journal). */
function linked(a: Obs, b: Obs): boolean {
  return (
    (a.pid !== null && a.pid === b.pid) ||
    (a.remote_port !== null && a.remote_port === b.remote_port) ||
    (a.session !== null && a.session === b.session) ||
    (a.logCommand && b.logCommand && a.command !== null && a.command === b.command)
  );
}

/**
 * Certain when every source is tied to the others by a key (the graph of sources, an edge where two of their
 * records share a process, port, session or sudo command, is connected); probable when a source joined on user
 * and time alone.
 */
function keyed(obs: readonly Obs[], sources: readonly string[]): boolean {
  const n = sources.length;
  if (n === 2) {
    for (let i = 0; i < obs.length; i++) for (let j = i + 1; j < obs.length; j++) if (obs[i]!.source !== obs[j]!.source && linked(obs[i]!, obs[j]!)) return true;
    return false;
  }
  const at = new Map(sources.map((s, i) => [s, i]));
  const edge = Array.from({ length: n }, () => new Uint8Array(n));
  for (let i = 0; i < obs.length; i++) {
    for (let j = i + 1; j < obs.length; j++) {
      const a = obs[i]!;
      const b = obs[j]!;
      if (a.source !== b.source && linked(a, b)) {
        const x = at.get(a.source)!;
        const y = at.get(b.source)!;
        edge[x]![y] = edge[y]![x] = 1;
      }
    }
  }
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length) {
    const x = stack.pop()!;
    for (let y = 0; y < n; y++) {
      if (!seen[y] && edge[x]![y]) {
        seen[y] = 1;
        reached++;
        stack.push(y);
      }
    }
  }
  return reached === n;
}
