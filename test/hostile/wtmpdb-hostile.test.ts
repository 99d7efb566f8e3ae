// Hostile wtmpdb databases: only a real table is read, and reading it costs what its file holds. A `wtmp` that
// is a view (a recursive one never ends: before the fix it spun for ever, ≥ 60 s at kill), a virtual table or a
// table with generated columns (an expression per row: 23 ms and a 200 MB string a row before) is an error for
// that file; a b-tree that claims hundreds of millions of rows in 20 KB ends with an error; Login/Logout values no
// datetime can carry (1e300, ±2^63, year 10000, Infinity, text) are null with a warning naming the row, and the
// JSON stays valid. Each run has a ceiling: the harness kills it, and a kill fails the test.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { run } from "../plugins/os/unix/log/utmp/helpers.js";
import { describeRun } from "./harness.js";
import { hostileDb, outOfRangeDb, type HostileDb } from "./wtmpdb-gen.js";
import { jsonRecords, makeHost, query, tempDir } from "./utmp-gen.js";

const dir = tempDir("wtmpdb");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const DB = "var/lib/wtmpdb/wtmp.db";

const REFUSED: [HostileDb, RegExp][] = [
  ["recursive-view", /cannot read wtmpdb: wtmp is a view, not a table: refused/],
  ["view", /cannot read wtmpdb: wtmp is a view, not a table: refused/],
  ["virtual-table", /cannot read wtmpdb: wtmp is a virtual table, not a table: refused/],
  ["generated-column", /cannot read wtmpdb: wtmp has generated columns \(Login\): refused/],
  // sqlite_master says 'table' while its text is an endless view: SQLite refuses the schema itself
  ["schema-says-table", /cannot read wtmpdb: (malformed database schema|wtmp is a view)/],
];

describe("wtmpdb: only a real table, every query bounded", () => {
  for (const [kind, message] of REFUSED) {
    it(`${kind}: an error for that file, within a 30 s ceiling; the other files are read`, async () => {
      const host = makeHost(dir, kind, { [DB]: await hostileDb(kind), "var/log/wtmp": fs.readFileSync("fixtures/utmp/wtmp_basic") });
      const r = await query([host, "-f", "wtmp,sessions,uptime", "-j"], {}, 30_000);
      expect(r.timedOut, describeRun(r)).toBe(false);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`/var/lib/wtmpdb/wtmp.db: ${message.source}`));
      const records = jsonRecords(r);
      expect(records.filter((x) => x.filepath === "/var/log/wtmp").length).toBe(73 + 24 + 4);
      expect(records.filter((x) => x.filepath === "/var/lib/wtmpdb/wtmp.db")).toEqual([]);
      expect(r.wallMs, describeRun(r)).toBeLessThan(20_000);
      expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
    });
  }

  it("a 20 KB table b-tree whose pages all point at one leaf (≈ 650 million rows claimed): ends with an error, bounded", async () => {
    const host = makeHost(dir, "dag", { [DB]: await hostileDb("dag") });
    const r = await query([host, "-f", "wtmp,sessions", "-j"], {}, 30_000);
    expect(r.timedOut, describeRun(r)).toBe(false);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/wtmp.db: cannot read wtmpdb: (database disk image is malformed|more than \d+ rows in a 20480-byte file)/);
    expect(jsonRecords(r).length).toBeLessThanOrEqual(2 * (20480 / 4));
    expect(r.wallMs, describeRun(r)).toBeLessThan(20_000);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
  });

  it("a wtmpdb larger than QUARRY_WTMPDB_MAX_BYTES is refused before it is read", async () => {
    const host = makeHost(dir, "big", { [DB]: await outOfRangeDb() });
    const r = await query([host, "-f", "wtmp", "-j"], { QUARRY_WTMPDB_MAX_BYTES: "4096" });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("/var/lib/wtmpdb/wtmp.db: wtmpdb of 8192 bytes is larger than 4096 (QUARRY_WTMPDB_MAX_BYTES): refused");
  });
});

describe("wtmpdb: Login/Logout values out of range", () => {
  it("null with a warning naming the row; sound rows unchanged; valid JSON; exit 0 (warnings only)", async () => {
    const host = makeHost(dir, "range", { [DB]: await outOfRangeDb() });
    const r = await query([host, "-f", "wtmp", "-j"]);
    expect(r.code, describeRun(r)).toBe(0);
    const out = r.stdout.toString();
    expect(out).not.toMatch(/NaN|Infinity|"\d{5,}-|"-\d+-/);
    const byUser = new Map(jsonRecords(r).map((x) => [x.ut_user as string, x]));
    expect(byUser.get("ok")).toMatchObject({ ts: "2025-09-01T08:00:00.123456+00:00", ts_logout: "2025-09-01T09:00:00+00:00" });
    for (const u of ["real1e300", "max", "min", "y10000", "inf", "nan"]) expect(byUser.get(u), u).toMatchObject({ ts: null });
    expect(byUser.get("badlogout")).toMatchObject({ ts: "2025-09-01T09:46:40+00:00", ts_logout: null });
    expect(byUser.get("y1")).toMatchObject({ ts: "0001-01-01T00:00:00+00:00" });
    expect(byUser.get("y9999")).toMatchObject({ ts: "9999-12-31T23:59:59.999999+00:00" });
    for (const [id, what] of [
      [3, "Login 1e+300 µs is outside years 1 … 9999"],
      [4, "Login 9223372036854775807 µs is outside years 1 … 9999"],
      [5, "Login -9223372036854775808 µs is outside years 1 … 9999"],
      [6, "Login 253402300800000000 µs is outside years 1 … 9999"],
      [7, "Logout -1000000000000000000 µs is outside years 1 … 9999"],
      [8, "Login Infinity µs is outside years 1 … 9999"],
      [9, 'Login "NaN" is not a number'],
    ] as const) {
      expect(r.stderr).toContain(`/var/lib/wtmpdb/wtmp.db: row ID ${id}: ${what}: null`);
    }
  });

  it("the analysis skips rows without a usable Login; the others end as usual", async () => {
    const { records, outcome } = await run({ "/var/lib/wtmpdb/wtmp.db": await outOfRangeDb() }, "sessions");
    expect(outcome.errors).toEqual([]);
    expect(records.map((s) => [s.user, s.end_reason])).toEqual([
      ["y9999", "still_logged_in"],
      ["y1", "crash"], // before every boot row and never logged out: wtmpdb last says "crash" too
      ["badlogout", "shutdown"],
      ["ok", "logout"],
    ]);
  });
});
