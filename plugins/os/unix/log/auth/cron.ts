// cron (vixie cron and its Debian, cronie and bsd descendants): log_it(user, pid, event, detail) writes
// "(%s) %s (%s)"; the job's command is CMD's detail (escaped by mkprints, kept as logged).
import type { AuthFields } from "./records.js";

const LOG_IT = /^\((\S+?)\) ([A-Za-z][A-Za-z ]*?) \((.*)\)$/s;
const EVENTS: Record<string, string> = { CMD: "command", CMDEND: "command end", CMDOUT: "command output" };

export function parseCron(message: string, f: AuthFields): void {
  const m = LOG_IT.exec(message);
  if (!m) return;
  const who = m[1]!;
  f.action = EVENTS[m[2]!] ?? m[2]!.toLowerCase();
  // "(CRON)" is cron itself, not an account
  if (who !== "CRON" && who !== "*system*") f.user = who;
  if (m[2] === "CMD" || m[2] === "CMDEND") f.command = m[3]!;
}
