// An observation: one source line or record read as a part of a login event, with the values it carries. The
// join (join.ts) turns observations into events; adapters (wtmp.ts, authlines.ts, audit.ts) make them.
import type { Timestamp } from "quarry";

export type Action =
  | "login"
  | "logout"
  | "failed"
  | "invalid_user"
  | "sudo"
  | "su"
  | "session_open"
  | "session_close"
  | "reboot"
  | "shutdown";

/**
 * What else an observation is, beyond its action: `boot` begins a boot (wtmp BOOT_TIME, a journal's new boot_id:
 * never joined across); `marker` is a boot begin that is no event of its own (the journal's first entry of a
 * boot); `pam_failure` may wait for the failure line it announces (same pid); `invalid_failed` is sshd's
 * "Failed … for invalid user X", which continues "Invalid user X" of its pid; `close` is a sudo/su PAM session
 * end (or audit USER_END) that continues its sudo/su event.
 */
export type Role = "main" | "boot" | "marker" | "pam_failure" | "invalid_failed" | "close";

export interface Obs {
  /** µs since the epoch (a float is exact to 2^53 µs: year 2255). */
  t: number;
  ts: Timestamp;
  action: Action;
  role: Role;
  /** The slot the observation fills in an event: an event takes one line of a kind from one source. */
  kind: string;
  user: string | null;
  target_user: string | null;
  remote_ip: string | null;
  remote_port: number | null;
  /** The remote end as a name, when a source logged one (not a join key: names and addresses differ). */
  remote_host: string | null;
  method: string | null;
  key_fingerprint: string | null;
  service: string | null;
  tty: string | null;
  session: string | null;
  pid: number | null;
  success: boolean | null;
  command: string | null;
  /** Whether `command` is sudo's own log form (auth.log, journal): the one compared and kept. */
  logCommand: boolean;
  /** "<function>:<filepath>". */
  source: string;
  /** The function: an event takes one line of a kind from each (rotations and journal files are one source). */
  fn: string;
  /** Place in its source's order: ties of time keep file order. */
  seq: number;
  /**
   * A naming record names its event (sshd's Accepted, wtmp's USER_PROCESS, audit's USER_LOGIN); an attached one
   * belongs to it without naming it (the PAM failure before a Failed line, audit's CRED_*, sudo's PAM lines).
   * The event's time is a naming record's.
   */
  naming: boolean;
  /** wtmp/utmp's ut_pid of a login: openssh writes its session child's pid, not the Accepted line's, so no key. */
  utPid: number | null;
}

/** An observation with every optional value unknown. */
export function obs(t: number, ts: Timestamp, action: Action, kind: string, source: string): Obs {
  return {
    t,
    ts,
    action,
    role: "main",
    kind,
    user: null,
    target_user: null,
    remote_ip: null,
    remote_port: null,
    remote_host: null,
    method: null,
    key_fingerprint: null,
    service: null,
    tty: null,
    session: null,
    pid: null,
    success: null,
    command: null,
    logCommand: false,
    source,
    fn: source.slice(0, source.indexOf(":")),
    seq: 0,
    naming: true,
    utPid: null,
  };
}

export function micros(ts: Timestamp): number {
  return ts.seconds * 1e6 + ts.micros;
}

/** A terminal as the sources write it, in one form: "pts/0", "tty1"; null for none ("ssh", "?", "ssh:notty"). */
export function normTty(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === "" || v === "?" || v === "ssh" || v === "sshd" || v === "~" || v === "none" || v === "(none)") return null;
  if (v.startsWith("ssh:") || v === "notty") return null;
  let s = v.startsWith("/dev/") ? v.slice(5) : v;
  // audit's USER_CMD writes terminal=pts0 (sudo passes the tty name without its slash)
  const m = /^pts(\d+)$/.exec(s);
  if (m) s = `pts/${m[1]}`;
  return s;
}

export function nonEmpty(v: string | null | undefined): string | null {
  return v === null || v === undefined || v === "" ? null : v;
}

/** A pid as a number; null for none (0) and for a bigint (no real pid). */
export function pidOf(v: number | bigint | null | undefined): number | null {
  return typeof v === "number" && v > 0 ? v : null;
}
