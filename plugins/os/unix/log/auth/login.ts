// login on a terminal: util-linux's login.c log_syslog() and its failure messages, and shadow's login.c.
import { int, setRemote } from "./fields.js";
import type { AuthFields } from "./records.js";

// util-linux: "ROOT LOGIN ON %s [FROM %s]", "LOGIN ON %s BY %s [FROM %s]"
const UL_ROOT = /^ROOT LOGIN ON (\S+)(?: FROM (\S+))?$/;
const UL_LOGIN = /^LOGIN ON (\S+) BY (\S+)(?: FROM (\S+))?$/;
// util-linux: "FAILED LOGIN %u FROM %s FOR %s, %s", "TOO MANY LOGIN TRIES (%u) FROM %s FOR %s, %s"
const UL_FAILED = /^(?:FAILED LOGIN (\d+)|TOO MANY LOGIN TRIES \((\d+)\)) FROM (\S+) FOR (.*?), .*$/s;
// shadow: "ROOT LOGIN %s", "FAILED LOGIN (%u)%s FOR '%s', %s", "TOO MANY LOGIN TRIES (%u)%s FOR '%s'" with
// fromhost " on '%.100s'[ from '%.200s']"
const FROM = " on '([^']*)'(?: from '([^']*)')?";
const SH_ROOT = new RegExp(`^ROOT LOGIN ${FROM}$`);
const SH_FAILED = new RegExp(`^(?:FAILED LOGIN|TOO MANY LOGIN TRIES) \\((\\d+)\\)${FROM} FOR '(.*)'(?:, .*)?$`, "s");

export function parseLogin(message: string, f: AuthFields): void {
  let m: RegExpExecArray | null;
  if ((m = UL_ROOT.exec(message)) || (m = SH_ROOT.exec(message))) {
    f.action = "root login";
    f.user = "root";
    f.tty = m[1]!;
    setRemote(f, m[2]);
  } else if ((m = UL_LOGIN.exec(message))) {
    f.action = "login";
    f.tty = m[1]!;
    f.user = m[2]!;
    setRemote(f, m[3]);
  } else if ((m = UL_FAILED.exec(message))) {
    f.action = m[1] !== undefined ? "failed login" : "too many login tries";
    f.attempts = int(m[1] ?? m[2]);
    // the "host" of a terminal login is the tty
    if (m[3]!.startsWith("tty") || m[3]!.startsWith("/dev/")) f.tty = m[3]!;
    else setRemote(f, m[3]);
    f.user = m[4] === "(unknown)" ? null : m[4]!;
  } else if ((m = SH_FAILED.exec(message))) {
    f.action = message.startsWith("FAILED") ? "failed login" : "too many login tries";
    f.attempts = int(m[1]);
    f.tty = m[2]!;
    setRemote(f, m[3]);
    f.user = m[4] === "UNKNOWN" ? null : m[4]!;
  }
}
