// The records of the audit plugin: one per audit.log line (linux/log/audit, dissect's name, with its ts,
// audit_type, audit_id and message), one per event (linux/log/audit/event).
import { defineRecord } from "quarry";

export const AuditRecord = defineRecord("linux/log/audit", {
  // from msg=audit(SECONDS.MILLISECONDS:SERIAL)
  ts: "datetime",
  audit_type: "string",
  // the event's serial number: the lines of one event share it (and its ts and node)
  audit_id: "varint",
  // node= prefix (auditd's name_format), or the host that forwarded the line
  node: "string",
  // the hostname= field of user-space messages (the record's own hostname is the target's)
  audit_hostname: "string",
  pid: "varint",
  ppid: "varint",
  uid: "varint",
  // the login uid; 4294967295 is unset
  auid: "varint",
  // the login session; 4294967295 is unset
  ses: "varint",
  tty: "string",
  terminal: "string",
  addr: "net.ipaddress",
  acct: "string",
  exe: "path",
  comm: "string",
  cwd: "string",
  cmd: "string",
  op: "string",
  // the syscall's name on the record's arch (the number when libaudit has no name for it)
  syscall: "string",
  success: "boolean",
  exit: "varint",
  // several keys (auditctl -k a -k b) are joined by ","
  key: "string",
  res: "string",
  proctitle: "string",
  // every other name=value of the line, in order, the value decoded as ausearch -i decodes it
  fields: "string[]",
  // the ENRICHED format's translations after the 0x1D separator (UID=alice, SYSCALL=execve), NAME=value
  enriched: "string[]",
  // the line after "): ", as written
  message: "string",
  filepath: "path",
});

export const AuditEventRecord = defineRecord("linux/log/audit/event", {
  // of the event's lines (they share it)
  ts: "datetime",
  audit_id: "varint",
  node: "string",
  // the record types of the event's lines, in order
  types: "string[]",
  syscall: "string",
  // the syscall's success=, else a user message's res=
  success: "boolean",
  exit: "varint",
  exe: "path",
  comm: "string",
  pid: "varint",
  ppid: "varint",
  uid: "varint",
  auid: "varint",
  // the account names of uid and auid: the ENRICHED translation when the log has it, else the target's
  // /etc/passwd; null when neither knows the uid (or it is unset)
  uid_name: "string",
  auid_name: "string",
  ses: "varint",
  tty: "string",
  terminal: "string",
  addr: "net.ipaddress",
  audit_hostname: "string",
  acct: "string",
  op: "string",
  res: "string",
  key: "string",
  // NULs between the arguments shown as spaces, as ausearch -i shows it (the kernel keeps at most 128 bytes)
  proctitle: "string",
  cwd: "string",
  // the PATH records' names, in item order
  paths: "string[]",
  // the EXECVE arguments (a0, a1, ...; an argument split over several records joined)
  argv: "string[]",
  cmd: "string",
  // lines in the event
  records: "varint",
  // the file of the event's first line
  filepath: "path",
});
