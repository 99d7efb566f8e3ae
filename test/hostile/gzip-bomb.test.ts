// gzip bombs: a small tar.gz that inflates to gigabytes of zeros. Before the budget, a 20 MB one filled the temp
// dir with 20 GiB (killed at 5 GB after 23 s). Now inflation stops at the budget (the larger of 1 GiB and 100 × the
// compressed size, or --max-inflate / QUARRY_MAX_INFLATE) with an error naming the compressed and inflated offsets,
// the temp file is gone, and a full temp disk is a clean error for that target. The bombs are made at test time by
// repeating one full-flushed deflate chunk of 1 MiB of zeros (instant whatever the size); the CRC of the zeros is
// computed by polynomial arithmetic, so each bomb is a valid gzip that would inflate to the end.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { header } from "../fs/tarbuild.js";
import { describeRun, ROOT, runTool } from "./harness.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-gzip-bomb-"));
const tmp = path.join(dir, "tmp");
fs.mkdirSync(tmp);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// CRC-32 of data followed by n zero bytes, without touching n bytes: the register is multiplied by x^(8n) mod P.
const POLY = 0xedb88320;
function mulModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}
function xPow8nModP(n: number): number {
  let sq = 0x40000000; // x^1, then x^2, x^4, … (bit k of n → x^(2^k · 8) once the first three squarings are done)
  for (let k = 0; k < 3; k++) sq = mulModP(sq, sq);
  let p = 0x80000000; // x^0
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2) p = mulModP(sq, p);
    sq = mulModP(sq, sq);
  }
  return p;
}
const crcWithZeros = (crc: number, n: number): number => (mulModP(xPow8nModP(n), (crc ^ 0xffffffff) >>> 0) ^ 0xffffffff) >>> 0;

/** A tar.gz of one member of zeros that inflates to `total` bytes; returns its path. */
function bomb(name: string, total: number): string {
  const hdr = header({ name: "bomb/zeros", size: total - 512 - 1024 });
  const zero = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const parts = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), zlib.deflateRawSync(hdr, { finishFlush: zlib.constants.Z_FULL_FLUSH })];
  let left = total - 512;
  for (; left >= MiB; left -= MiB) parts.push(zero);
  parts.push(zlib.deflateRawSync(Buffer.alloc(left), { level: 9 }));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crcWithZeros(zlib.crc32(hdr), total - 512), 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  parts.push(trailer);
  const p = path.join(dir, name);
  fs.writeFileSync(p, Buffer.concat(parts));
  return p;
}

const env = { QUARRY_TMPDIR: tmp };
const LIMITS = { timeoutMs: 60_000 };
const CEIL = { ms: 30_000, rssMb: 600 };
const STOPPED = /stopped at compressed offset \d+, inflated offset \d+/;

function bounded(r: Awaited<ReturnType<typeof runTool>>): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(CEIL.ms);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(CEIL.rssMb);
  expect(fs.readdirSync(tmp), "the temp dir is empty afterwards").toEqual([]);
}

describe("gzip bombs", () => {
  it("the generator makes a valid gzip (the CRC of the zeros is right)", () => {
    const p = bomb("small.tar.gz", 3 * MiB + 123);
    expect(zlib.gunzipSync(fs.readFileSync(p)).length).toBe(3 * MiB + 123);
  });

  it("a 4 MB gzip inflating to 4 GiB stops at --max-inflate with the offsets, for target-query and target-fs", async () => {
    const p = bomb("bomb4g.tar.gz", 4 * GiB - 1);
    expect(fs.statSync(p).size).toBeLessThan(30 * MiB);
    const r = await runTool("target-query", ["-f", "hostname", "-j", "--max-inflate", "64M", p], { ...LIMITS, env });
    expect(r.code, describeRun(r)).toBe(3); // the only target could not be opened
    expect(r.stderr).toContain(`${p}: loader tar failed: gzip inflates to more than 64 MiB`);
    expect(r.stderr).toMatch(STOPPED);
    bounded(r);
    const f = await runTool("target-fs", ["--max-inflate", "32M", p, "ls", "/"], { ...LIMITS, env });
    expect(f.code, describeRun(f)).toBe(3);
    expect(f.stderr).toMatch(/gzip inflates to more than 32 MiB .*stopped at compressed offset/);
    bounded(f);
  });

  it("QUARRY_MAX_INFLATE sets the limit too (target-info); a value that is not a size is a usage error", async () => {
    const p = bomb("bomb-env.tar.gz", 1 * GiB);
    const r = await runTool("target-info", [p], { ...LIMITS, env: { ...env, QUARRY_MAX_INFLATE: "16M" } });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stderr).toMatch(/gzip inflates to more than 16 MiB \(the --max-inflate \/ QUARRY_MAX_INFLATE limit\)/);
    bounded(r);
    const u = await runTool("target-query", ["-f", "hostname", "--max-inflate", "lots", p], { ...LIMITS, env });
    expect(u.code, describeRun(u)).toBe(2);
    expect(u.stderr).toMatch(/--max-inflate: expected a size/);
  });

  it("by default a bomb stops at 1 GiB (its 100× ratio is far below): 1.2 GiB from a 1.2 MB file is refused", async () => {
    const p = bomb("bomb-default.tar.gz", 1.2 * GiB);
    const r = await runTool("target-fs", [p, "ls", "/"], { ...LIMITS, env });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stderr).toMatch(/gzip inflates to more than 1 GiB \(the larger of 1 GiB and 100 × the 1\.\d MiB compressed input\)/);
    expect(r.stderr).toMatch(STOPPED);
    bounded(r);
  });

  it("an archive within the budget opens (and --max-inflate raises or lowers the limit)", async () => {
    const p = bomb("ok.tar.gz", 48 * MiB);
    const ok = await runTool("target-fs", [p, "stat", "/bomb/zeros"], { ...LIMITS, env });
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.stdout.toString()).toMatch(/size: 50330112\n/);
    bounded(ok);
    const low = await runTool("target-fs", ["--max-inflate=8M", p, "stat", "/bomb/zeros"], { ...LIMITS, env });
    expect(low.code, describeRun(low)).toBe(3);
  });

  it("one bomb in a fleet costs only its target: the good one's records come, exit 1", async () => {
    const fleet = path.join(dir, "fleet");
    fs.mkdirSync(fleet);
    fs.renameSync(bomb("a-bomb.tar.gz", 2 * GiB), path.join(fleet, "a-bomb.tar.gz"));
    fs.copyFileSync(path.join(ROOT, "fixtures/hosts/web01.tar"), path.join(fleet, "web01.tar"));
    const r = await runTool("target-query", ["-f", "hostname", "-j", "--max-inflate", "64M", "--jobs", "2", fleet], { ...LIMITS, env });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout.toString()).toContain('"value": "web01"');
    expect(r.stderr).toMatch(/a-bomb\.tar\.gz: loader tar failed: gzip inflates to more than 64 MiB/);
    bounded(r);
  });

  // A full temp disk: a 8 MiB tmpfs (needs root and mount; skipped elsewhere).
  const small = path.join(dir, "small");
  const canMount = ((): boolean => {
    if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
    try {
      fs.mkdirSync(small);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", small], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  afterAll(() => {
    if (canMount) execFileSync("umount", [small], { stdio: "ignore" });
  });

  it.skipIf(!canMount)("a full temp disk (ENOSPC) is a clean error for that target, naming the offsets and the temp dir", async () => {
    const p = bomb("bomb-enospc.tar.gz", 256 * MiB);
    const r = await runTool("target-query", ["-f", "hostname", "-j", p], { ...LIMITS, env: { QUARRY_TMPDIR: small, QUARRY_GZIP_MEMORY_LIMIT: "0" } });
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stderr).toContain(`no space left for the inflated archive in the temp dir ${small} (ENOSPC)`);
    expect(r.stderr).toMatch(STOPPED);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.readdirSync(small)).toEqual([]);
  });
});
