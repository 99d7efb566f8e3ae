// audit events (audit.events records) as observations: the PAM and login records that pam_*, sshd, login, sudo
// and su write, and systemd-update-utmp's SYSTEM_BOOT/SYSTEM_SHUTDOWN. The program (exe) says whose they are:
// sudo's and su's belong to their sudo/su event; the others are logins (USER_AUTH, USER_ACCT, CRED_ACQ, LOGIN,
// USER_LOGIN), failures (res=failed), session starts (USER_START) and ends (USER_END, CRED_DISP).
import type { AnyRecord, Timestamp } from "quarry";
import { micros, nonEmpty, normTty, obs, pidOf, type Action, type Obs } from "./obs.js";

interface AuditValues {
  ts: Timestamp | null;
  types: string[] | null;
  pid: number | bigint | null;
  uid_name: string | null;
  auid_name: string | null;
  ses: number | bigint | null;
  tty: string | null;
  terminal: string | null;
  addr: string | null;
  acct: string | null;
  res: string | null;
  success: boolean | null;
  exe: string | null;
  cmd: string | null;
  filepath: string;
}

const LOGIN_TYPES = new Set(["USER_AUTH", "USER_ACCT", "CRED_ACQ", "LOGIN", "USER_LOGIN"]);
// sudo's and su's records: PAM's (authentication, account, credentials, session) and sudo's USER_CMD
const SUDO_TYPES = new Set(["USER_AUTH", "USER_ACCT", "CRED_ACQ", "CRED_REFR", "USER_CMD", "USER_START", "USER_END", "CRED_DISP"]);
// audit's unset session id ((unsigned)-1)
const NO_SESSION = 4294967295;

function program(exe: string | null): string | null {
  if (!exe) return null;
  const b = exe.slice(exe.lastIndexOf("/") + 1);
  return b === "sshd-session" || b === "sshd-auth" ? "sshd" : b;
}

/** An account name as audit logs it; "(invalid user)", "(unknown)" and "?" name no one. */
function account(v: string | null): string | null {
  if (v === null || v === "" || v === "?" || v.startsWith("(")) return null;
  return v;
}

export function auditObs(rec: AnyRecord, out: (o: Obs) => void): void {
  const r = rec as unknown as AuditValues;
  const type = r.types?.[0];
  if (!r.ts || !type) return;
  const t = micros(r.ts);
  const source = `audit:${r.filepath}`;
  // systemd-update-utmp's records of the boot and the shutdown, beside wtmp's
  if (type === "SYSTEM_BOOT" || type === "SYSTEM_SHUTDOWN") {
    const o = obs(t, r.ts, type === "SYSTEM_BOOT" ? "reboot" : "shutdown", `audit_${type}`, source);
    if (type === "SYSTEM_BOOT") o.role = "boot";
    return out(o);
  }
  const prog = program(r.exe);
  const failed = r.res === "failed" || r.success === false;
  const sudo = prog === "sudo";
  const su = prog === "su" || prog === "runuser";
  let action: Action;
  let role: Obs["role"] = "main";
  let naming = true;
  if (sudo || su) {
    if (!SUDO_TYPES.has(type)) return;
    action = sudo ? "sudo" : "su";
    if (type === "USER_END" || type === "CRED_DISP") role = "close";
    // sudo's event is named by its USER_CMD; su writes none, its session start names it
    naming = type === "USER_CMD" || (su && type === "USER_START");
  } else if (LOGIN_TYPES.has(type)) {
    action = failed ? "failed" : "login";
    naming = type !== "CRED_ACQ" && !(failed && type === "USER_LOGIN");
  } else if (type === "USER_START") action = "session_open";
  else if (type === "USER_END" || type === "CRED_DISP") {
    action = "session_close";
    naming = type === "USER_END";
  } else return;
  const o = obs(t, r.ts, action, `audit_${type}`, source);
  o.role = role;
  o.naming = naming;
  o.pid = pidOf(r.pid);
  const ses = r.ses;
  o.session = typeof ses === "number" && ses !== NO_SESSION ? String(ses) : null;
  o.tty = normTty(r.terminal) ?? normTty(r.tty);
  o.remote_ip = r.addr;
  o.service = prog;
  o.success = !failed;
  if (sudo || su) {
    // the invoking user: the login uid (after sudo's setuid its records have uid 0), else the process's uid;
    // acct is who authenticates (the user) or the target (START/END)
    o.user = nonEmpty(r.auid_name) ?? nonEmpty(r.uid_name);
    if (type === "USER_START" || type === "USER_END" || type === "CRED_REFR" || type === "CRED_DISP") o.target_user = account(r.acct);
    if (type === "USER_CMD") o.command = r.cmd;
  } else {
    o.user = account(r.acct) ?? (type === "LOGIN" || type === "USER_LOGIN" ? account(r.auid_name) : null);
  }
  out(o);
}
