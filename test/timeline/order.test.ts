// A timeline across three targets comes out in time order with every entry the oracles say, ties in the
// documented order, the same whether the runs stay in memory or spill to temp files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, GENERATED, expectedTimeline, jsonRecords, makeFleet, query, type TimelineFleet } from "./fleet.js";
import { shapeOf } from "./oracle.js";

let fleet: TimelineFleet;
let baseline: Buffer;

beforeAll(async () => {
  fleet = makeFleet();
  const r = await query([...fleet.targets, "-f", FUNCTIONS, "--timeline", "-j", "-q", "--generated", GENERATED]);
  expect(r.code, r.err).toBe(0);
  baseline = r.out;
});
afterAll(() => fleet.remove());

describe("--timeline across three targets", () => {
  it("every entry the oracles give, in time order, ties by target, function, record and field", () => {
    const got = jsonRecords(baseline).map(shapeOf);
    const want = expectedTimeline().map(({ us: _us, ...e }) => e);
    // web01: 73 wtmp + 200 btmp + 9 utmp + 24 sessions (24 logins, 21 logouts); db01: 73 + 45; mail01: 9 + 200 + 9 + 9 logins
    expect(want.length).toBe(73 + 200 + 9 + 45 + 73 + 45 + 9 + 200 + 9 + 9);
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
  });

  it("the first entries and a tie, written out by hand", () => {
    const got = jsonRecords(baseline).map(shapeOf);
    const wtmp = (hostname: string, ts: string, what: string) => ({ hostname, ts, source: "linux/log/wtmp", ts_description: "ts", what });
    expect(got.slice(0, 4)).toEqual([
      wtmp("web01", "2024-03-04T07:58:12.104512+00:00", "BOOT_TIME reboot ~ @0"),
      wtmp("db01", "2024-03-04T07:58:12.104512+00:00", "BOOT_TIME reboot ~ @0"),
      wtmp("web01", "2024-03-04T07:58:19.331047+00:00", "RUN_LVL runlevel ~ @384"),
      wtmp("db01", "2024-03-04T07:58:19.331047+00:00", "RUN_LVL runlevel ~ @384"),
    ]);
    // alice's first login: the wtmp record and the session's login, on web01 then on db01
    const at = got.filter((e) => e.ts === "2024-03-04T08:15:03.220871+00:00");
    expect(at).toEqual([
      wtmp("web01", "2024-03-04T08:15:03.220871+00:00", "USER_PROCESS alice pts/0 @1536"),
      { hostname: "web01", ts: "2024-03-04T08:15:03.220871+00:00", source: "linux/log/wtmp/session", ts_description: "login", what: "alice pts/0" },
      wtmp("db01", "2024-03-04T08:15:03.220871+00:00", "USER_PROCESS alice pts/0 @1536"),
      { hostname: "db01", ts: "2024-03-04T08:15:03.220871+00:00", source: "linux/log/wtmp/session", ts_description: "login", what: "alice pts/0" },
    ]);
    // the last: mail01's last addr_edge login, as a wtmp record and a session
    expect(got.slice(-2).map((e) => [e.hostname, e.ts, e.source, e.ts_description])).toEqual([
      ["mail01", "2024-03-11T10:08:00+00:00", "linux/log/wtmp", "ts"],
      ["mail01", "2024-03-11T10:08:00+00:00", "linux/log/wtmp/session", "login"],
    ]);
  });

  it("each entry carries its record, its descriptor, filepath and offset, and a one-line message", () => {
    const recs = jsonRecords(baseline);
    for (const e of recs) {
      const r = e.record as Record<string, unknown>;
      expect(e._recorddescriptor).toEqual(["quarry/timeline", expect.any(Number)]);
      expect(r[e.ts_description as string]).toBe(e.ts);
      expect(e.filepath).toBe(r.filepath);
      expect(e.offset).toBe(r.offset ?? null);
      expect(e._source).toBe(r._source);
      expect(e.hostname).toBe(r.hostname);
      expect(typeof e.message === "string" && e.message.length > 0 && !/[\n\r]/.test(e.message)).toBe(true);
    }
    const login = recs.find((e) => e.source === "linux/log/wtmp/session" && e.ts_description === "logout")!;
    expect(login.offset).toBeNull(); // sessions have no offset of their own
    expect(login.filepath).toBe("/var/log/wtmp");
  });

  it("spilled: a run of 5 entries (QUARRY_TIMELINE_RUN_RECORDS) gives the same bytes, through merged runs", async () => {
    const r = await query([...fleet.targets, "-f", FUNCTIONS, "--timeline", "-j", "-vv", "--generated", GENERATED], { QUARRY_TIMELINE_RUN_RECORDS: "5" });
    expect(r.code, r.err).toBe(0);
    expect(r.out.equals(baseline)).toBe(true);
    // 672 entries in runs of about 5 (a record's events stay together): some 130 runs on disk, all merged at the end
    // with the last one still in memory (merges of piled-up runs: sink.test.ts)
    const m = /timeline: 672 entries from 630 records; (\d+) runs spilled \(\d+ bytes\), merging (\d+)/.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(130);
    expect(Number(m![2])).toBe(Number(m![1]) + 1);
  });

  it("QUARRY_TIMELINE_RUN_RECORDS that is not a whole number ≥ 1 is a usage error", async () => {
    await expect(query([fleet.targets[0], "-f", "wtmp", "--timeline"], { QUARRY_TIMELINE_RUN_RECORDS: "0" })).rejects.toThrow(
      /QUARRY_TIMELINE_RUN_RECORDS: expected a whole number of at least 1, got "0"/,
    );
  });
});
