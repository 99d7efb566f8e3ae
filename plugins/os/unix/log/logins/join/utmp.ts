// wtmp, utmp, btmp (and wtmpdb rows, which come through the wtmp function), lastlog and lastlog2 records as
// observations. A USER_PROCESS is a login, a DEAD_PROCESS a logout, BOOT_TIME a boot (reboot), a RUN_LVL
// "shutdown" or runlevel 0/6 a shutdown; every btmp record is a failed attempt. A wtmpdb row is a whole
// session (or boot): its Logout becomes a logout (or shutdown) observation at that time, handed to `later`.
import type { AnyRecord, Timestamp } from "quarry";
import { micros, nonEmpty, normTty, obs, pidOf, type Obs } from "./obs.js";

type Out = (o: Obs) => void;

interface UtmpValues {
  ts: Timestamp | null;
  ut_type: string | null;
  ut_user: string | null;
  ut_pid: number | bigint | null;
  ut_line: string | null;
  ut_addr: string | null;
  ut_host: string | null;
  ts_logout: Timestamp | null;
  ut_service: string | null;
  filepath: string;
}

function isShutdown(r: UtmpValues): boolean {
  if (r.ut_type !== "RUN_LVL") return false;
  if (r.ut_user === "shutdown") return true;
  // the runlevel is in the low byte of ut_pid: '0' halt, '6' reboot
  const lvl = typeof r.ut_pid === "number" ? r.ut_pid & 0xff : 0;
  return lvl === 0x30 || lvl === 0x36;
}

/** wtmp and utmp (fn names the function: the source is "<fn>:<filepath>"). */
export function utmpObs(fn: "wtmp" | "utmp", rec: AnyRecord, out: Out, later: Out): void {
  const r = rec as unknown as UtmpValues;
  if (!r.ts) return;
  const t = micros(r.ts);
  const source = `${fn}:${r.filepath}`;
  const row = r.filepath.endsWith(".db");
  if (r.ut_type === "USER_PROCESS") {
    const o = obs(t, r.ts, "login", fn, source);
    o.user = nonEmpty(r.ut_user);
    // openssh records the login with its session child's pid, which logs the disconnect, not the Accepted
    // line: kept for the logout (logins.sessions), compared with nothing
    o.utPid = pidOf(r.ut_pid);
    o.tty = normTty(r.ut_line);
    o.remote_ip = r.ut_addr;
    o.remote_host = nonEmpty(r.ut_host);
    o.service = nonEmpty(r.ut_service);
    out(o);
    if (row && r.ts_logout) {
      const l = obs(micros(r.ts_logout), r.ts_logout, "logout", fn, source);
      l.user = o.user;
      l.pid = o.utPid;
      l.tty = o.tty;
      later(l);
    }
  } else if (r.ut_type === "DEAD_PROCESS") {
    const o = obs(t, r.ts, "logout", fn, source);
    o.user = nonEmpty(r.ut_user);
    o.pid = pidOf(r.ut_pid);
    o.tty = normTty(r.ut_line);
    out(o);
  } else if (r.ut_type === "BOOT_TIME") {
    const o = obs(t, r.ts, "reboot", fn, source);
    o.role = "boot";
    out(o);
    if (row && r.ts_logout) later(obs(micros(r.ts_logout), r.ts_logout, "shutdown", fn, source));
  } else if (isShutdown(r)) {
    out(obs(t, r.ts, "shutdown", fn, source));
  }
}

/** btmp: every record is a failed attempt, whatever its type (sshd writes LOGIN_PROCESS). */
export function btmpObs(rec: AnyRecord, out: Out): void {
  const r = rec as unknown as UtmpValues;
  if (!r.ts) return;
  const o = obs(micros(r.ts), r.ts, "failed", "btmp", `btmp:${r.filepath}`);
  o.user = nonEmpty(r.ut_user);
  o.pid = pidOf(r.ut_pid);
  o.tty = normTty(r.ut_line);
  o.remote_ip = r.ut_addr;
  o.remote_host = nonEmpty(r.ut_host);
  o.success = false;
  out(o);
}

interface LastlogValues {
  ts: Timestamp | null;
  ut_user: string | null;
  ut_line: string | null;
  ut_host: string | null;
  service?: string | null;
  filepath: string;
}

/** lastlog and lastlog2: each account's latest login (one per account, in uid or name order: sorted by the caller). */
export function lastlogObs(fn: "lastlog" | "lastlog2", rec: AnyRecord, out: Out, canonicalIp: (s: string) => string | null): void {
  const r = rec as unknown as LastlogValues;
  if (!r.ts || !r.ut_user) return;
  const o = obs(micros(r.ts), r.ts, "login", fn, `${fn}:${r.filepath}`);
  o.user = r.ut_user;
  o.tty = normTty(r.ut_line);
  o.remote_ip = r.ut_host ? canonicalIp(r.ut_host) : null;
  o.service = nonEmpty(r.service ?? null);
  out(o);
}
