// utmp resync: runs of consecutive implausible records whose other bytes are zero (an unknown type, the rest
// zeros — a block overwritten in place). The records stay aligned: every damaged record is emitted as read and
// named by its offset, every good record after the run is kept at its own offset and equals utmpdump's reading
// of the undamaged file; the analysis (sessions, uptime, live users) equals the analysis of the file without
// the damaged records. Before the fix the walker realigned a few dozen bytes into the run (junk EMPTY records at
// misaligned offsets) and lost the first good record after it.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { compareWithDump, fixture, fixtureText, parseUtmpdump, run } from "../plugins/os/unix/log/utmp/helpers.js";
import { prng } from "../helpers/prng.js";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { describeRun } from "./harness.js";
import { makeHost, overwriteRun, query, RECORD, removeRecords, tempDir } from "./utmp-gen.js";

const dir = tempDir("resync");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function strip(r: AnyRecord): Record<string, unknown> {
  const { _generated: _g, ...rest } = r;
  return rest;
}

interface Case {
  fixture: string;
  glob: string;
  first: number;
  count: number;
  type: number;
}

/** Seeded cases: runs of 2, 3, 10 and 30 records at random places (start, middle, up to the end), any type. */
function cases(): Case[] {
  const rnd = prng(12);
  const out: Case[] = [];
  const files = [
    { fixture: "wtmp_basic", glob: "/var/log/wtmp", records: 73 },
    { fixture: "btmp_basic", glob: "/var/log/btmp", records: 200 },
    { fixture: "utmp_live", glob: "/run/utmp", records: 9 },
  ];
  for (const f of files) {
    for (const count of [2, 3, 10, 30]) {
      if (count >= f.records - 1) continue;
      for (let k = 0; k < 3; k++) {
        // the first case of each size runs up to the end of the file
        const first = k === 0 ? f.records - count : Math.floor(rnd() * (f.records - count));
        const type = (10 + Math.floor(rnd() * 32000)) * (rnd() < 0.5 ? 1 : -1);
        out.push({ fixture: f.fixture, glob: f.glob, first, count, type });
      }
    }
  }
  return out;
}

const FN: Record<string, string> = { "/var/log/wtmp": "wtmp", "/var/log/btmp": "btmp", "/run/utmp": "utmp" };
const ANALYSIS: Record<string, string[]> = { "/var/log/wtmp": ["sessions", "uptime"], "/var/log/btmp": ["failed_logins"], "/run/utmp": ["live_users"] };

describe("utmp resync: runs of implausible records in place keep the alignment", () => {
  const all = cases();

  it(`${all.length} damaged copies: good records equal utmpdump's reading of the undamaged file, damage named by offset`, async () => {
    for (const c of all) {
      const where = `${c.fixture}: records ${c.first}…${c.first + c.count - 1} = type ${c.type} + zeros`;
      const data = overwriteRun(fixture(c.fixture), c.first, c.count, c.type);
      const dump = parseUtmpdump(fixtureText(`${c.fixture}.utmpdump.txt`));
      const { records, outcome } = await run({ [c.glob]: data }, FN[c.glob]!);
      expect(outcome.reason, where).toBeUndefined();
      expect(records.length, where).toBe(dump.length);
      records.forEach((r, i) => {
        expect(r.offset, `${where} #${i}`).toBe(i * RECORD);
        if (i >= c.first && i < c.first + c.count) expect(r.ut_type, `${where} #${i}`).toBe(`UNKNOWN(${c.type})`);
        else compareWithDump(r, dump[i]!, `${where} #${i}`);
      });
      const offsets = Array.from({ length: c.count }, (_, k) => (c.first + k) * RECORD);
      expect(outcome.warnings, where).toEqual(
        offsets.map((offset) => ({ file: c.glob, offset, message: expect.stringContaining(`unknown ut_type ${c.type}`) })),
      );
      expect(outcome.errors, where).toEqual([{ file: c.glob, message: `corrupt file: ${c.count} implausible record${c.count > 1 ? "s" : ""}` }]);
    }
  });

  it("the analysis equals the analysis of the file without the damaged records (sessions, uptime, failed logins, live users)", async () => {
    for (const c of all) {
      const damaged = overwriteRun(fixture(c.fixture), c.first, c.count, c.type);
      const removed = removeRecords(fixture(c.fixture), c.first, c.count);
      for (const fn of ANALYSIS[c.glob]!) {
        const a = await run({ [c.glob]: damaged }, fn);
        const b = await run({ [c.glob]: removed }, fn);
        expect(a.records.map(strip), `${c.fixture} ${fn} records ${c.first}+${c.count}`).toEqual(b.records.map(strip));
      }
    }
  });

  it("through the CLI: exit 1, every damaged offset named, all 73 records, within ceilings", async () => {
    const data = overwriteRun(fixture("wtmp_basic"), 20, 10, 77);
    const host = makeHost(dir, "web10", { "var/log/wtmp": data });
    const r = await query([host, "-f", "wtmp", "-j"]);
    expect(r.code, describeRun(r)).toBe(1);
    const lines = r.stdout.toString().split("\n").filter((l) => l.includes('"_type": "record"'));
    expect(lines.length).toBe(73);
    for (let i = 20; i < 30; i++) expect(r.stderr).toContain(`/var/log/wtmp @ offset ${i * RECORD}: implausible record (unknown ut_type 77)`);
    expect(r.stderr).not.toMatch(/misaligned/);
    expect(r.wallMs, describeRun(r)).toBeLessThan(30_000);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
  });
});
