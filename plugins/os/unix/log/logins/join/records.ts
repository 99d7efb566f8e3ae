// The login story's records (docs/logins.md): one event from every source that recorded it, the sessions built
// from those events, and the failed attempts counted per address, user or host with per-source counts.
import { defineRecord, type RecordOf } from "quarry";

export const LoginEventRecord = defineRecord("linux/log/login_event", {
  ts: "datetime",
  // login, logout, failed, invalid_user, sudo, su, session_open, session_close, reboot, shutdown
  action: "string",
  user: "string",
  // the account switched to by sudo and su
  target_user: "string",
  remote_ip: "net.ipaddress",
  remote_port: "varint",
  // sshd's method: password, publickey, keyboard-interactive, gssapi-with-mic, hostbased, none
  method: "string",
  key_fingerprint: "string",
  service: "string",
  tty: "string",
  // the logind or audit session id
  session: "string",
  pid: "varint",
  success: "boolean",
  command: "string",
  // "<function>:<filepath>", one per artefact line or record that recorded the event, sorted
  sources: "string[]",
  // single (one source), certain (joined on a process, port or session key), probable (on user and time only)
  confidence: "string",
  filepath: "path",
});

export const LoginSessionRecord = defineRecord("linux/log/login_session", {
  login: "datetime",
  logout: "datetime",
  duration: "float",
  // logout, replaced, shutdown, reboot, still_logged_in (as the wtmp sessions function says)
  end_reason: "string",
  user: "string",
  tty: "string",
  remote_ip: "net.ipaddress",
  remote_port: "varint",
  method: "string",
  key_fingerprint: "string",
  logind_session: "string",
  // the sudo commands run inside the session, in time order
  commands: "string[]",
  sources: "string[]",
  seen_in_wtmp: "boolean",
  filepath: "path",
});

export const LoginFailedCountRecord = defineRecord("linux/log/login_failed_count", {
  by: "string",
  key: "string",
  count: "varint",
  first_seen: "datetime",
  last_seen: "datetime",
  // attempts each source recorded (an attempt seen by two sources counts once in count, once in each)
  count_btmp: "varint",
  count_authlog: "varint",
  count_journal: "varint",
  count_audit: "varint",
  filepath: "path",
});

export type LoginEvent = RecordOf<typeof LoginEventRecord>;
