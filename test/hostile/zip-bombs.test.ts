// Zips that claim or hold more than they are worth, run through the real tools under the time/peak-RSS harness:
// a member claiming 4 GiB (a real 4 GiB of zeros in 4 MiB, and a bare claim), a member that inflates past its
// declared size, a 42.zip-style ratio (many members of zeros adding up past the budget), an end record claiming
// a million entries for a directory of three, and overlapping members sharing one stream (Fifield's bomb). Each
// ends with a clear message naming the member and offset, in bounded time and memory, the temp dir left empty.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { buildZip, crcOfZeros, deflated, stored, zerosStream } from "../fs/zipbuild.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-bombs-"));
const tmp = path.join(dir, "tmp");
fs.mkdirSync(tmp);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const LIMITS = { timeoutMs: 60_000, env: { QUARRY_TMPDIR: tmp } };
const hostname = stored("etc/hostname", "bombhost\n");

function write(name: string, data: Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

function bounded(r: BoundedRun, ms = 30_000, rssMb = 600): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(ms);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(rssMb);
  expect(fs.readdirSync(tmp), "the temp dir is empty afterwards").toEqual([]);
}

describe("zip bombs", () => {
  it("a member of 4 GiB of zeros (4 MiB deflated): refused before inflating, past the budget; the rest is read", async () => {
    const z = zerosStream(4096);
    const p = write("four-gib.zip", buildZip([hostname, { name: "var/zeros", data: z, method: 8, crc: crcOfZeros(4 * GiB), size: 4 * GiB }]));
    const ls = await runTool("target-fs", [p, "ls", "-l", "/var"], LIMITS);
    expect(ls.code, describeRun(ls)).toBe(0);
    expect(ls.stdout.toString()).toMatch(/4294967296/);
    const cat = await runTool("target-fs", [p, "cat", "/var/zeros"], LIMITS);
    expect(cat.code, describeRun(cat)).toBe(1);
    expect(cat.stderr).toMatch(/four-gib\.zip: member "var\/zeros" at central directory offset \d+ claims 4 GiB; .* more than 1 GiB \(the larger of 1 GiB and 100 × the [\d.]+ MiB compressed input\): refused/);
    expect(cat.stdout.length).toBe(0);
    bounded(cat);
    const host = await runTool("target-fs", ["-q", p, "cat", "/etc/hostname"], LIMITS);
    expect(host.stdout.toString()).toBe("bombhost\n");
  });

  it("a bare claim of 4 GiB from a few bytes: skipped at open as impossible for deflate", async () => {
    const p = write("claim.zip", buildZip([hostname, { ...deflated("var/claim", "tiny"), size: 4 * GiB }]));
    const r = await runTool("target-fs", [p, "ls", "/var"], LIMITS);
    expect(r.stderr).toMatch(/member "var\/claim" at central directory offset \d+: claims 4294967296 bytes from \d+ compressed bytes, more than deflate's 1032:1; skipped/);
    bounded(r);
  });

  it("a member that inflates past its declared size stops there, with an error naming it", async () => {
    const z = zerosStream(1024); // 1 GiB of zeros, declared as 1 MiB
    const p = write("liar.zip", buildZip([hostname, { name: "var/liar", data: z, method: 8, crc: 0, size: 1 * MiB }]));
    const r = await runTool("target-fs", [p, "cat", "/var/liar"], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/var\/liar|liar\.zip: member at central directory offset \d+ \(local header at \d+\): (inflates to more than its declared 1048576 bytes|\d+ compressed bytes claimed)/);
    bounded(r, 10_000);
  });

  it("42.zip-style ratio: 16 members of 32 MiB of zeros; with --max-inflate 64M the third is refused, the temp file goes", async () => {
    const z = zerosStream(32);
    const members = [hostname, ...Array.from({ length: 16 }, (_, i) => ({ name: `bomb/m${String(i).padStart(2, "0")}`, data: z, method: 8, crc: crcOfZeros(32 * MiB), size: 32 * MiB }))];
    const p = write("ratio.zip", buildZip(members));
    const out = fs.openSync("/dev/null", "w");
    try {
      const r = await runTool("target-fs", ["--max-inflate", "64M", p, "tar", "/bomb"], { ...LIMITS, stdout: out });
      expect(r.code, describeRun(r)).not.toBe(0);
      expect(r.stderr).toMatch(/member "bomb\/m02" at central directory offset \d+ claims 32 MiB; with the 64 MiB inflated before it, that is more than 64 MiB \(the --max-inflate/);
      bounded(r);
    } finally {
      fs.closeSync(out);
    }
  });

  it("an end record claiming 1,000,000 entries for a directory of three: read in a moment, with a warning", async () => {
    const p = write("million.zip", buildZip([hostname, stored("etc/a", "a"), stored("etc/b", "b")], { claimEntries: 1_000_000 }));
    const r = await runTool("target-fs", [p, "ls", "/etc"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString().trim().split("\n")).toEqual(["a", "b", "hostname"]);
    expect(r.stderr).toMatch(/the end record claims 1000000 entries, the \d+-byte central directory at offset \d+ holds 3/);
    bounded(r, 10_000, 300);
  });

  it("overlapping members sharing one stream (Fifield's non-recursive bomb): the first is read, the rest skipped", async () => {
    const z = zerosStream(8);
    const kernel = { name: "k/000", data: z, method: 8, crc: crcOfZeros(8 * MiB), size: 8 * MiB };
    const members = [hostname, kernel, ...Array.from({ length: 2000 }, (_, i) => ({ name: `k/${String(i + 1).padStart(4, "0")}`, data: Buffer.alloc(0), sameDataAs: 1 }))];
    const p = write("overlap.zip", buildZip(members));
    const r = await runTool("target-fs", [p, "ls", "/k"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString().trim()).toBe("000");
    expect(r.stderr).toMatch(/member "k\/0001" at central directory offset \d+: its data at \d+ overlaps member "k\/000" at \d+ \(a zip bomb shares one stream so\); skipped/);
    expect(r.stderr).toMatch(/… and 1900 more warnings of this kind \(overlapping members\)/);
    bounded(r, 10_000, 300);
    const zeros = zlib.inflateRawSync(z);
    expect(zeros.length).toBe(8 * MiB);
  });
});
