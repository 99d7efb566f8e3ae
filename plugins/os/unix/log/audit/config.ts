// Where auditd writes: /var/log/audit/audit.log, or the log_file of /etc/audit/auditd.conf.
import type { FunctionContext, Target } from "quarry";

export const DEFAULT_LOG = "/var/log/audit/audit.log";
export const AUDITD_CONF = "/etc/audit/auditd.conf";
/** A real auditd.conf is a few KiB. */
const CONF_BYTES = 1024 * 1024;

type Reporter = Pick<FunctionContext, "warn">;

/**
 * The base paths of the audit logs: the default, then log_file when auditd.conf names another. auditd reads
 * `keyword = value` lines ("#" starts a comment); the last log_file wins, as auditd assigns as it reads. A
 * relative or unreadable path is reported (when `rep` is given) and ignored.
 */
export function auditLogBases(t: Target, rep?: Reporter): string[] {
  const bases = [DEFAULT_LOG];
  if (!t.fs.isFile(AUDITD_CONF)) return bases;
  let text: string;
  try {
    const head = t.fs.readTextHead(AUDITD_CONF, CONF_BYTES);
    if (head.truncated) rep?.warn({ message: `larger than ${CONF_BYTES} bytes: only its first ${head.end} read`, file: AUDITD_CONF, offset: head.end });
    text = head.text;
  } catch (e) {
    rep?.warn({ message: `cannot read, log_file unknown: ${(e as Error).message}`, file: AUDITD_CONF });
    return bases;
  }
  const logFile = logFileOf(text);
  if (logFile === null) return bases;
  if (!logFile.startsWith("/")) {
    rep?.warn({ message: `log_file ${JSON.stringify(logFile)} is not an absolute path: ignored`, file: AUDITD_CONF });
    return bases;
  }
  const normal = logFile.replace(/\/{2,}/g, "/");
  if (normal !== DEFAULT_LOG) bases.push(normal);
  return bases;
}

/** The value of the last log_file line, or null. */
export function logFileOf(conf: string): string | null {
  let found: string | null = null;
  for (const raw of conf.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const m = /^log_file\s*=\s*(.*)$/.exec(line);
    if (m && m[1] !== "") found = m[1]!.trim();
  }
  return found;
}
