// Account changes by shadow's tools (useradd.c, userdel.c, usermod.c, groupadd.c, gpasswd.c, passwd.c, chage.c):
// who was created, deleted, added to a group (sudo!), and whose password changed.
import { int, orNull } from "./fields.js";
import type { AuthFields } from "./records.js";

type Rule = [RegExp, (m: RegExpExecArray, f: AuthFields) => void];

const RULES: Rule[] = [
  // "new user: name=%s, UID=%u, GID=%u, home=%s, shell=%s, from=%s"
  [
    /^new user: name=(.*?), UID=(\d+), GID=(\d+), home=(.*?), shell=(.*?), from=(.*)$/s,
    (m, f) => {
      f.action = "new user";
      f.user = m[1]!;
      f.user_uid = int(m[2]);
      f.tty = m[6] === "none" ? null : m[6]!;
    },
  ],
  [/^new group: name=(.*?), GID=(\d+)$/s, (m, f) => ((f.action = "new group"), (f.group = m[1]!))],
  [/^group added to (\S+): name=(.*?)(?:, GID=\d+)?$/s, (m, f) => ((f.action = "group added"), (f.group = m[2]!))],
  [/^add '(.*)' to (shadow )?group '(.*)'$/s, (m, f) => ((f.action = m[2] ? "add to shadow group" : "add to group"), (f.user = m[1]!), (f.group = m[3]!))],
  [/^delete '(.*)' from (shadow )?group '(.*)'$/s, (m, f) => ((f.action = m[2] ? "delete from shadow group" : "delete from group"), (f.user = m[1]!), (f.group = m[3]!))],
  [/^delete user '(.*)'$/s, (m, f) => ((f.action = "delete user"), (f.user = m[1]!))],
  [/^removed (shadow )?group '(.*)' owned by '(.*)'$/s, (m, f) => ((f.action = m[1] ? "removed shadow group" : "removed group"), (f.group = m[2]!), (f.user = m[3]!))],
  [/^failed adding user '(.*)', exit code: (\d+)$/s, (m, f) => ((f.action = "failed adding user"), (f.user = m[1]!))],
  [/^(lock|unlock|change) user '(.*)' password$/s, (m, f) => ((f.action = `${m[1]} password`), (f.user = m[2]!))],
  [/^change user name '(.*)' to '(.*)'$/s, (m, f) => ((f.action = "rename user"), (f.user = m[2]!), (f.by_user = null))],
  [/^change user '(.*)' (UID|GID|home|shell|inactive|expiration) from '(.*)' to '(.*)'$/s, (m, f) => ((f.action = `change ${m[2]!.toLowerCase()}`), (f.user = m[1]!))],
  // passwd: "password for '%s' changed by '%s'"
  [/^password for '(.*)' changed by '(.*)'$/s, (m, f) => ((f.action = "password changed"), (f.user = m[1]!), (f.by_user = orNull(m[2])))],
  // gpasswd: "user %s added by %s to group %s%s", "user %s removed by %s from group %s%s"
  [/^user (\S+) (added|removed) by (\S+) (?:to|from) group (\S+?)(?: \(.*\))?$/s, (m, f) => ((f.action = m[2] === "added" ? "add to group" : "delete from group"), (f.user = m[1]!), (f.by_user = m[3]!), (f.group = m[4]!))],
  [/^changed password expiry for (\S+)$/, (m, f) => ((f.action = "change password expiry"), (f.user = m[1]!))],
];

export function parseAccounts(message: string, f: AuthFields): void {
  for (const [re, set] of RULES) {
    const m = re.exec(message);
    if (m) {
      set(m, f);
      return;
    }
  }
}
