// The home directories of a target's accounts, for the artefacts people keep there (histories, shell startup
// files, user units): /etc/passwd's homes, then /root and /home/* that no account names (a deleted user's files
// stay behind). Homes shared by system accounts ("/", /bin, /nonexistent) are not anyone's.
import { parsePasswd, type Target } from "quarry";

export interface Home {
  /** The account whose home it is; for a /home/* that no account names, the directory's name. */
  user: string;
  home: string;
  uid: number | null;
}

const NOT_A_HOME = new Set(["/", "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/dev/null", "/nonexistent", "/proc", "/usr", "/var", "/etc", "/tmp"]);
const PASSWD_BYTES = 64 * 1024 * 1024;

/** Every home that exists as a directory inside the target, once each, in passwd order then /root, /home/*. */
export function homes(t: Target): Home[] {
  const out: Home[] = [];
  const seen = new Set<string>();
  const add = (user: string, home: string, uid: number | null): void => {
    const h = home.replace(/\/+$/, "") || "/";
    if (NOT_A_HOME.has(h) || !t.fs.isDir(h)) return;
    // one directory reached twice (/home/admin → /root) is read once, under the first name
    const real = t.fs.realpath(h);
    if (seen.has(real) || NOT_A_HOME.has(real)) return;
    seen.add(real);
    out.push({ user, home: h, uid });
  };
  if (t.fs.isFile("/etc/passwd")) {
    try {
      // Malformed lines are the users function's to report; here they name no home.
      for (const e of parsePasswd(t.fs.readTextHead("/etc/passwd", PASSWD_BYTES).text)) if (e.home?.startsWith("/")) add(e.name, e.home, e.uid);
    } catch {
      // unreadable: the fixed places below still count
    }
  }
  add("root", "/root", 0);
  for (const h of t.fs.glob("/home/*")) add(h.slice("/home/".length), h, null);
  return out;
}

/** uid → account name from the target's /etc/passwd (the first line with a uid wins, as getpwuid(3)). */
export function accountNames(t: Target): Map<number, string> {
  const names = new Map<number, string>();
  if (!t.fs.isFile("/etc/passwd")) return names;
  try {
    for (const e of parsePasswd(t.fs.readTextHead("/etc/passwd", PASSWD_BYTES).text)) if (e.uid !== null && !names.has(e.uid)) names.set(e.uid, e.name);
  } catch {
    // unreadable: uids stay unnamed
  }
  return names;
}
