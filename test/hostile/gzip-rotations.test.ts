// gzip'd utmp rotations are streamed: inflated into memory up to 16 MiB, beyond it into an unlinked temporary
// file that is read by position (forwards and backwards), so memory stays flat whatever the inflated size; the
// rotations one function opens inflate to at most QUARRY_UTMP_MAX_INFLATE together (4 GiB), past it a file is
// refused as a bomb, naming it; a damaged stream is salvaged up to the damage. Inputs are small multi-member
// gzip files built at test time (a 1 MiB member of zeros repeated, then wtmp_basic): ~270 KB each that inflate
// to 256 MiB. Before the fix four of them cost 1410 MB RSS (each held whole, all at once); four of ~1 GiB
// passed 3 GB RSS (killed).
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fixture, run } from "../plugins/os/unix/log/utmp/helpers.js";
import { describeRun } from "./harness.js";
import { jsonRecords, makeHost, query, RECORD, tempDir } from "./utmp-gen.js";

const dir = tempDir("gzrot");
const tmp = path.join(dir, "quarry-tmp");
fs.mkdirSync(tmp);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const basic = fixture("wtmp_basic");
/** 2730 zero records (1,048,320 bytes) as one gzip member; members concatenate into one valid gzip stream. */
const ZERO_MEMBER = zlib.gzipSync(Buffer.alloc(RECORD * 2730), { level: 9 });
const BASIC_MEMBER = zlib.gzipSync(basic, { level: 9 });

/** A rotation that inflates to `members` MiB of zero records, then wtmp_basic's 73 records. */
function rotation(members: number, tail = BASIC_MEMBER): Buffer {
  return Buffer.concat([...Array.from({ length: members }, () => ZERO_MEMBER), tail]);
}

const ZERO_BYTES = (members: number): number => members * RECORD * 2730;

describe("gzip'd rotations: flat memory, a bound, salvage", () => {
  it("four rotations inflating to 256 MiB each (1 GiB), read backwards: every session, peak RSS flat, no temp file left", async () => {
    const gz = rotation(256);
    const host = makeHost(dir, "rot4", Object.fromEntries([1, 2, 3, 4].map((i) => [`var/log/wtmp.${i}.gz`, gz])));
    const r = await query([host, "-f", "sessions", "-j"], { QUARRY_TMPDIR: tmp }, 120_000);
    expect(r.code, describeRun(r)).toBe(0);
    // wtmp_basic's 24 sessions in each of the four files (one history: a session open at the end of an older
    // file is ended by the next file's boot, as in one long wtmp)
    const recs = jsonRecords(r);
    expect(recs.length).toBe(96);
    for (const i of [1, 2, 3, 4]) expect(recs.filter((x) => x.filepath === `/var/log/wtmp.${i}.gz`).length).toBe(24);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(400);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("the bound: past QUARRY_UTMP_MAX_INFLATE the file is refused as a bomb, naming it; the files before it are read", async () => {
    const gz = rotation(32);
    const host = makeHost(dir, "bomb", { "var/log/wtmp.2.gz": gz, "var/log/wtmp.1.gz": gz, "var/log/wtmp": basic });
    const r = await query([host, "-f", "uptime", "-j"], { QUARRY_TMPDIR: tmp, QUARRY_UTMP_MAX_INFLATE: String(50 * 1024 * 1024) });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/\/var\/log\/wtmp\.1\.gz: cannot read: inflates past \d+ bytes \(the bound left of QUARRY_UTMP_MAX_INFLATE\): refused as a decompression bomb/);
    expect(r.stderr).not.toMatch(/wtmp\.2\.gz: cannot read/);
    // uptime windows by the file of their boot: wtmp_basic's four in wtmp.2.gz and in wtmp, none from wtmp.1.gz
    const recs = jsonRecords(r);
    expect(recs.filter((x) => x.filepath === "/var/log/wtmp.2.gz").length).toBe(4);
    expect(recs.filter((x) => x.filepath === "/var/log/wtmp.1.gz").length).toBe(0);
    expect(recs.filter((x) => x.filepath === "/var/log/wtmp").length).toBe(4);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("a big rotation cut inside its last member: salvaged up to the cut (fflate), through the temp file, memory flat", async () => {
    const cut = BASIC_MEMBER.subarray(0, Math.floor(BASIC_MEMBER.length / 2));
    const host = makeHost(dir, "cut", { "var/log/wtmp.1.gz": rotation(48, cut) });
    const r = await query([host, "-f", "uptime", "-j"], { QUARRY_TMPDIR: tmp }, 120_000);
    expect(r.code, describeRun(r)).toBe(1);
    const m = /wtmp\.1\.gz: damaged gzip stream \([^)]*\); (\d+) bytes recovered/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const recovered = Number(m![1]);
    expect(recovered).toBeGreaterThan(ZERO_BYTES(48));
    expect(recovered).toBeLessThan(ZERO_BYTES(48) + basic.length);
    // the boots recovered are those of wtmp_basic's records before the cut
    const boots = [0, 12, 30, 48].filter((i) => ZERO_BYTES(48) + (i + 1) * RECORD <= recovered).length;
    expect(jsonRecords(r).length).toBe(boots);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(400);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it("in-process, every rotation through the temp file (QUARRY_GZIP_MEMORY_LIMIT=0): the same records as the plain file", async () => {
    const before = process.env.QUARRY_GZIP_MEMORY_LIMIT;
    process.env.QUARRY_GZIP_MEMORY_LIMIT = "0";
    try {
      const plain = await run({ "/var/log/wtmp": basic }, "sessions");
      const gz = await run({ "/var/log/wtmp.1.gz": zlib.gzipSync(basic) }, "sessions");
      const strip = (x: Record<string, unknown>): Record<string, unknown> => ({ ...x, _generated: null, filepath: null });
      expect(gz.records.map(strip)).toEqual(plain.records.map(strip));
      expect(gz.outcome.errors).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.QUARRY_GZIP_MEMORY_LIMIT;
      else process.env.QUARRY_GZIP_MEMORY_LIMIT = before;
    }
  });
});
