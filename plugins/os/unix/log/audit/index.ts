// auditd's logs (/var/log/audit/audit.log* and auditd.conf's log_file): one record per line with its fields
// decoded as `ausearch -i` decodes them, and one record per event (the lines sharing a serial).
import { absent, definePlugin, ok, parsePasswd, type FunctionContext, type Target } from "quarry";
import { AUDITD_CONF, DEFAULT_LOG } from "./config.js";
import { EventGrouper, type AuditEvent } from "./events.js";
import { auditLines, auditRotations, type ReadLine } from "./reader.js";
import { AuditEventRecord, AuditRecord } from "./records.js";

export { AuditEventRecord, AuditRecord };

/** uid → account name from the target's /etc/passwd (the first line with a uid wins, as with getpwuid(3)). */
function accountNames(t: Target, ctx: FunctionContext): (uid: number | bigint) => string | null {
  const names = new Map<number, string>();
  if (t.fs.isFile("/etc/passwd")) {
    try {
      const head = t.fs.readTextHead("/etc/passwd", 16 * 1024 * 1024);
      for (const e of parsePasswd(head.text)) if (e.uid !== null && !names.has(e.uid)) names.set(e.uid, e.name);
    } catch (e) {
      ctx.warn({ message: `cannot read, account names of uids unknown: ${(e as Error).message}`, file: "/etc/passwd" });
    }
  }
  return (uid) => (typeof uid === "number" ? (names.get(uid) ?? null) : null);
}

function* events(lines: Iterable<ReadLine>, grouper: EventGrouper, ctx: FunctionContext, files: string[]) {
  const emit = (e: AuditEvent) => AuditEventRecord.create(e);
  for (const l of lines) for (const e of grouper.add(l.line, l.values, l.file)) yield emit(e);
  for (const e of grouper.finish()) yield emit(e);
  const s = grouper.stats;
  const where = files.join(", ");
  if (s.closedEarly) ctx.warn({ message: `${s.closedEarly} events closed before their last line could be known: more than ${grouper.limits.maxOpen} events open at once, or their arguments and paths past ${grouper.limits.maxHeld} bytes (${where})` });
  if (s.lateLines) ctx.warn({ message: `${s.lateLines} lines came after their event had been closed early: each began a second event with the same audit_id (${where})` });
  if (s.cut) ctx.warn({ message: `${s.cut} events had more arguments or paths than kept (1 MiB of arguments, 1024 paths per event): the rest are in the audit records of their lines (${where})` });
}

export default definePlugin({
  name: "audit",
  path: "os.unix.log.audit",
  namespace: "audit",
  description: "auditd's logs: every line with its fields decoded as ausearch -i does, and the events they make",
  paths: [`${DEFAULT_LOG}*`, `${AUDITD_CONF} (log_file)`],
  checkCompatible: (t) => (auditRotations(t).length ? ok() : absent(`no ${DEFAULT_LOG}* (nor auditd.conf's log_file)`)),
  functions: {
    audit: {
      output: "records",
      description: "One record per audit.log line: type, serial, time, the well-known fields typed, every other field decoded, the raw message",
      records: [AuditRecord],
      async run(t, ctx) {
        const lines = await auditLines(t, ctx);
        return (function* () {
          // the values object is the record (a copy per line would cost more than the parse)
          for (const l of lines) yield AuditRecord.create(l.values);
        })();
      },
    },
    "audit.events": {
      output: "records",
      description: "One record per audit event (the lines sharing a node, time stamp and serial): syscall, result, process, user, key, proctitle, cwd, paths, arguments",
      records: [AuditEventRecord],
      async run(t, ctx) {
        const files = auditRotations(t).map((r) => r.path);
        const lines = await auditLines(t, ctx);
        return events(lines, new EventGrouper(accountNames(t, ctx)), ctx, files);
      },
    },
  },
});
