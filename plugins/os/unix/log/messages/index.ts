// /var/log/syslog, /var/log/messages, kern.log and daemon.log (and their rotations): one record per line, as
// dissect.target's `messages` (alias `syslog`), with the time placed exactly (docs/logs.md).
import { absent, defineRecord, definePlugin, ok, type FunctionContext, type RecordOf, type RecordFunction, type Target } from "quarry";
import { findRotations } from "../rotations.js";
import { syslogEntries, TIMEZONE_ARG } from "../syslog/reader.js";

export const MESSAGES_LOGS = ["/var/log/syslog", "/var/log/messages", "/var/log/kern.log", "/var/log/daemon.log"] as const;

export const MessagesRecord = defineRecord("linux/log/messages", {
  ts: "datetime",
  // the tag of the line (`sshd`, `kernel`, RFC 5424 APP-NAME) and its pid
  service: "string",
  pid: "varint",
  message: "string",
  // the zone that dated ts: the target's (traditional lines) or the line's own offset
  ts_zone: "string",
  // the host field of the line: the sender, which on a log server is not the target
  syslog_hostname: "string",
  lineno: "varint",
  filepath: "path",
});

type MessagesRecordType = RecordOf<typeof MessagesRecord>;

async function run(t: Target, ctx: FunctionContext): Promise<Iterable<MessagesRecordType>> {
  const entries = await syslogEntries(t, MESSAGES_LOGS, ctx);
  return (function* () {
    for (const e of entries) {
      const p = e.line;
      yield MessagesRecord.create({
        ts: e.ts,
        service: p ? p.service : null,
        pid: p ? p.pid : null,
        message: p ? p.message : e.text,
        ts_zone: e.zone,
        syslog_hostname: p ? p.hostname : null,
        lineno: e.lineNumber,
        filepath: e.file,
      });
    }
  })();
}

function fn(description: string): RecordFunction {
  return { output: "records", description, records: [MessagesRecord], args: [TIMEZONE_ARG], run };
}

export default definePlugin({
  name: "messages",
  path: "os.unix.log.messages",
  description: "System log files in syslog format: /var/log/syslog, messages, kern.log, daemon.log and their rotations",
  paths: MESSAGES_LOGS.map((p) => `${p}*`),
  checkCompatible: (t) => (findRotations(t.fs, MESSAGES_LOGS).length ? ok() : absent(`no ${MESSAGES_LOGS.join(", ")} (or rotations)`)),
  functions: {
    messages: fn("One record per line of /var/log/syslog*, messages*, kern.log*, daemon.log*, oldest rotation first: time (year inferred, target's zone), service, pid, message"),
    syslog: fn("Alias of messages"),
  },
});
