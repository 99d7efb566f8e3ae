// sshd (OpenSSH; also its sshd-session and sshd-auth binaries since 9.8): the message forms of auth.c, auth2-*.c,
// packet.c, serverloop.c, session.c and sshd.c (docs/logs.md lists them with their source). User names are
// whatever the client sent (%.100s, spaces included), so every pattern takes the name greedily and anchors the
// fixed text after it at the end of the line.
import { int, setRemote } from "./fields.js";
import type { AuthFields } from "./records.js";

// auth.c auth_log(): "%s %s%s%s for %s%.100s from %.200s port %d ssh2%s%s"
const AUTH = /^(Accepted|Failed|Partial|Postponed) ([^\s/]+)(?:\/(\S+))? for (invalid user )?(.*) from (\S+) port (\d+) (ssh2)(?:: (.*))?$/s;
// format_method_key(): "%s %s" key type and fingerprint, then " ID …" for a certificate, ", info" for more
const KEY = /^(\S+) ([A-Za-z0-9]+):([A-Za-z0-9+/=]+)/;
const INVALID = /^Invalid user (.*) from (\S+)(?: port (\d+))?$/s;
const MAXTRIES = /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*) from (\S+) port (\d+) ssh2$/s;
// packet.c: "Received disconnect from %s port %d:%u: %.400s"; before 7.3 "Received disconnect from %s: %u: %s"
const RECEIVED_DISCONNECT = /^Received disconnect from (\S+?)(?: port (\d+))?: ?(\d+): (.*)$/s;
// packet.c sshpkt_vfatal with sshpkt_fmt_connection_id(): "[authenticating |invalid ]user NAME " preamble
const CONNECTION_ID = "(?:(authenticating user|invalid user|user) (.*) )?(\\S+) port (\\d+)";
const DISCONNECTED = new RegExp(`^Disconnected from ${CONNECTION_ID}$`, "s");
const CLOSED = new RegExp(`^Connection closed by ${CONNECTION_ID}$`, "s");
const RESET = new RegExp(`^Connection reset by ${CONNECTION_ID}$`, "s");
const DISCONNECTING = new RegExp(`^Disconnecting ${CONNECTION_ID}: (.*)$`, "s");
const NEGOTIATE = new RegExp(`^Unable to negotiate with ${CONNECTION_ID}: (.*)$`, "s");
const TIMED_OUT = new RegExp(`^Connection from ${CONNECTION_ID} timed out$`, "s");
// auth.c allowed_user(): "User %.100s from %.100s not allowed because …", "User %.100s not allowed because …"
const NOT_ALLOWED = /^User (.*?) (?:from (\S+) )?not allowed because (.*)$/s;
const ROOT_REFUSED = /^ROOT LOGIN REFUSED FROM (\S+) port (\d+)$/;
const LISTENING = /^Server listening on (\S+) port (\d+)(?: rdomain \S+)?\.$/;
const SIGNAL = /^Received signal (\d+); terminating\.$/;
const LOGIN_GRACE = /^Timeout before authentication for (\S+?)(?: port (\d+))?(?:,|$)/;
const BANNER = /^banner exchange: Connection from (\S+) port (\d+): (.*)$/s;
// sshd-session.c: "Connection from %s port %d on %s port %d%s%s%s"
const CONNECTION = /^Connection from (\S+) port (\d+) on (\S+) port (\d+)/;
// session.c: "Starting session: %s%s%s for %s from %.200s port %d id %d"
const SESSION_START = /^Starting session: (.*) for (\S+) from (\S+) port (\d+) id (\d+)$/s;
const SESSION_CLOSE = /^Close session: user (\S+) from (\S+) port (\d+) id (\d+)$/;
// auth-pam.c: "PAM: %s for %s%.100s from %.100s"
const PAM_FAILURE = /^(?:error: )?PAM: (Authentication failure|.+?) for (illegal user )?(.*) from (\S+)$/s;

/** The connection preamble's kind of user, as an action's context. */
function connection(f: AuthFields, m: RegExpExecArray, at: number): void {
  if (m[at + 1] !== undefined) f.user = m[at + 1]!;
  setRemote(f, m[at + 2]);
  f.port = int(m[at + 3]);
}

export function parseSshd(message: string, f: AuthFields): void {
  // the pre-authentication process's messages end so; the rest of the form is the same
  const text = message.endsWith(" [preauth]") ? message.slice(0, -10) : message;
  const c = text.charCodeAt(0);
  let m: RegExpExecArray | null;
  if ((c === 65 || c === 70 || c === 80) && (m = AUTH.exec(text))) {
    f.action = `${m[1]!.toLowerCase()} authentication`;
    f.authentication_type = m[2]!;
    f.user = m[5]!;
    setRemote(f, m[6]);
    f.port = int(m[7]);
    f.ssh_protocol = m[8]!;
    const key = m[9] !== undefined ? KEY.exec(m[9]) : null;
    if (key) {
      f.encryption_algorithm = key[1]!;
      f.hash_algorithm = key[2]!;
      f.key_hash = key[3]!;
    }
    return;
  }
  if ((m = INVALID.exec(text))) {
    f.action = "invalid user";
    f.user = m[1]!;
    setRemote(f, m[2]);
    f.port = int(m[3]);
  } else if ((m = MAXTRIES.exec(text))) {
    f.action = "maximum authentication attempts exceeded";
    f.user = m[2]!;
    setRemote(f, m[3]);
    f.port = int(m[4]);
  } else if ((m = RECEIVED_DISCONNECT.exec(text))) {
    f.action = "disconnect";
    setRemote(f, m[1]);
    f.port = int(m[2]);
  } else if ((m = DISCONNECTED.exec(text))) {
    f.action = "disconnect";
    connection(f, m, 1);
  } else if ((m = CLOSED.exec(text))) {
    f.action = "connection closed";
    connection(f, m, 1);
  } else if ((m = RESET.exec(text))) {
    f.action = "connection reset";
    connection(f, m, 1);
  } else if ((m = DISCONNECTING.exec(text))) {
    f.action = "disconnecting";
    connection(f, m, 1);
  } else if ((m = NEGOTIATE.exec(text))) {
    f.action = "negotiation failed";
    connection(f, m, 1);
  } else if ((m = TIMED_OUT.exec(text))) {
    f.action = "connection timed out";
    connection(f, m, 1);
  } else if ((m = NOT_ALLOWED.exec(text))) {
    f.action = "user not allowed";
    f.user = m[1]!;
    setRemote(f, m[2]);
  } else if ((m = ROOT_REFUSED.exec(text))) {
    f.action = "root login refused";
    f.user = "root";
    setRemote(f, m[1]);
    f.port = int(m[2]);
  } else if ((m = LISTENING.exec(text))) {
    f.action = "listening";
    f.port = int(m[2]);
  } else if (SIGNAL.test(text)) {
    f.action = "terminating";
  } else if ((m = LOGIN_GRACE.exec(text))) {
    f.action = "timeout before authentication";
    setRemote(f, m[1]);
    f.port = int(m[2]);
  } else if ((m = BANNER.exec(text))) {
    f.action = "bad banner";
    setRemote(f, m[1]);
    f.port = int(m[2]);
  } else if ((m = CONNECTION.exec(text))) {
    f.action = "connection";
    setRemote(f, m[1]);
    f.port = int(m[2]);
  } else if ((m = SESSION_START.exec(text))) {
    f.action = "session start";
    const tty = / on (\S+)$/.exec(m[1]!);
    if (tty) f.tty = tty[1]!;
    f.user = m[2]!;
    setRemote(f, m[3]);
    f.port = int(m[4]);
    f.session = m[5]!;
  } else if ((m = SESSION_CLOSE.exec(text))) {
    f.action = "session close";
    f.user = m[1]!;
    setRemote(f, m[2]);
    f.port = int(m[3]);
    f.session = m[4]!;
  } else if ((m = PAM_FAILURE.exec(text))) {
    f.action = m[1] === "Authentication failure" ? "failed authentication" : "pam error";
    f.user = m[3]!;
    setRemote(f, m[4]);
  }
}
