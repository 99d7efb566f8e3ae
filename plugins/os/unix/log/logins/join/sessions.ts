// Sessions from the joined events, one per login: the session_open after it gives its logind session; sudo
// events of its session id (or its user on its terminal) add their commands; its logout or session_close (same
// user, and its process, terminal, session id or sshd port) ends it, else a shutdown or a boot, else a new login
// on its terminal (replaced, as wtmp's sessions say). Sessions come out oldest login first: a session is held
// until it has ended and every older one is out, and a few seconds more for the other sources' lines of its end.
import type { Timestamp } from "quarry";
import type { Assembled } from "./event.js";

export type EndReason = "logout" | "replaced" | "shutdown" | "reboot" | "still_logged_in";

export interface StorySession {
  login: Timestamp;
  loginT: number;
  logout: Timestamp | null;
  logoutT: number;
  end_reason: EndReason;
  user: string | null;
  tty: string | null;
  remote_ip: string | null;
  remote_port: number | null;
  method: string | null;
  key_fingerprint: string | null;
  logind_session: string | null;
  pid: number | null;
  utPid: number | null;
  commands: string[];
  sources: Set<string>;
  seen_in_wtmp: boolean;
  ended: boolean;
  /** What ended it: a logout, or a session_close (which a logout close behind replaces). */
  endedBy?: string;
}

/** How long an ended session still takes the end lines of other sources, µs. */
const LINGER = 5_000_000;
/** A session_open belongs to the login of its user that came at most this much before it (no shared key). */
const OPEN_REACH = 10_000_000;
/** Sessions held for the order; past this many, ended ones go out as they end (and a warning says so). */
export const MAX_HELD = 100_000;

export class SessionBuilder {
  /** Every session not yet emitted, in login order. */
  private readonly held: StorySession[] = [];
  private head = 0;
  /** session_open events that came before their login (auth.log's truncated second), kept OPEN_REACH. */
  private orphans: Assembled[] = [];
  outOfOrder = 0;

  constructor(private readonly emit: (s: StorySession) => void) {}

  add(e: Assembled): void {
    this.flush(e.t);
    switch (e.action) {
      case "login":
        return this.login(e);
      case "session_open":
        return this.sessionOpen(e);
      case "sudo":
        return this.sudo(e);
      case "logout":
      case "session_close":
        return this.end(e);
      case "reboot":
      case "shutdown":
        for (const s of this.open()) this.close(s, e, e.action);
        return;
      default:
        return;
    }
  }

  finish(): void {
    for (let i = this.head; i < this.held.length; i++) this.emit(this.held[i]!);
    this.held.length = 0;
    this.head = 0;
  }

  private *open(): Generator<StorySession> {
    for (let i = this.head; i < this.held.length; i++) if (!this.held[i]!.ended) yield this.held[i]!;
  }

  private login(e: Assembled): void {
    if (e.tty !== null) for (const s of this.open()) if (s.tty === e.tty) this.close(s, e, "replaced", false);
    const s: StorySession = {
      login: e.ts,
      loginT: e.t,
      logout: null,
      logoutT: Infinity,
      end_reason: "still_logged_in",
      user: e.user,
      tty: e.tty,
      remote_ip: e.remote_ip,
      remote_port: e.remote_port,
      method: e.method,
      key_fingerprint: e.key_fingerprint,
      logind_session: e.session,
      pid: e.pid,
      utPid: e.utPid,
      commands: [],
      sources: new Set(e.sources),
      seen_in_wtmp: e.sources.some((src) => src.startsWith("wtmp:")),
      ended: false,
    };
    this.held.push(s);
    // its session_open, when a coarser time put it first
    const i = this.orphans.findIndex((o) => o.user === s.user && (o.pid === null || o.pid === s.pid) && Math.abs(o.t - s.loginT) <= OPEN_REACH);
    if (i >= 0) this.attachOpen(s, this.orphans.splice(i, 1)[0]!);
  }

  private attachOpen(s: StorySession, e: Assembled): void {
    s.logind_session ??= e.session;
    for (const src of e.sources) s.sources.add(src);
  }

  private sessionOpen(e: Assembled): void {
    let found: StorySession | null = null;
    for (const s of this.open()) {
      if (e.user !== null && s.user !== null && e.user !== s.user) continue;
      if ((e.pid !== null && s.pid === e.pid) || (e.session !== null && s.logind_session === e.session)) {
        found = s;
        break;
      }
      // no shared key: the latest login of the user just before, still without a logind session
      if (s.logind_session === null && e.user !== null && s.user === e.user && e.t - s.loginT <= OPEN_REACH) found = s;
    }
    if (found) return this.attachOpen(found, e);
    this.orphans = this.orphans.filter((o) => e.t - o.t <= OPEN_REACH);
    this.orphans.push(e);
  }

  private sudo(e: Assembled): void {
    let found: StorySession | null = null;
    let byUser: StorySession | null = null;
    let users = 0;
    for (const s of this.open()) {
      if (e.session !== null && s.logind_session === e.session) {
        found = s;
        break;
      }
      if (e.user !== null && s.user === e.user) {
        if (e.tty !== null && s.tty === e.tty) found ??= s;
        byUser = s;
        users++;
      }
    }
    found ??= users === 1 ? byUser : null;
    if (!found) return;
    if (e.command !== null) found.commands.push(e.command);
    for (const src of e.sources) found.sources.add(src);
  }

  /** The session this logout or session end belongs to: same user, and a process, terminal, session or port. */
  private end(e: Assembled): void {
    const mine = (s: StorySession): boolean => {
      if (e.user !== null && s.user !== null && e.user !== s.user) return false;
      return (
        (e.pid !== null && (s.pid === e.pid || s.utPid === e.pid)) ||
        (e.session !== null && s.logind_session === e.session) ||
        (e.remote_port !== null && s.remote_port === e.remote_port && s.remote_ip === e.remote_ip) ||
        (e.tty !== null && s.tty === e.tty && e.action === "logout")
      );
    };
    for (let i = this.head; i < this.held.length; i++) {
      const s = this.held[i]!;
      if (!mine(s)) continue;
      if (!s.ended) {
        this.close(s, e, "logout");
        s.endedBy = e.action;
        return;
      }
      // the other sources' lines of an end already counted
      if (e.t - s.logoutT <= LINGER) {
        for (const src of e.sources) s.sources.add(src);
        // a logout is the session's own end (wtmp's): its time before a PAM or logind end's coarser one
        if (e.action === "logout" && s.endedBy === "session_close") {
          s.logout = e.ts;
          s.logoutT = e.t;
          s.endedBy = "logout";
        }
        return;
      }
    }
  }

  private close(s: StorySession, e: Assembled, reason: EndReason, own = true): void {
    s.ended = true;
    s.logout = e.ts;
    s.logoutT = e.t;
    s.end_reason = reason;
    if (own) for (const src of e.sources) s.sources.add(src);
  }

  /** Emit from the head what has ended and lingered; past MAX_HELD, ended sessions out of order. */
  private flush(now: number): void {
    const h = this.held;
    while (this.head < h.length && h[this.head]!.ended && now - h[this.head]!.logoutT > LINGER) this.emit(h[this.head++]!);
    if (h.length - this.head > MAX_HELD) {
      const keep: StorySession[] = [];
      for (let i = this.head; i < h.length; i++) {
        const s = h[i]!;
        if (s.ended && now - s.logoutT > LINGER && keep.length > 0) {
          this.outOfOrder++;
          this.emit(s);
        } else keep.push(s);
      }
      h.length = 0;
      h.push(...keep);
      this.head = 0;
    }
    if (this.head > 4096 && this.head * 2 > h.length) {
      h.splice(0, this.head);
      this.head = 0;
    }
  }
}
