// sudo (lib/eventlog/eventlog.c new_logline(), plugins/sudoers/logging.c): "%8s : %s", the invoking user, then
// "[REASON ; | REASON : ERROR ;] [HOST=… ;] TTY=… ; [CHROOT=… ;] PWD=… ; USER=… ; [GROUP=… ;] [TSID=… ;]
// [ENV=… ;] COMMAND=…", a long line continued as "%8s : (command continued) %s". And pkexec (polkit).
import type { AuthFields } from "./records.js";

const HEAD = /^\s*(\S+) : (.*)$/s;
const KEY = /^([A-Z]+)=(.*)$/s;
// logging.c's reasons, in the sudoers locale's English
const REASONS: Record<string, string> = {
  "user NOT in sudoers": "not in sudoers",
  "user NOT authorized on host": "not authorized on host",
  "command not allowed": "command not allowed",
  "a password is required": "password required",
  "setid command rejected in intercept mode": "setid command rejected",
};
const ATTEMPTS = /^(\d+) incorrect password attempts?$/;

export function parseSudo(message: string, f: AuthFields): void {
  const h = HEAD.exec(message);
  if (!h) return;
  f.user = h[1]!;
  const rest = h[2]!;
  if (rest.startsWith("(command continued) ")) {
    f.action = "command continued";
    f.command = rest.slice(20);
    return;
  }
  // COMMAND= runs to the end of the line (its arguments may hold " ; "); the fields before it are split
  const cmdAt = rest.indexOf("COMMAND=");
  const head = cmdAt >= 0 ? rest.slice(0, cmdAt) : rest;
  if (cmdAt >= 0) f.command = rest.slice(cmdAt + 8).replace(/ ; (?:SIGNAL=\S+ ; )?EXIT=-?\d+$| ; SIGNAL=\S+$/, "");
  f.action = "command";
  const parts = head.split(" ; ");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!.trim();
    if (part === "") continue;
    const kv = KEY.exec(part);
    if (!kv) {
      if (i === 0) {
        // the reason (and an error after " : ")
        const reason = part.split(" : ")[0]!;
        const a = ATTEMPTS.exec(reason);
        if (a) {
          f.action = "incorrect password attempts";
          f.attempts = Number(a[1]);
        } else f.action = REASONS[reason] ?? reason;
      }
      continue;
    }
    const [, key, value] = kv;
    if (key === "TTY") f.tty = value!;
    else if (key === "PWD" || key === "CWD") f.pwd = value!;
    else if (key === "USER") f.effective_user = value!;
    else if (key === "GROUP") f.group = value!;
  }
}

// polkit's pkexec: "%s: Executing command [USER=%s] [TTY=%s] [CWD=%s] [COMMAND=%s]"
const PKEXEC = /^(\S+?): Executing command \[USER=([^\]]*)\] \[TTY=([^\]]*)\] \[CWD=([^\]]*)\] \[COMMAND=(.*)\]$/s;

export function parsePkexec(message: string, f: AuthFields): void {
  const m = PKEXEC.exec(message);
  if (!m) return;
  f.action = "executing command";
  f.user = m[1]!;
  f.effective_user = m[2]!;
  f.tty = m[3]!;
  f.pwd = m[4]!;
  f.command = m[5]!;
}
