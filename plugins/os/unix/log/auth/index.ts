// /var/log/auth.log (Debian, Ubuntu) and /var/log/secure (RHEL, Fedora) and their rotations: one record per
// line, as dissect.target's `authlog`, with typed fields for the messages of sshd, sudo, su, pam_unix,
// systemd-logind, cron, login, pkexec and shadow's account tools (docs/logs.md).
import { absent, definePlugin, ok, type FunctionContext, type RecordFunction, type Target } from "quarry";
import { findRotations } from "../rotations.js";
import { syslogEntries, TIMEZONE_ARG } from "../syslog/reader.js";
import { parseAuthMessage } from "./parse.js";
import { AuthRecord, emptyFields, type AuthRecordType } from "./records.js";

export const AUTH_LOGS = ["/var/log/auth.log", "/var/log/secure"] as const;

async function run(t: Target, ctx: FunctionContext): Promise<Iterable<AuthRecordType>> {
  const entries = await syslogEntries(t, AUTH_LOGS, ctx);
  return (function* () {
    for (const e of entries) {
      const p = e.line;
      const f = emptyFields();
      const message = p ? p.message : e.text;
      if (p) parseAuthMessage(p.service, message, f);
      yield AuthRecord.create({
        ts: e.ts,
        service: p ? p.service : null,
        pid: p ? p.pid : null,
        message,
        action: f.action,
        user: f.user,
        user_uid: f.user_uid,
        by_user: f.by_user,
        by_uid: f.by_uid,
        remote_ip: f.remote_ip,
        remote_host: f.remote_host,
        port: f.port,
        authentication_type: f.authentication_type,
        ssh_protocol: f.ssh_protocol,
        encryption_algorithm: f.encryption_algorithm,
        hash_algorithm: f.hash_algorithm,
        key_hash: f.key_hash,
        tty: f.tty,
        pwd: f.pwd,
        effective_user: f.effective_user,
        command: f.command,
        group: f.group,
        session: f.session,
        attempts: f.attempts,
        ts_zone: e.zone,
        syslog_hostname: p ? p.hostname : null,
        lineno: e.lineNumber,
        filepath: e.file,
      });
    }
  })();
}

export default definePlugin({
  name: "authlog",
  path: "os.unix.log.auth",
  description: "Authentication logs: /var/log/auth.log (Debian, Ubuntu) and /var/log/secure (RHEL, Fedora) and their rotations",
  paths: AUTH_LOGS.map((p) => `${p}*`),
  checkCompatible: (t) => (findRotations(t.fs, AUTH_LOGS).length ? ok() : absent("no /var/log/auth.log or /var/log/secure (or rotations)")),
  functions: {
    authlog: authlog(
      "One record per line of /var/log/auth.log* and /var/log/secure*, oldest rotation first: time (year inferred, target's zone), service, pid, message, and the typed fields of sshd, sudo, su, pam_unix, systemd-logind, cron, login, pkexec and account-tool messages",
    ),
    securelog: authlog("Alias of authlog (dissect.target's name for RHEL's /var/log/secure)"),
  },
});

function authlog(description: string): RecordFunction {
  return { output: "records", description, records: [AuthRecord], args: [TIMEZONE_ARG], run };
}
