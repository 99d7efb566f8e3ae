// The sessions and uptime of a database written by wtmpdb's own library (fixtures/wtmpdb/, gen_wtmpdb.sh),
// field by field against `wtmpdb last -j --time-format iso -x -w -S` (wtmpdb 0.75.0) for the same file.
//
// Where we differ by design (docs/utmp.md): wtmpdb last prints "crash" for every session left without a Logout
// once a later boot exists, even when the boot that covers it was shut down cleanly; we end such a session at
// that boot's shutdown (the boot row's Logout, which `last -x` itself prints as "shutdown system down") and call
// only the rest "crash" (their boot was never shut down), at the next boot's time. wtmpdb last shows times to the
// second and orders by Login; we keep microseconds and order by the rows' ID (newest appended first).
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";
import { FIXTURES, run } from "./helpers.js";

const DIR = path.join(FIXTURES, "../wtmpdb");
const db = fs.readFileSync(path.join(DIR, "sessions.db"));

interface LastEntry {
  user: string;
  tty: string;
  hostname: string;
  service: string;
  login: string;
  logout: string;
  length?: string;
}

const last = (JSON.parse(fs.readFileSync(path.join(DIR, "sessions.wtmpdb-last-j-iso-xwS.json"), "utf8")) as { entries: LastEntry[] }).entries;
const sessionsOf = last.filter((e) => e.tty !== "system boot" && e.tty !== "system down");
const bootsOf = last.filter((e) => e.tty === "system boot");
const downsOf = last.filter((e) => e.tty === "system down");

/** wtmpdb's ISO text ("2025-09-01T08:00:00+0000") → whole epoch seconds. */
function sec(iso: string): number {
  return Date.parse(iso.replace(/\+0000$/, "Z")) / 1000;
}

function secOf(ts: unknown): number | null {
  return ts === null ? null : (ts as Timestamp).seconds;
}

async function records(fn: string): Promise<AnyRecord[]> {
  const r = await run({ "/var/lib/wtmpdb/wtmp.db": db }, fn);
  expect(r.outcome.errors).toEqual([]);
  expect(r.outcome.warnings).toEqual([]);
  return r.records;
}

describe("wtmpdb sessions against `wtmpdb last`", () => {
  it("one session per user row; user, tty, host, login to the second", async () => {
    const got = await records("sessions");
    expect(got.length).toBe(sessionsOf.length);
    const key = (u: string, t: number): string => `${u}@${t}`;
    const want = new Map(sessionsOf.map((e) => [key(e.user, sec(e.login)), e]));
    for (const s of got) {
      const e = want.get(key(s.user as string, secOf(s.login)!));
      expect(e, `${s.user as string}`).toBeDefined();
      expect(s.line).toBe(e!.tty);
      expect(s.host ?? "").toBe(e!.hostname);
      expect(s.filepath).toBe("/var/lib/wtmpdb/wtmp.db");
    }
  });

  it("ends: logouts equal; still logged in equal; crash where wtmpdb's boot was never shut down; shutdown at the boot's Logout", async () => {
    const got = new Map((await records("sessions")).map((s) => [s.user as string, s]));
    // the shutdown times wtmpdb last -x prints ("shutdown system down" rows), by boot
    const downs = downsOf.map((d) => sec(d.login));
    const boots = bootsOf.map((b) => sec(b.login)).sort((a, b) => a - b);
    for (const e of sessionsOf) {
      const s = got.get(e.user)!;
      const where = `${e.user}: wtmpdb last "${e.logout}"`;
      if (/^\d{4}-/.test(e.logout)) {
        expect(s.end_reason, where).toBe("logout");
        expect(secOf(s.logout), where).toBe(sec(e.logout));
        // length "HH:MM" is the whole minutes of the session
        const [h, m] = e.length!.split(":").map(Number);
        expect(Math.floor((s.duration as number) / 60), where).toBe(h! * 60 + m!);
      } else if (e.logout.startsWith("still logged in")) {
        expect([s.end_reason, s.logout, s.duration], where).toEqual(["still_logged_in", null, null]);
      } else {
        expect(e.logout.trim(), where).toBe("crash");
        const login = sec(e.login);
        const covering = boots.filter((b) => b <= login).at(-1)!;
        const next = boots.find((b) => b > login)!;
        const down = downs.find((d) => d >= login && d < next);
        if (down !== undefined) {
          // the covering boot was shut down (its Logout, printed by last -x): we end the session there
          expect([s.end_reason, secOf(s.logout)], where).toEqual(["shutdown", down]);
        } else {
          expect([s.end_reason, secOf(s.logout)], where).toEqual(["crash", next]);
        }
        expect(covering).toBeLessThanOrEqual(login);
      }
    }
  });

  it("the exact figures of the fixture (µs kept): three shutdowns in boot A, one in C, one crash, one still logged in", async () => {
    const got = (await records("sessions")).map((s) => [s.user, s.end_reason, (s.logout as Timestamp | null)?.toJSON() ?? null, s.duration]);
    expect(got).toEqual([
      ["judy", "shutdown", "2025-09-01T18:00:00.500000+00:00", 18000.5],
      ["ivan", "logout", "2025-09-04T08:30:00.999999+00:00", 1800.999999],
      ["heidi", "still_logged_in", null, null],
      ["grace", "shutdown", "2025-09-03T20:00:00+00:00", 3600],
      ["frank", "logout", "2025-09-03T06:20:00+00:00", 600],
      ["erin", "crash", "2025-09-03T06:00:00.000001+00:00", 74669.500001],
      ["dave", "logout", "2025-09-02T08:00:00+00:00", 1800],
      ["carol", "shutdown", "2025-09-01T18:00:00.500000+00:00", 21600.5],
      ["bob", "shutdown", "2025-09-01T18:00:00.500000+00:00", 25200.5],
      ["alice", "logout", "2025-09-01T10:30:00.750001+00:00", 5400.500001],
    ]);
  });
});

describe("wtmpdb uptime against `wtmpdb last -x`", () => {
  it("one window per boot row: shutdown at the boot's Logout, crash, still running (soft-reboot included)", async () => {
    const got = await records("uptime");
    expect(got.length).toBe(bootsOf.length);
    const byBoot = new Map(got.map((w) => [secOf(w.boot), w]));
    for (const b of bootsOf) {
      const w = byBoot.get(sec(b.login))!;
      expect(w.kernel).toBe(b.hostname);
      if (/^\d{4}-/.test(b.logout)) expect([w.end_reason, secOf(w.end)]).toEqual(["shutdown", sec(b.logout)]);
      else if (b.logout.startsWith("still running")) expect([w.end_reason, w.end]).toEqual(["still_running", null]);
      else {
        expect(b.logout.trim()).toBe("crash");
        expect(w.end_reason).toBe("crash");
      }
    }
  });
});
