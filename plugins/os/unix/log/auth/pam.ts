// pam_unix (Linux-PAM modules/pam_unix: pam_unix_sess.c, support.c, pam_unix_passwd.c) in any service's log:
// "pam_unix(SERVICE:TYPE): MESSAGE", or "PAM MESSAGE" when libpam logs after the module returned (pam_syslog.c's
// prefix). The session forms name the account and who opened it (pam_modutil_getlogin() and getuid()).
import { int, orNull, setRemote } from "./fields.js";
import type { AuthFields } from "./records.js";

const PREFIX = /^(?:pam_unix\([^:)\s]*:\w+\):|PAM) /;
// "session opened for user %s(uid=%s) by %s(uid=%lu)" (1.5.2+); before: "session opened for user %s by %s(uid=%lu)"
const OPENED = /^session opened for user (\S+?)(?:\(uid=(\d+)\))? by (\S*?)\(uid=(\d+)\)$/;
const CLOSED = /^session closed for user (\S+)$/;
// support.c: "authentication failure; logname=%s uid=%d euid=%d tty=%s ruser=%s rhost=%s %s%s" (" user=X" or "")
const FAILURE = /^(?:(\d+) more )?authentication failures?; logname=(\S*) uid=(\d+) euid=(\d+) tty=(\S*) ruser=(\S*) rhost=(\S*) ?(?: user=(\S*))?$/;
const USER_UNKNOWN = /^check pass; user unknown$/;
const NO_PASSWORD = /^auth could not identify password for \[(.*)\]$/s;
const PASSWORD_CHANGED = /^password changed for (\S+)$/;

/** True when the message is pam_unix's (then the fields are set, as far as the form is known). */
export function parsePam(message: string, f: AuthFields): boolean {
  const p = PREFIX.exec(message);
  if (!p) return false;
  const text = message.slice(p[0].length);
  let m: RegExpExecArray | null;
  if ((m = OPENED.exec(text))) {
    f.action = "session opened";
    f.user = m[1]!;
    f.user_uid = int(m[2]);
    f.by_user = orNull(m[3]);
    f.by_uid = int(m[4]);
  } else if ((m = CLOSED.exec(text))) {
    f.action = "session closed";
    f.user = m[1]!;
  } else if ((m = FAILURE.exec(text))) {
    f.action = m[1] !== undefined ? "more authentication failures" : "authentication failure";
    if (m[1] !== undefined) f.attempts = int(m[1]);
    f.by_user = orNull(m[6]) ?? orNull(m[2]);
    f.by_uid = int(m[3]);
    f.tty = orNull(m[5]);
    setRemote(f, m[7]);
    f.user = orNull(m[8]);
  } else if (USER_UNKNOWN.test(text)) {
    f.action = "user unknown";
  } else if ((m = NO_PASSWORD.exec(text))) {
    f.action = "no password given";
    f.user = m[1]!;
  } else if ((m = PASSWORD_CHANGED.exec(text))) {
    f.action = "password changed";
    f.user = m[1]!;
  }
  return true;
}
