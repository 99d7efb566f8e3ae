// The login analysis against the spec-derived *.expected.json (fixtures/utmp/README.md) and lastb's order.
import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../src/records/timestamp.js";
import { expected, fixture, fixtureText, run, ts } from "./helpers.js";

interface ExpSession {
  user: string;
  line: string;
  host: string;
  addr: string | null;
  pid: number;
  login: string;
  logout: string | null;
  end_reason: string;
  duration_s: number | null;
}
interface ExpWindow {
  boot: string;
  kernel: string;
  end: string | null;
  end_reason: string;
  duration_s: number | null;
}

function sameTime(a: unknown, b: string | null): boolean {
  if (b === null) return a === null;
  return a instanceof Timestamp && a.equals(ts(b));
}

function checkSessions(records: AnyRecord[], exp: ExpSession[]): void {
  expect(records.length).toBe(exp.length);
  records.forEach((r, i) => {
    const e = exp[i]!;
    const where = `session #${i} ${e.user} ${e.line} ${e.login}`;
    expect([r.user, r.line, r.host, r.addr, r.pid, r.end_reason], where).toEqual([e.user, e.line, e.host, e.addr, e.pid, e.end_reason]);
    expect(sameTime(r.login, e.login), where).toBe(true);
    expect(sameTime(r.logout, e.logout), where).toBe(true);
    if (e.duration_s === null) expect(r.duration, where).toBeNull();
    else expect(r.duration as number, where).toBeCloseTo(e.duration_s, 6);
  });
}

function checkWindows(records: AnyRecord[], exp: ExpWindow[]): void {
  expect(records.length).toBe(exp.length);
  records.forEach((r, i) => {
    const e = exp[i]!;
    expect([r.kernel, r.end_reason]).toEqual([e.kernel, e.end_reason]);
    expect(sameTime(r.boot, e.boot)).toBe(true);
    expect(sameTime(r.end, e.end)).toBe(true);
    if (e.duration_s === null) expect(r.duration).toBeNull();
    else expect(r.duration as number).toBeCloseTo(e.duration_s, 6);
  });
}

const WTMP = ["wtmp_basic", "wtmp_basic.be", "wtmp_basic.1.gz", "wtmp_corrupt", "wtmp_truncated"];

describe("sessions and uptime match expected.json", () => {
  for (const name of WTMP) {
    it(name, async () => {
      const exp = expected<{ sessions: ExpSession[]; windows: ExpWindow[] }>(name);
      const tree = { "/var/log/wtmp": fixture(name) };
      checkSessions((await run(tree, "sessions")).records, exp.sessions);
      checkWindows((await run(tree, "uptime")).records, exp.windows);
    });
  }

  it("wtmp_basic: 24 sessions by end reason, 4 windows", async () => {
    const { records } = await run({ "/var/log/wtmp": fixture("wtmp_basic") }, "sessions");
    const by: Record<string, number> = {};
    for (const r of records) by[r.end_reason as string] = (by[r.end_reason as string] ?? 0) + 1;
    expect(by).toEqual({ logout: 16, replaced: 1, shutdown: 3, reboot: 1, still_logged_in: 3 });
    const bob = records.find((r) => r.addr === "2001:db8:1f::5" && r.line === "pts/0" && (r.login as Timestamp).toJSON().startsWith("2024-03-04"))!;
    expect(bob.duration).toBe(2529.200001);
  });

  it("the misaligned file gives wtmp_basic's sessions", async () => {
    const exp = expected<{ sessions: ExpSession[]; windows: ExpWindow[] }>("wtmp_basic");
    const tree = { "/var/log/wtmp": fixture("wtmp_corrupt_misaligned") };
    checkSessions((await run(tree, "sessions")).records, exp.sessions);
    checkWindows((await run(tree, "uptime")).records, exp.windows);
  });

  it("rotations are one history: wtmp.1.gz (older) then wtmp", async () => {
    const basic = fixture("wtmp_basic");
    // split wtmp_basic at record 40: the older half gzip'd as wtmp.1.gz, the newer half as wtmp
    const zlib = await import("node:zlib");
    const tree = { "/var/log/wtmp.1.gz": zlib.gzipSync(basic.subarray(0, 40 * 384)), "/var/log/wtmp": basic.subarray(40 * 384) };
    const exp = expected<{ sessions: ExpSession[]; windows: ExpWindow[] }>("wtmp_basic");
    const got = (await run(tree, "sessions")).records;
    expect(got.map((r) => [r.user, r.line, r.end_reason])).toEqual(exp.sessions.map((s) => [s.user, s.line, s.end_reason]));
    const wtmp = (await run(tree, "wtmp")).records;
    expect(wtmp.length).toBe(73);
    expect(wtmp[0]!.filepath).toBe("/var/log/wtmp.1.gz");
    expect(wtmp[72]!.filepath).toBe("/var/log/wtmp");
  });
});

interface ExpFailed {
  total: number;
  by_user: Record<string, number>;
  by_host: Record<string, number>;
  by_addr: Record<string, number>;
  attempts_newest_appended_first: { user: string; line: string; host: string; addr: string | null; time: string }[];
}

describe("failed_logins", () => {
  const tree = { "/var/log/btmp": fixture("btmp_basic") };
  const exp = expected<{ failed: ExpFailed }>("btmp_basic").failed;

  it("every attempt, newest appended first, as expected.json", async () => {
    const { records } = await run(tree, "failed_logins");
    expect(records.length).toBe(200);
    records.forEach((r, i) => {
      const e = exp.attempts_newest_appended_first[i]!;
      expect([r.user, r.line, r.host, r.addr]).toEqual([e.user, e.line, e.host, e.addr]);
      expect(sameTime(r.ts, e.time)).toBe(true);
    });
  });

  it("in lastb's order (lastb -f btmp_basic -F -i -w)", async () => {
    const { records } = await run(tree, "failed_logins");
    const lines = fixtureText("btmp_basic.lastb-Fiw.txt")
      .split("\n")
      .map((l) => /^(\S*)\s+(\S+)\s+(\S+)\s+(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}) - /.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(lines.length).toBe(200);
    const ctime = (t: Timestamp): string => {
      const d = t.toDate();
      const s = d.toUTCString(); // "Thu, 07 Mar 2024 10:14:50 GMT"
      const [, dd, mon, yyyy, hms] = /^\w+, (\d\d) (\w+) (\d+) (\S+) GMT$/.exec(s)!;
      return `${s.slice(0, 3)} ${mon} ${String(Number(dd)).padStart(2, " ")} ${hms} ${yyyy}`;
    };
    records.forEach((r, i) => {
      const m = lines[i]!;
      expect([r.user, r.line, r.addr ?? "0.0.0.0", ctime(r.ts as Timestamp)]).toEqual([m[1], m[2], m[3], m[4]]);
    });
  });

  for (const by of ["user", "host", "addr"] as const) {
    it(`--by ${by}`, async () => {
      const { records } = await run(tree, "failed_logins", { by });
      const want = exp[`by_${by}`];
      expect(records.map((r) => [r.key, r.count])).toEqual(Object.entries(want));
      for (const r of records) {
        expect(r.by).toBe(by);
        expect((r.first_seen as Timestamp).compare(r.last_seen as Timestamp)).toBeLessThanOrEqual(0);
      }
    });
  }

  it("--by user: first/last seen of mallory", async () => {
    const { records } = await run(tree, "failed_logins", { by: "user" });
    const m = records.find((r) => r.key === "mallory")!;
    expect((m.first_seen as Timestamp).toJSON()).toBe("2024-03-07T10:14:30+00:00");
    expect((m.last_seen as Timestamp).toJSON()).toBe("2024-03-07T10:14:50+00:00");
  });
});

describe("live_users", () => {
  it("utmp_live: dave, ops, carol (latest record per slot, newest login first)", async () => {
    const exp = expected<{ live: { user: string; line: string; id: string; host: string; addr: string | null; pid: number; login: string }[] }>("utmp_live");
    const { records } = await run({ "/var/run/utmp": fixture("utmp_live") }, "live_users");
    expect(records.map((r) => [r.user, r.line, r.id, r.host, r.addr, r.pid])).toEqual(exp.live.map((e) => [e.user, e.line, e.id, e.host, e.addr, e.pid]));
    records.forEach((r, i) => expect(sameTime(r.login, exp.live[i]!.login)).toBe(true));
    expect(records.map((r) => r.user)).toEqual(["dave", "ops", "carol"]);
  });
});
