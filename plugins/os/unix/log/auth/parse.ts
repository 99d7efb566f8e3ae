// Which parser reads a message: by the line's service (its tag), pam_unix's lines in any service.
import { parseAccounts } from "./accounts.js";
import { parseCron } from "./cron.js";
import { parseLogin } from "./login.js";
import { parseLogind } from "./logind.js";
import { parsePam } from "./pam.js";
import type { AuthFields } from "./records.js";
import { parseSshd } from "./sshd.js";
import { parseSu } from "./su.js";
import { parsePkexec, parseSudo } from "./sudo.js";

type Parser = (message: string, f: AuthFields, service: string) => void;

const SSHD: Parser = (m, f) => parseSshd(m, f);
const CRON: Parser = (m, f) => parseCron(m, f);
const ACCOUNTS: Parser = (m, f) => parseAccounts(m, f);

/** Services by tag; OpenSSH 9.8+ logs as sshd-session and sshd-auth, cronie as CROND or crond. */
const BY_SERVICE: Record<string, Parser> = {
  sshd: SSHD,
  "sshd-session": SSHD,
  "sshd-auth": SSHD,
  sudo: (m, f) => parseSudo(m, f),
  su: (m, f, s) => parseSu(s, m, f),
  runuser: (m, f, s) => parseSu(s, m, f),
  "systemd-logind": (m, f) => parseLogind(m, f),
  CRON,
  cron: CRON,
  CROND: CRON,
  crond: CRON,
  login: (m, f) => parseLogin(m, f),
  pkexec: (m, f) => parsePkexec(m, f),
  useradd: ACCOUNTS,
  userdel: ACCOUNTS,
  usermod: ACCOUNTS,
  groupadd: ACCOUNTS,
  groupdel: ACCOUNTS,
  groupmod: ACCOUNTS,
  gpasswd: ACCOUNTS,
  passwd: ACCOUNTS,
  chpasswd: ACCOUNTS,
  chage: ACCOUNTS,
  newusers: ACCOUNTS,
};

export function parseAuthMessage(service: string | null, message: string, f: AuthFields): void {
  // pam_unix's messages look alike in every service ("pam_unix(sudo:session): …")
  const c = message.charCodeAt(0);
  if ((c === 112 || c === 80) && parsePam(message, f)) return;
  if (service === null) return;
  const p = BY_SERVICE[service];
  if (p) p(message, f, service);
}
