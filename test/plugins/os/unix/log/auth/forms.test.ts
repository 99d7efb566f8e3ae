// Every message form of docs/logs.md, as rsyslog wrote it (fixtures/logs/make-fixtures.mjs: util-linux logger →
// a private rsyslogd → the three file formats), against the fields written by hand beside each message in
// fixtures/logs/auth/forms.jsonl. The instants come from rsyslog's own RFC 3339 stamps, read with a regular
// expression and Date.UTC here (never with the code under test).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { file } from "../../../../../../src/fs/memory.js";
import { AuthRecord } from "../../../../../../plugins/os/unix/log/auth/records.js";
import { lines, LOGS, rfc3339, run, zoneTree } from "../syslog/helpers.js";

interface Form {
  service: string;
  pid: number | null;
  message: string;
  source: string;
  expect: Record<string, string | number>;
}

const FORMS: Form[] = fs.readFileSync(path.join(LOGS, "auth/forms.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const TYPED = AuthRecord.fields.map((f) => f.name).filter((n) => !["hostname", "domain", "ts", "service", "pid", "message", "ts_zone", "syslog_hostname", "lineno", "filepath"].includes(n));
const STAMPS = lines(path.join(LOGS, "auth/rfc3339.log")).map(rfc3339);
const MTIME = STAMPS.at(-1)!.seconds + 60;

describe.each(["traditional", "rfc3339", "rfc5424"])("authlog on rsyslog's %s format", (format) => {
  it("gives every form's fields", async () => {
    const data = fs.readFileSync(path.join(LOGS, `auth/${format}.log`));
    const r = await run({ ...zoneTree("Europe/Berlin"), "/var/log/auth.log": file(data, { mtime: MTIME }) }, "authlog");
    expect(r.outcome.errors).toEqual([]);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.records).toHaveLength(FORMS.length);
    FORMS.forEach((form, i) => {
      const rec = r.records[i] as unknown as Record<string, unknown>;
      const where = `line ${i + 1} (${form.source})`;
      const want: Record<string, unknown> = Object.fromEntries(TYPED.map((n) => [n, form.expect[n] ?? null]));
      const got: Record<string, unknown> = Object.fromEntries(TYPED.map((n) => [n, rec[n]]));
      expect(got, where).toEqual(want);
      expect([rec.service, rec.pid, rec.message], where).toEqual([form.service, form.pid, form.message.replace(/^ +/, "")]);
      const stamp = STAMPS[i]!;
      const ts = rec.ts as { seconds: number; micros: number };
      if (format === "traditional") {
        expect([ts.seconds, ts.micros, rec.ts_zone], where).toEqual([stamp.seconds, 0, "Europe/Berlin"]);
      } else {
        expect([ts.seconds, ts.micros, rec.ts_zone], where).toEqual([stamp.seconds, stamp.micros, stamp.offset]);
      }
      expect([rec.syslog_hostname, rec.lineno, rec.filepath], where).toEqual(["web01", i + 1, "/var/log/auth.log"]);
    });
  });
});

describe("the forms", () => {
  it("cover every action the docs list once at least", () => {
    const doc = fs.readFileSync(path.resolve(LOGS, "../../docs/logs.md"), "utf8");
    for (const f of FORMS) if (f.expect.action) expect(doc, `${f.expect.action} in docs/logs.md`).toContain(`\`${f.expect.action}\``);
  });

  it("have a line for every action the docs list", () => {
    const doc = fs.readFileSync(path.resolve(LOGS, "../../docs/logs.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Message forms parsed"), doc.indexOf("\n## ", doc.indexOf("## Message forms parsed") + 1));
    const rows = section.split("\n");
    const listed = new Set<string>();
    rows.forEach((row, i) => {
      // a table's body rows: not its header (followed by |---|) nor the rule; cells split at unescaped bars
      if (!row.startsWith("| ") || rows[i + 1]?.startsWith("|---")) return;
      const action = row.split(/(?<!\\)\|/)[2] ?? "";
      for (const m of action.matchAll(/`([^`]+)`/g)) listed.add(m[1]!);
    });
    expect(listed.size).toBeGreaterThan(70);
    const fixtures = new Set(FORMS.map((f) => f.expect.action));
    expect([...listed].filter((a) => !fixtures.has(a))).toEqual([]);
  });
});
