// messages on rsyslog's own files (fixtures/logs/make-fixtures.mjs): every line's service, pid and message as
// sent (fixtures/logs/messages/forms.jsonl, raw.expected.jsonl for the raw bytes), its instant from rsyslog's
// RFC 3339 stamp (read here with a regular expression and Date.UTC).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { file } from "../../../../../../src/fs/memory.js";
import { lines, LOGS, rfc3339, run, zoneTree } from "../syslog/helpers.js";

interface Sent {
  service: string;
  pid: number | null;
  message: string;
}

const jsonl = (name: string): Sent[] => fs.readFileSync(path.join(LOGS, name), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const SENT = [...jsonl("messages/forms.jsonl"), ...jsonl("messages/raw.expected.jsonl")];
const STAMPS = lines(path.join(LOGS, "messages/rfc3339.log")).map(rfc3339);
const MTIME = STAMPS.at(-1)!.seconds + 60;

describe.each(["traditional", "rfc3339", "rfc5424"])("messages on rsyslog's %s format", (format) => {
  it.each(["messages", "syslog"])("-f %s gives every line as sent", async (fn) => {
    const data = fs.readFileSync(path.join(LOGS, `messages/${format}.log`));
    const r = await run({ ...zoneTree("Europe/Berlin"), "/var/log/syslog": file(data, { mtime: MTIME }) }, fn);
    expect(r.outcome.errors).toEqual([]);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.records).toHaveLength(SENT.length);
    SENT.forEach((s, i) => {
      const rec = r.records[i] as unknown as Record<string, unknown>;
      const ts = rec.ts as { seconds: number; micros: number };
      const stamp = STAMPS[i]!;
      // rsyslog's RFC 5424 APP-NAME is its programname: the tag up to a "/" ("postfix/smtpd" → "postfix")
      const service = format === "rfc5424" ? s.service.split("/")[0] : s.service;
      expect([rec.service, rec.pid, rec.message], `line ${i + 1}`).toEqual([service, s.pid, s.message.replace(/^ +/, "")]);
      expect([ts.seconds, ts.micros, rec.ts_zone], `line ${i + 1}`).toEqual(format === "traditional" ? [stamp.seconds, 0, "Europe/Berlin"] : [stamp.seconds, stamp.micros, stamp.offset]);
      expect([rec.syslog_hostname, rec.lineno, rec.filepath]).toEqual(["web01", i + 1, "/var/log/syslog"]);
    });
  });
});
