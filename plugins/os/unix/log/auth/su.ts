// su and runuser: util-linux's su-common.c log_syslog() "%s(to %s) %s on %s" (Debian, Fedora, …) and shadow's
// su.c / sulog.c ("Successful su for %s by %s", "FAILED su for %s by %s", "+ %s %s:%s", "- %s %s:%s").
import type { AuthFields } from "./records.js";

const UTIL_LINUX = /^(FAILED SU |FAILED RUNUSER )?\(to (\S+)\) (\S*) on (\S+)$/;
const SHADOW_RESULT = /^(Successful|FAILED) su for (\S+) by (\S+)$/;
const SHADOW_LINE = /^([+-]) (\S+) (\S*?):(\S+)$/;
const SHADOW_AUTH = /^Authentication failed for (\S+)$/;

export function parseSu(service: string, message: string, f: AuthFields): void {
  let m: RegExpExecArray | null;
  if ((m = UTIL_LINUX.exec(message))) {
    f.action = m[1] === undefined ? service : m[1] === "FAILED SU " ? "failed su" : "failed runuser";
    f.user = m[2]!;
    f.by_user = m[3] || null;
    f.tty = m[4] === "none" ? null : m[4]!;
  } else if ((m = SHADOW_RESULT.exec(message))) {
    f.action = m[1] === "Successful" ? "su" : "failed su";
    f.user = m[2]!;
    f.by_user = m[3]!;
  } else if ((m = SHADOW_LINE.exec(message))) {
    f.action = m[1] === "+" ? "su" : "failed su";
    f.tty = m[2] === "???" ? null : m[2]!;
    f.by_user = m[3] === "???" || m[3] === "" ? null : m[3]!;
    f.user = m[4] === "???" ? null : m[4]!;
  } else if ((m = SHADOW_AUTH.exec(message))) {
    f.action = "failed authentication";
    f.user = m[1]!;
  }
}
