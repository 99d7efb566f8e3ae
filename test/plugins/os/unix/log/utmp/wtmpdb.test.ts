// wtmpdb: an SQLite database made here with the documented schema (specs/utmp.md §6), read from the target.
import { describe, expect, it } from "vitest";
import { loadSqlJs } from "../../../../../../plugins/os/unix/log/utmp/wtmpdb.js";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";
import { fixture, run } from "./helpers.js";

const us = (iso: string, micros = 0): bigint => BigInt(Date.parse(iso)) * 1000n + BigInt(micros);

async function makeDb(): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE IF NOT EXISTS wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER,
          Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT;`);
  const ins = db.prepare("INSERT INTO wtmp (Type, User, Login, Logout, TTY, RemoteHost, Service) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const rows: [number, string, bigint, bigint | null, string, string | null, string | null][] = [
    [1, "reboot", us("2025-09-01T08:00:00Z", 123456), us("2025-09-01T18:00:00Z", 500000), "~", "6.12.38+deb13-amd64", null],
    [3, "alice", us("2025-09-01T09:00:00Z", 250000), us("2025-09-01T10:30:00Z", 750001), "ssh", "2001:db8::1", "sshd"],
    [3, "bob", us("2025-09-01T11:00:00Z"), us("2025-09-01T11:05:00Z"), "pts/1", "bastion.example.net", "sshd"],
    [1, "reboot", us("2025-09-02T07:00:00Z"), null, "~", "6.12.38+deb13-amd64", null],
    [3, "carol", us("2025-09-02T07:30:00Z"), null, "tty1", null, "login"],
    [1, "reboot", us("2025-09-03T06:00:00Z", 1), null, "~", "6.12.41+deb13-amd64", null],
    [3, "dave", us("2025-09-03T06:10:00Z"), null, "ssh", "198.51.100.7", "sshd"],
  ];
  for (const r of rows) ins.run(r.map((v) => (typeof v === "bigint" ? Number(v) : v)));
  ins.free();
  const data = db.export();
  db.close();
  return data;
}

describe("wtmpdb", () => {
  it("rows decode as wtmp records (µs times, logout, service, non-IP RemoteHost in ut_host only); read once via its symlink", async () => {
    const db = await makeDb();
    const tree = {
      "/var/lib/wtmpdb/wtmp.db": db,
      "/var/log/wtmp.db": { type: "symlink" as const, target: "../lib/wtmpdb/wtmp.db" },
    };
    const { records, outcome } = await run(tree, "wtmp");
    expect(outcome.errors).toEqual([]);
    expect(records.length).toBe(7);
    expect(records.map((r) => r.ut_type)).toEqual(["BOOT_TIME", "USER_PROCESS", "USER_PROCESS", "BOOT_TIME", "USER_PROCESS", "BOOT_TIME", "USER_PROCESS"]);
    const [boot, alice, bob] = records;
    expect((boot!.ts as Timestamp).toJSON()).toBe("2025-09-01T08:00:00.123456+00:00");
    expect((boot!.ts_logout as Timestamp).toJSON()).toBe("2025-09-01T18:00:00.500000+00:00");
    expect([boot!.ut_user, boot!.ut_line, boot!.ut_host, boot!.ut_addr]).toEqual(["reboot", "~", "6.12.38+deb13-amd64", null]);
    expect([alice!.ut_user, alice!.ut_line, alice!.ut_host, alice!.ut_addr, alice!.ut_service]).toEqual(["alice", "ssh", "2001:db8::1", "2001:db8::1", "sshd"]);
    expect([bob!.ut_host, bob!.ut_addr]).toEqual(["bastion.example.net", null]);
    expect(records.every((r) => r.filepath === "/var/lib/wtmpdb/wtmp.db" && r.offset === null && r.ut_pid === null)).toBe(true);
  });

  it("sessions: logout times from Logout; an open one in a boot never shut down ends at the next boot (crash) or is still logged in", async () => {
    const { records } = await run({ "/var/log/wtmp.db": await makeDb() }, "sessions");
    expect(records.map((r) => [r.user, r.end_reason, (r.logout as Timestamp | null)?.toJSON() ?? null, r.duration])).toEqual([
      ["dave", "still_logged_in", null, null],
      ["carol", "crash", "2025-09-03T06:00:00.000001+00:00", 81000.000001],
      ["bob", "logout", "2025-09-01T11:05:00+00:00", 300],
      ["alice", "logout", "2025-09-01T10:30:00.750001+00:00", 5400.500001],
    ]);
  });

  it("uptime: shutdown from the boot row's Logout, crash at the next boot, still running", async () => {
    const { records } = await run({ "/var/log/wtmp.db": await makeDb() }, "uptime");
    expect(records.map((r) => [(r.boot as Timestamp).toJSON(), r.end_reason, r.kernel])).toEqual([
      ["2025-09-01T08:00:00.123456+00:00", "shutdown", "6.12.38+deb13-amd64"],
      ["2025-09-02T07:00:00+00:00", "crash", "6.12.38+deb13-amd64"],
      ["2025-09-03T06:00:00.000001+00:00", "still_running", "6.12.41+deb13-amd64"],
    ]);
  });

  it("a wtmpdb beside a legacy wtmp: both are read; a broken database is an error, not a crash", async () => {
    const { records, outcome } = await run(
      { "/var/log/wtmp": fixture("wtmp_basic"), "/var/log/wtmp.db": await makeDb(), "/var/lib/wtmpdb/wtmp_20250101.db": Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(200, 7)]) },
      "wtmp",
    );
    expect(records.length).toBe(80);
    expect(outcome.errors).toEqual([{ file: "/var/lib/wtmpdb/wtmp_20250101.db", message: expect.stringMatching(/cannot read wtmpdb/) }]);
  });
});
