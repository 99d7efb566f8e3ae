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
  /** Waits for a continuation (sudo's session end, the Failed line of an Invalid user) until this time, µs. */
  awaitUntil = 0;
  /** Only PAM failure lines so far: the failure line they announce may come up to PAM_HOLD later. */
  provisional = false;
  /** Index keys the event is filed under (join.ts). */
  readonly keys = new Set<string>();
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
    let earliest = obs[0]!;
    for (const o of obs) if (o.t < earliest.t) earliest = o;
    const sources = obs.map((o) => o.source).sort();
    let success: boolean | null = null;
    let service: string | null = null;
    for (const o of obs) {
      if (o.success !== null) success = success === null ? o.success : success && o.success;
      service ??= o.service;
    }
    const v = this.values;
    const first = sources[0]!;
    return {
      ts: earliest.ts,
      t: earliest.t,
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
      pid: v.pid as number | null,
      success,
      command: this.logCommand ?? this.anyCommand,
      sources,
      confidence: obs.length === 1 ? "single" : keyed(obs) ? "certain" : "probable",
      filepath: first.slice(first.indexOf(":") + 1),
    };
  }
}

/**
 * Certain when every observation is tied to the others by a process, port or session key (the graph of shared
 * keys is connected); probable when some were joined on user and time alone.
 */
function keyed(obs: readonly Obs[]): boolean {
  const n = obs.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length) {
    const a = obs[stack.pop()!]!;
    for (let j = 0; j < n; j++) {
      if (seen[j]) continue;
      const b = obs[j]!;
      if ((a.pid !== null && a.pid === b.pid) || (a.remote_port !== null && a.remote_port === b.remote_port) || (a.session !== null && a.session === b.session)) {
        seen[j] = 1;
        reached++;
        stack.push(j);
      }
    }
  }
  return reached === n;
}
