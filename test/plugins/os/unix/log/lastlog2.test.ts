// lastlog2 against util-linux's own tools: fixtures/lastlog2/lastlog2.db was written by liblastlog2
// (ll2_write_entry), lastlog2.lastlog2-s.txt is what `lastlog2 -d DB -s` prints for it (TZ=UTC) and
// lastlog2.rows.txt is sqlite3's dump of the table in rowid order. Every expected value comes from those files.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRegistry } from "../../../../../plugins/index.js";
import { file, type MemoryTree } from "../../../../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../src/records/descriptor.js";
import type { Timestamp } from "../../../../../src/records/timestamp.js";
import { silentLogger } from "../../../../../src/util/log.js";
import { loadSqlJs } from "../../../../../src/util/sqlite.js";
import { prng } from "../../../../helpers/prng.js";
import { targetFromTree } from "../../../../../plugins/index.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../fixtures/lastlog2");
const DB = "/var/lib/lastlog/lastlog2.db";
const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/zsh\n";

async function lastlog2(tree: MemoryTree): Promise<{ records: AnyRecord[]; outcome: FunctionOutcome }> {
  const t = targetFromTree(tree);
  const records: AnyRecord[] = [];
  const sink = { write: (r: AnyRecord) => void records.push(r), close: async () => {} };
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve("lastlog2").groups, defaultRegistry, sink, { log: silentLogger });
  t.close();
  return { records, outcome: outcome! };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * lastlog2's report: printf("%-16s %-8.8s %*s %s%*s%s\n", user, tty, -42, rhost, date, pad, " ", service), widths
 * in bytes; the date is strftime("%a %b %e %H:%M:%S %z %Y") or **Never logged in**.
 */
function report(): Map<string, { tty: string; rhost: string; seconds: number | null; service: string }> {
  const [head, ...rows] = fs.readFileSync(path.join(FIX, "lastlog2.lastlog2-s.txt")).toString("latin1").split("\n").filter(Boolean);
  expect(head).toMatch(/^Username +Port +From +Latest +Service$/);
  const out = new Map<string, { tty: string; rhost: string; seconds: number | null; service: string }>();
  for (const row of rows) {
    const utf8 = (s: string) => Buffer.from(s, "latin1").toString("utf8").trimEnd();
    const rest = row.slice(69);
    const m = /^(\*\*Never logged in\*\*|[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) \+0000 (\d{4})) *(.*)$/.exec(rest);
    if (!m) throw new Error(`unparsed lastlog2 line: ${row}`);
    const seconds = m[2] ? Date.UTC(Number(m[7]), MONTHS.indexOf(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 : null;
    out.set(utf8(row.slice(0, 16)), { tty: utf8(row.slice(17, 25)), rhost: utf8(row.slice(26, 68)), seconds, service: m[8]! });
  }
  return out;
}

/** sqlite3's rows: rowid|Name|Time|TTY|RemoteHost|Service|typeof(TTY)|typeof(RemoteHost)|typeof(Service). */
function dump(): { name: string; time: number; tty: string | null; rhost: string | null; service: string | null }[] {
  const [, ...rows] = fs.readFileSync(path.join(FIX, "lastlog2.rows.txt"), "utf8").split("\n").filter(Boolean);
  return rows.map((row) => {
    const c = row.split("|");
    const v = (i: number) => (c[i + 3] === "null" ? null : c[i]!);
    return { name: c[1]!, time: Number(c[2]), tty: v(3), rhost: v(4), service: v(5) };
  });
}

const seconds = (r: AnyRecord): number | null => (r.ts === null ? null : (r.ts as Timestamp).seconds);

describe("lastlog2", () => {
  it("every row, in rowid order, as sqlite3 stores it and lastlog2 -s prints it", async () => {
    const { records, outcome } = await lastlog2({ "/etc/passwd": PASSWD, [DB]: file(fs.readFileSync(path.join(FIX, "lastlog2.db"))) });
    expect(outcome.status).toBe("ok");
    expect([outcome.warnings, outcome.errors]).toEqual([[], []]);
    const rows = dump();
    const printed = report();
    expect(records.map((r) => r.ut_user)).toEqual(rows.map((r) => r.name));
    expect(printed.size).toBe(rows.length);
    rows.forEach((row, i) => {
      const r = records[i]!;
      expect(seconds(r), row.name).toBe(row.time === 0 ? null : row.time);
      expect([r.ut_line, r.ut_host, r.service], row.name).toEqual([row.tty, row.rhost, row.service]);
      expect(r.filepath).toBe(DB);
      const p = printed.get(row.name)!;
      expect(seconds(r), row.name).toBe(p.seconds);
      // lastlog2 prints the first 8 bytes of the TTY
      expect(Buffer.from(String(r.ut_line ?? "")).subarray(0, 8).toString(), row.name).toBe(p.tty);
      expect(r.ut_host ?? "", row.name).toBe(p.rhost);
      expect(p.seconds === null ? "" : (r.service ?? ""), row.name).toBe(p.service);
    });
    expect(Object.fromEntries(records.filter((r) => r.uid !== null).map((r) => [r.ut_user, r.uid]))).toEqual({ root: 0, alice: 1000, bob: 1001 });
  });

  it("absent without the database; a file that is no database, or whose Lastlog2 is a view, is an error naming it", async () => {
    const none = await lastlog2({ "/etc/passwd": PASSWD });
    expect(none.outcome.status).toBe("absent");
    const junk = await lastlog2({ [DB]: file(Buffer.from("not sqlite at all\n".repeat(100))) });
    expect(junk.outcome.status).toBe("error");
    expect(junk.records).toEqual([]);
    expect(junk.outcome.errors.map((i) => [i.file, i.message])).toEqual([[DB, "cannot read the Lastlog2 table: file is not a database"]]);
    // a view named Lastlog2 (its SELECT could be anything, a recursive one never ends) is refused before any row
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run("CREATE TABLE t(Name TEXT, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT); CREATE VIEW Lastlog2 AS SELECT * FROM t;");
    const view = await lastlog2({ [DB]: file(Buffer.from(db.export())) });
    db.close();
    expect(view.outcome.errors.map((i) => i.message)).toEqual(["cannot read the Lastlog2 table: Lastlog2 is a view, not a table: refused"]);
  });

  it("seeded corruptions of the fixture end cleanly: records or an error, never an exception or a hang", async () => {
    const good = fs.readFileSync(path.join(FIX, "lastlog2.db"));
    const rand = prng(0x11a57);
    for (let i = 0; i < 150; i++) {
      const bad = Buffer.from(good);
      if (i % 3 === 0) {
        const cut = Math.floor(rand() * bad.length);
        const { records, outcome } = await lastlog2({ [DB]: file(bad.subarray(0, cut)) });
        expect(["ok", "error"]).toContain(outcome.status);
        expect(records.length).toBeLessThanOrEqual(11);
        continue;
      }
      for (let k = 0; k < 8; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const { records, outcome } = await lastlog2({ [DB]: file(bad) });
      expect(["ok", "error"]).toContain(outcome.status);
      expect(records.length).toBeLessThanOrEqual(bad.length / 4);
    }
  });
});
