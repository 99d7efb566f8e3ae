// --timeline --timesketch: Timesketch's JSON lines import (message, datetime, timestamp_desc, then the record's
// fields), the very lines --timesketch gives for each event, in the timeline's order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS, GENERATED, expectedTimeline, makeFleet, query, type TimelineFleet } from "./fleet.js";

let fleet: TimelineFleet;
beforeAll(() => {
  fleet = makeFleet();
});
afterAll(() => fleet.remove());

const lines = (b: Buffer): string[] => b.toString().split("\n").filter(Boolean);

describe("--timeline --timesketch", () => {
  it("is --timesketch sorted by time (the same events, the same lines)", async () => {
    const plain = await query([...fleet.targets, "-f", FUNCTIONS, "--timesketch", "-q", "--generated", GENERATED]);
    const sorted = await query([...fleet.targets, "-f", FUNCTIONS, "--timesketch", "--timeline", "-q", "--generated", GENERATED]);
    expect(sorted.code, sorted.err).toBe(0);
    // --timesketch writes targets, functions and records in run order: a stable sort by time is the timeline's rule
    const want = lines(plain.out)
      .map((l) => ({ l, t: (JSON.parse(l) as { timestamp: number }).timestamp }))
      .sort((a, b) => a.t - b.t)
      .map((x) => x.l);
    expect(lines(sorted.out)).toEqual(want);
    expect(want.length).toBe(expectedTimeline().length);
  });

  it("Timesketch's shape: the required keys first, then the record's fields; one line per event", async () => {
    const r = await query([...fleet.targets, "-f", FUNCTIONS, "--timesketch", "--timeline", "-q", "--generated", GENERATED]);
    const events = lines(r.out).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(events[0]!).slice(0, 5)).toEqual(["datetime", "timestamp", "timestamp_desc", "message", "data_type"]);
    expect(events[0]).toMatchObject({
      datetime: "2024-03-04T07:58:12.104512+00:00",
      timestamp: 1709539092104512,
      timestamp_desc: "ts",
      message: "ut_type=BOOT_TIME ut_user=reboot ut_line=~ ut_id='~~  ' ut_host=6.1.0-18-amd64 ut_pid=0 ut_session=0 ut_exit_termination=0 ut_exit_status=0",
      data_type: "linux/log/wtmp",
      hostname: "web01",
      ut_type: "BOOT_TIME",
      ut_user: "reboot",
      offset: 0,
      filepath: "/var/log/wtmp",
      _generated: "2024-06-01T00:00:00+00:00",
    });
    const logout = events.find((e) => e.timestamp_desc === "logout")!;
    expect(logout).toMatchObject({ data_type: "linux/log/wtmp/session", datetime: logout.logout, user: "alice" });
    expect(new Set(events.map((e) => e.timestamp_desc))).toEqual(new Set(["ts", "login", "logout"]));
    const times = events.map((e) => e.timestamp as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
