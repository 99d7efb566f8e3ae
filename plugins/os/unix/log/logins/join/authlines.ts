// auth.log/secure lines and journal entries as observations. Both carry the same messages (the journal's MESSAGE
// is what rsyslog writes to auth.log), so both are read with the authlog plugin's own parser (parseAuthMessage)
// and classified here once. Which line is which event is docs/logins.md's table.
import type { Timestamp } from "quarry";
import type { AuthFields } from "../../auth/records.js";
import { normTty, obs, type Action, type Obs } from "./obs.js";

const SSHD = new Set(["sshd", "sshd-session", "sshd-auth"]);
const SU = new Set(["su", "su-l", "runuser", "runuser-l"]);
const SUDO = new Set(["sudo", "sudo-i"]);
// PAM sessions that are no login: cron's jobs and systemd's per-user manager
const NOT_LOGINS = new Set(["cron", "CRON", "crond", "CROND", "systemd-user", "atd"]);
const PAM_SERVICE = /^pam_unix\(([^:)\s]*):/;

export interface LineInput {
  t: number;
  ts: Timestamp;
  service: string | null;
  pid: number | null;
  message: string;
  f: AuthFields;
  source: string;
  /** The journal's _AUDIT_SESSION of the process that logged (null in auth.log). */
  auditSession: string | null;
}

/**
 * logind names a session's user only when it opens ("New session 3 of user bob"); its "Session 3 logged out"
 * and "Removed session 3" get the user from here. One map per source, entries removed with their session, the
 * journal's cleared at every boot (ids restart; a new session of an id replaces the old one anyway).
 */
export class LogindUsers {
  private readonly users = new Map<string, string>();
  set(session: string, user: string): void {
    this.users.set(session, user);
  }
  get(session: string): string | null {
    return this.users.get(session) ?? null;
  }
  remove(session: string): void {
    this.users.delete(session);
  }
  clear(): void {
    this.users.clear();
  }
}

function base(i: LineInput, action: Action, kind: string): Obs {
  const o = obs(i.t, i.ts, action, kind, i.source);
  o.pid = i.pid;
  o.session = i.auditSession;
  return o;
}

/** The observation a line is, or null when it is none (docs/logins.md lists what is left out and why). */
export function lineObs(i: LineInput, logind: LogindUsers): Obs | null {
  const f = i.f;
  const a = f.action;
  if (a === null) return null;
  const m = i.message;
  if (m.startsWith("pam_unix(") || m.startsWith("PAM ")) return pamObs(i);
  const svc = i.service ?? "";
  if (SSHD.has(svc)) return sshdObs(i);
  if (SUDO.has(svc)) {
    if (a === "command continued") return null;
    const o = base(i, "sudo", "sudo");
    o.user = f.user;
    o.target_user = f.effective_user;
    o.tty = normTty(f.tty);
    o.command = f.command;
    o.logCommand = true;
    o.service = "sudo";
    o.success = a === "command";
    return o;
  }
  if (SU.has(svc)) {
    if (a !== "su" && a !== "runuser" && a !== "failed su" && a !== "failed runuser") return null;
    const o = base(i, "su", "su");
    o.user = f.by_user;
    o.target_user = f.user;
    o.tty = normTty(f.tty);
    o.service = svc;
    o.success = !a.startsWith("failed");
    return o;
  }
  if (svc === "systemd-logind") return logindObs(i, logind);
  if (svc === "login") {
    if (a === "login" || a === "root login") {
      const o = base(i, "login", "login");
      o.user = f.user;
      o.tty = normTty(f.tty);
      o.remote_ip = f.remote_ip;
      o.service = "login";
      o.success = true;
      return o;
    }
    if (a === "failed login") {
      const o = base(i, "failed", "login");
      o.user = f.user;
      o.tty = normTty(f.tty);
      o.remote_ip = f.remote_ip;
      o.service = "login";
      o.success = false;
      return o;
    }
  }
  return null;
}

function sshdObs(i: LineInput): Obs | null {
  const f = i.f;
  const a = f.action;
  const m = i.message;
  let o: Obs;
  if (a === "accepted authentication") {
    o = base(i, "login", "sshd_auth");
    o.success = true;
  } else if (a === "failed authentication" && m.startsWith("Failed ")) {
    // "Failed none" is the client asking which methods there are, not an attempt
    if (f.authentication_type === "none") return null;
    const invalid = m.includes(" for invalid user ");
    o = base(i, invalid ? "invalid_user" : "failed", "sshd_auth");
    if (invalid) {
      o.role = "invalid_failed";
      o.naming = false;
    }
    o.success = false;
  } else if (a === "failed authentication") {
    // auth-pam.c's "PAM: Authentication failure for X from H": announces the Failed keyboard-interactive line
    o = base(i, "failed", "sshd_pam");
    o.role = "pam_failure";
    o.naming = false;
    o.success = false;
  } else if (a === "invalid user") {
    o = base(i, "invalid_user", "sshd_invalid");
    o.success = false;
  } else if (a === "disconnect" && m.startsWith("Disconnected from user ")) {
    o = base(i, "logout", "sshd_disconnect");
  } else if (a === "disconnect" && m.startsWith("Received disconnect from ") && m.endsWith(": disconnected by user")) {
    // the session child's first line of the end: attached to the logout
    o = base(i, "logout", "sshd_received");
    o.naming = false;
  } else return null;
  o.user = f.user;
  o.remote_ip = f.remote_ip;
  o.remote_port = f.port;
  o.remote_host = f.remote_host;
  o.method = f.authentication_type;
  o.key_fingerprint = f.hash_algorithm && f.key_hash ? `${f.hash_algorithm}:${f.key_hash}` : null;
  o.service = "sshd";
  return o;
}

function pamObs(i: LineInput): Obs | null {
  const f = i.f;
  const a = f.action;
  const svc = PAM_SERVICE.exec(i.message)?.[1] ?? i.service ?? null;
  if (svc === null || NOT_LOGINS.has(svc)) return null;
  const sudo = SUDO.has(svc);
  const su = SU.has(svc);
  let o: Obs;
  if (a === "session opened" || a === "session closed") {
    const open = a === "session opened";
    if (sudo || su) {
      o = base(i, sudo ? "sudo" : "su", open ? "pam_open" : "pam_close");
      o.naming = false;
      if (!open) o.role = "close";
      // "session opened for user root(uid=0) by alice(uid=1000)": the target, then who
      o.user = open ? f.by_user : null;
      o.target_user = f.user;
    } else {
      o = base(i, open ? "session_open" : "session_close", "pam_session");
      o.user = f.user;
    }
  } else if (a === "authentication failure") {
    o = base(i, sudo ? "sudo" : su ? "su" : "failed", "pam_failure");
    o.role = "pam_failure";
    o.naming = false;
    o.success = false;
    o.tty = normTty(f.tty);
    o.remote_ip = f.remote_ip;
    o.remote_host = f.remote_host;
    if (sudo || su) {
      o.user = f.by_user;
      o.target_user = f.user;
    } else o.user = f.user;
  } else return null;
  o.service = svc;
  return o;
}

function logindObs(i: LineInput, logind: LogindUsers): Obs | null {
  const f = i.f;
  const a = f.action;
  let o: Obs;
  if (a === "new session" && f.session && f.user) {
    logind.set(f.session, f.user);
    o = base(i, "session_open", "logind_new");
    o.user = f.user;
  } else if (a === "logged out session" && f.session) {
    o = base(i, "session_close", "logind_out");
    o.user = logind.get(f.session);
  } else if (a === "removed session" && f.session) {
    o = base(i, "session_close", "logind_removed");
    o.user = logind.get(f.session);
    logind.remove(f.session);
  } else if (a === "rebooting" || a === "powering down" || a === "halting") {
    o = base(i, "shutdown", "logind_power");
    o.session = null;
    o.pid = null;
    o.service = "systemd-logind";
    return o;
  } else return null;
  // logind's own pid is no key of the session (its processes log with theirs)
  o.pid = null;
  o.session = f.session;
  o.service = "systemd-logind";
  return o;
}

