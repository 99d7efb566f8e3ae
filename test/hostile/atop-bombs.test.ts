// atop raw files that claim more than they are worth, built from the real 2.13 fixture. Before: 65,535 nested
// cgroups in one sample built paths of quadratic total length (killed at 60 s and 2.5 GB after writing 2.4 GB of
// JSON); a sample whose task block claimed 512 MiB (a 518 KB zlib stream of zeros) was inflated and decoded into
// 541,200 empty tasks (15 s, 1.1 GB, exit 0). Now cgroups deeper than 64 levels or with paths past PATH_MAX are left
// out with an error naming the block's offset, a sample claiming more than the per-sample cap (256 MiB) is skipped
// with an error and the next samples are read, and damage that loses samples makes the run exit 1 (§5).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, ROOT, runTool, type BoundedRun } from "./harness.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-atop-bombs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const RAW = fs.readFileSync(path.join(ROOT, "fixtures/atop/atop_2.13.raw"));
const FILE = "/var/log/atop/atop_20261121";
const LIMITS = { timeoutMs: 60_000 };
const TSTATLEN = 992; // atop 2.13
const CSTAT = 432; // fixed part of struct cstat (2.11+)
const RRCGRSTAT = 0x100;

interface RawSample {
  at: number;
  hdr: Buffer;
  sstat: Buffer;
  tstat: Buffer;
  rest: Buffer; // cstat + pid list blocks
}

function samplesOf(b: Buffer): RawSample[] {
  const out: RawSample[] = [];
  for (let pos = 480; pos + 96 <= b.length; ) {
    const s = b.readUInt32LE(pos + 16);
    const p = b.readUInt32LE(pos + 20);
    const c = b.readUInt32LE(pos + 72);
    const i = b.readUInt32LE(pos + 84);
    const body = pos + 96;
    out.push({ at: pos, hdr: b.subarray(pos, body), sstat: b.subarray(body, body + s), tstat: b.subarray(body + s, body + s + p), rest: b.subarray(body + s + p, body + s + p + c + i) });
    pos = body + s + p + c + i;
  }
  return out;
}
const SAMPLES = samplesOf(RAW);
const raw = (s: RawSample): Buffer => Buffer.concat([s.hdr, s.sstat, s.tstat, s.rest]);

/** Sample 1 with its cgroup block replaced: `names[i]` nested under `names[i-1]` (the first is the root, ""). */
function withCgroups(names: string[]): Buffer {
  const recs = names.map((name, k) => {
    const len = Math.ceil((CSTAT + Buffer.byteLength(name) + 1) / 8) * 8;
    const r = Buffer.alloc(len);
    r.writeInt32LE(len, 0); // structlen
    r.writeInt32LE(k, 4); // sequence
    r.writeInt32LE(k - 1, 8); // parentseq (-1: the root)
    r.writeInt32LE(k, 12); // depth
    r.writeInt32LE(Buffer.byteLength(name), 24); // namelen
    r.write(name, CSTAT);
    return r;
  });
  const cstat = Buffer.concat(recs);
  const cz = zlib.deflateSync(cstat);
  const hdr = Buffer.from(SAMPLES[0]!.hdr);
  hdr.writeUInt16LE(hdr.readUInt16LE(8) | RRCGRSTAT, 8);
  hdr.writeUInt16LE(names.length, 10); // ncgroups
  hdr.writeUInt32LE(cz.length, 72); // ccomplen
  hdr.writeUInt32LE(cstat.length, 76); // coriglen
  hdr.writeUInt32LE(0, 80); // ncgpids
  hdr.writeUInt32LE(0, 84); // icomplen
  return Buffer.concat([hdr, SAMPLES[0]!.sstat, SAMPLES[0]!.tstat, cz]);
}

/** Sample 1 with a task block that claims `ndeviat` tasks: a real zlib stream of that many zeroed tasks. */
function withTaskClaim(ndeviat: number): Buffer {
  const total = ndeviat * TSTATLEN;
  const MiB = 1024 * 1024;
  const zero = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const parts = [Buffer.from([0x78, 0xda])];
  let left = total;
  for (; left >= MiB; left -= MiB) parts.push(zero);
  parts.push(zlib.deflateRawSync(Buffer.alloc(left), { level: 9 }));
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0); // Adler-32 of zeros: a = 1, b = n mod 65521
  parts.push(adler);
  const tz = Buffer.concat(parts);
  const hdr = Buffer.from(SAMPLES[0]!.hdr);
  hdr.writeUInt16LE(hdr.readUInt16LE(8) & ~RRCGRSTAT, 8);
  hdr.writeUInt16LE(0, 10);
  hdr.writeUInt32LE(tz.length, 20); // pcomplen
  hdr.writeUInt32LE(ndeviat, 28);
  for (const o of [72, 76, 80, 84]) hdr.writeUInt32LE(0, o);
  return Buffer.concat([hdr, SAMPLES[0]!.sstat, tz]);
}

function target(name: string, files: Record<string, Buffer>): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var/log/atop"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/hostname"), `${name}\n`);
  for (const [f, data] of Object.entries(files)) fs.writeFileSync(path.join(root, "var/log/atop", f), data);
  return root;
}

function records(r: BoundedRun): Record<string, unknown>[] {
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l.startsWith("{") && !l.startsWith('{"_type": "recorddescriptor"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const perSample = (recs: Record<string, unknown>[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const r of recs) m.set(r.ts as string, (m.get(r.ts as string) ?? 0) + 1);
  return m;
};

function bounded(r: BoundedRun): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(30_000);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
}

describe("atop bombs", () => {
  const header = RAW.subarray(0, 480);
  const after = SAMPLES.slice(1).map(raw);

  it("65,535 nested cgroups: 64 levels kept, the rest left out with an error naming the block; later samples read", async () => {
    const deep = Buffer.concat([header, withCgroups(["", ...Array.from({ length: 65_534 }, () => "c")]), ...after]);
    // and a file whose cgroup names are long: the path passes PATH_MAX before 64 levels
    const long = Buffer.concat([header, withCgroups(["", ...Array.from({ length: 30 }, (_, k) => `${k}`.padStart(200, "n"))]), ...after]);
    const t = target("deepcg", { atop_20261121: deep, atop_20261122: long });
    const r = await runTool("target-query", ["-f", "atop.cgroups", "-j", t], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    const cstatAt = 480 + 96 + SAMPLES[0]!.sstat.length + SAMPLES[0]!.tstat.length;
    expect(r.stderr).toContain(`${FILE} @ offset ${cstatAt}: cgroup block of sample 1: 65470 of 65535 cgroups left out (from record 65: nested deeper than 64 levels)`);
    expect(r.stderr).toMatch(/atop_20261122 @ offset \d+: cgroup block of sample 1: 10 of 31 cgroups left out \(from record 21: path longer than 4096 bytes\)/);
    const recs = records(r);
    const fromDeep = recs.filter((x) => x.filepath === FILE);
    expect(perSample(fromDeep).size).toBe(4); // the three samples after the bomb are there
    const paths = fromDeep.map((x) => x.path as string);
    expect(paths).toContain("/" + Array(64).fill("c").join("/"));
    expect(Math.max(...paths.map((p) => p.length))).toBeLessThanOrEqual(4096);
    bounded(r);
  });

  it("a sample whose task block claims 512 MiB is skipped with an error; the other samples' tasks all come (plain and gzip'd)", async () => {
    const good = await runTool("target-query", ["-f", "atop", "-j", target("plain", { atop_20261121: RAW })], LIMITS);
    expect(good.code, describeRun(good)).toBe(0);
    const want = [...perSample(records(good)).entries()].slice(1);
    const ndeviat = Math.floor((512 * 1024 * 1024) / TSTATLEN);
    const bombFile = Buffer.concat([header, withTaskClaim(ndeviat), ...after]);
    for (const [name, data] of [["atop_20261121", bombFile], ["atop_20261121.gz", zlib.gzipSync(bombFile)]] as const) {
      const r = await runTool("target-query", ["-f", "atop", "-j", target(`bigtask-${name}`, { [name]: data })], LIMITS);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toContain(`/var/log/atop/${name} @ offset 480: sample 1 claims ${ndeviat * TSTATLEN} bytes of task and cgroup data`);
      expect(r.stderr).toMatch(/more than the per-sample cap of 268435456 \(QUARRY_ATOP_MAX_SAMPLE\); sample skipped/);
      expect([...perSample(records(r)).entries()]).toEqual(want);
      bounded(r);
    }
  });

  it("QUARRY_ATOP_MAX_SAMPLE lowers the cap: the fixture's own samples are then refused, one error each", async () => {
    const r = await runTool("target-query", ["-f", "atop.system", "-j", target("capped", { atop_20261121: RAW })], { ...LIMITS, env: { QUARRY_ATOP_MAX_SAMPLE: "1K" } });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr.match(/^error: .*more than the per-sample cap of 1024 /gm)).toHaveLength(4);
    expect(records(r)).toHaveLength(0);
  });

  it("a file cut inside its last sample keeps the complete ones and exits 1 (lost samples are an error)", async () => {
    const cut = RAW.subarray(0, SAMPLES[3]!.at + 200);
    const r = await runTool("target-query", ["-f", "atop.system", "-j", target("cut", { atop_20261121: cut })], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`error: .*${FILE} @ offset ${SAMPLES[3]!.at}: file ends inside sample 4`));
    expect(records(r)).toHaveLength(3);
  });
});
