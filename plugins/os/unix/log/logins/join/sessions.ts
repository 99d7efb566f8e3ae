// Sessions from the joined events: a login opens one (keyed by its process, terminal and audit session); the
// session_open after it gives its logind session; sudo events inside it add their commands; a logout (or, where
// no source logged one, the PAM/logind session end) closes it; a shutdown or boot closes every open one, a new
// login on its terminal replaces it (wtmp's end reasons). Only open sessions are held, and a closed one for a
// few seconds (the other sources' lines of its end), so sessions come out in the order they end.
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
  /** The login's audit session (journal and audit), which sudo events inside it carry. */
  auditSession: string | null;
  pid: number | null;
  commands: string[];
  sources: string[];
  seen_in_wtmp: boolean;
}

/** How long a closed session still takes the end lines of other sources, µs. */
const LINGER = 5_000_000;
/** A session_open belongs to the login of its user that came at most this much before it (no shared key). */
const OPEN_REACH = 10_000_000;

const LOGIN_ONLY = new Set(["lastlog", "lastlog2"]);

export class SessionBuilder {
  private readonly open: StorySession[] = [];
  private readonly closing: StorySession[] = [];

  constructor(private readonly emit: (s: StorySession) => void) {}

  add(e: Assembled): void {
    this.flushClosing(e.t);
    switch (e.action) {
      case "login":
        return this.login(e);
      case "session_open":
        return this.sessionOpen(e);
      case "sudo":
        return this.sudo(e);
      case "logout":
        return this.end(e, true);
      case "session_close":
        return this.end(e, false);
      case "reboot":
      case "shutdown":
        return this.endAll(e, e.action);
      default:
        return;
    }
  }

  finish(): void {
    for (const s of this.closing.splice(0)) this.emit(s);
    for (const s of this.open.splice(0)) this.emit(s);
  }

  private login(e: Assembled): void {
    // lastlog's latest login alone says nothing of its end: no session
    if (e.sources.every((s) => LOGIN_ONLY.has(fnOf(s)))) return;
    if (e.tty !== null) {
      const same = this.open.find((s) => s.tty === e.tty);
      if (same) this.close(same, e, "replaced", false);
    }
    this.open.push({
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
      logind_session: null,
      auditSession: e.session,
      pid: e.pid,
      commands: [],
      sources: [...e.sources],
      seen_in_wtmp: e.sources.some((s) => fnOf(s) === "wtmp"),
    });
  }

  private sessionOpen(e: Assembled): void {
    let s = e.pid !== null ? this.open.find((x) => x.pid === e.pid && x.logind_session === null) : undefined;
    if (!s && e.session !== null) s = this.open.find((x) => x.auditSession === e.session && x.logind_session === null);
    // no shared key: the latest login of the user just before, still without a logind session
    if (!s && e.user !== null) {
      for (let i = this.open.length - 1; i >= 0; i--) {
        const x = this.open[i]!;
        if (x.user === e.user && x.logind_session === null && e.t - x.loginT <= OPEN_REACH) {
          s = x;
          break;
        }
      }
    }
    if (!s) return;
    if (e.session !== null) s.logind_session = e.session;
    s.auditSession ??= e.session;
    s.sources.push(...e.sources);
  }

  private sudo(e: Assembled): void {
    if (e.command === null) return;
    let s: StorySession | undefined;
    if (e.session !== null) s = this.open.find((x) => x.logind_session === e.session || x.auditSession === e.session);
    if (!s && e.user !== null && e.tty !== null) s = this.open.find((x) => x.user === e.user && x.tty === e.tty);
    if (!s && e.user !== null) {
      const mine = this.open.filter((x) => x.user === e.user);
      if (mine.length === 1) s = mine[0];
    }
    if (s) s.commands.push(e.command);
  }

  /** A logout (or a session end where no logout was logged) ends the session of its process or terminal. */
  private end(e: Assembled, logout: boolean): void {
    const match = (x: StorySession): boolean =>
      (e.pid !== null && x.pid === e.pid) ||
      (e.session !== null && (x.logind_session === e.session || x.auditSession === e.session)) ||
      (logout && e.pid === null && e.tty !== null && x.tty === e.tty);
    const late = this.closing.find(match);
    if (late) {
      late.sources.push(...e.sources);
      return;
    }
    const s = this.open.find(match);
    if (s) this.close(s, e, "logout", true);
  }

  private endAll(e: Assembled, reason: "reboot" | "shutdown"): void {
    for (const s of [...this.open]) this.close(s, e, reason, false);
  }

  private close(s: StorySession, e: Assembled, reason: EndReason, own: boolean): void {
    this.open.splice(this.open.indexOf(s), 1);
    s.logout = e.ts;
    s.logoutT = e.t;
    s.end_reason = reason;
    if (own) s.sources.push(...e.sources);
    this.closing.push(s);
  }

  private flushClosing(now: number): void {
    while (this.closing.length && now - this.closing[0]!.logoutT > LINGER) this.emit(this.closing.shift()!);
  }
}

function fnOf(source: string): string {
  return source.slice(0, source.indexOf(":"));
}
