// linux/log/auth: one descriptor for every service, its typed fields null where a message does not carry them
// (docs/logs.md says why: one schema to query and to export, and one generated encoder).
import { defineRecord, type RecordOf } from "quarry";

export const AuthRecord = defineRecord("linux/log/auth", {
  ts: "datetime",
  service: "string",
  pid: "varint",
  message: "string",
  // what the message says happened: "accepted authentication", "failed authentication", "invalid user",
  // "command", "session opened", "new session", … (docs/logs.md lists every one)
  action: "string",
  // the account acted on: logged in, authenticated as, switched to, sudo's invoking user, created
  user: "string",
  user_uid: "varint",
  // who did it: su's and pam_unix's caller, passwd's changer, gpasswd's administrator
  by_user: "string",
  by_uid: "varint",
  remote_ip: "net.ipaddress",
  // the remote end when it was logged as a name, not an address (pam's rhost=, sshd's "from HOST")
  remote_host: "string",
  port: "varint",
  authentication_type: "string",
  ssh_protocol: "string",
  encryption_algorithm: "string",
  hash_algorithm: "string",
  key_hash: "string",
  tty: "string",
  pwd: "string",
  effective_user: "string",
  command: "string",
  group: "string",
  session: "string",
  // sudo's incorrect password attempts, pam_unix's "N more authentication failures", login's failure count
  attempts: "varint",
  ts_zone: "string",
  syslog_hostname: "string",
  lineno: "varint",
  filepath: "path",
});

export type AuthRecordType = RecordOf<typeof AuthRecord>;

/** The typed fields a message parser fills (everything but the line's own fields). */
export interface AuthFields {
  action: string | null;
  user: string | null;
  user_uid: number | null;
  by_user: string | null;
  by_uid: number | null;
  remote_ip: string | null;
  remote_host: string | null;
  port: number | null;
  authentication_type: string | null;
  ssh_protocol: string | null;
  encryption_algorithm: string | null;
  hash_algorithm: string | null;
  key_hash: string | null;
  tty: string | null;
  pwd: string | null;
  effective_user: string | null;
  command: string | null;
  group: string | null;
  session: string | null;
  attempts: number | null;
}

export function emptyFields(): AuthFields {
  return {
    action: null,
    user: null,
    user_uid: null,
    by_user: null,
    by_uid: null,
    remote_ip: null,
    remote_host: null,
    port: null,
    authentication_type: null,
    ssh_protocol: null,
    encryption_algorithm: null,
    hash_algorithm: null,
    key_hash: null,
    tty: null,
    pwd: null,
    effective_user: null,
    command: null,
    group: null,
    session: null,
    attempts: null,
  };
}
