// Hostile and damaged input: truncated copies, corrupted blocks, bad magic, header-only files, gzip,
// unsupported versions. Every intact sample must still come out; damage that loses samples is an error naming
// file and offset (the run exits 1), a file that is not an atop log a warning.
import { describe, expect, it } from "vitest";
import { deflateSync, gzipSync } from "node:zlib";
import { fixture, runFn, targetWith } from "./helpers.js";

const FILE = "/var/log/atop/atop_20261121";
const RAW = fixture("atop_2.8.raw");

/** Sample boundaries of a raw file: [recordOffset, bodyEnd, sstatStart, tstatStart]. */
function samples(b: Buffer): { at: number; end: number; sstat: number; tstat: number }[] {
  const out = [];
  let pos = 480;
  while (pos + 96 <= b.length) {
    const s = b.readUInt32LE(pos + 16);
    const p = b.readUInt32LE(pos + 20);
    const c = b.readUInt32LE(pos + 72);
    const i = b.readUInt32LE(pos + 84);
    const end = pos + 96 + s + p + c + i;
    out.push({ at: pos, end, sstat: pos + 96, tstat: pos + 96 + s });
    pos = end;
  }
  return out;
}

async function tasksPerSample(data: Buffer) {
  const r = await runFn(targetWith({ atop_20261121: data }), "atop");
  const per = new Map<number, number>();
  for (const rec of r.records) {
    const s = (rec.ts as { seconds: number }).seconds;
    per.set(s, (per.get(s) ?? 0) + 1);
  }
  return { ...r, per: [...per.values()] };
}

describe("atop on damaged files", () => {
  const S = samples(RAW);
  const full = RAW;

  it("the fixture has 4 samples ending exactly at EOF", async () => {
    expect(S.length).toBe(4);
    expect(S[3]!.end).toBe(RAW.length);
    const r = await tasksPerSample(full);
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.per.length).toBe(4);
  });

  it("a file cut inside the last sample's tstat block keeps the 3 complete samples", async () => {
    const all = await tasksPerSample(full);
    const cut = RAW.subarray(0, S[3]!.tstat + 10);
    const r = await tasksPerSample(cut);
    expect(r.per).toEqual(all.per.slice(0, 3));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe(FILE);
    expect(r.errors[0]!.offset).toBe(S[3]!.at);
    expect(r.errors[0]!.message).toMatch(/file ends inside sample 4/);
  });

  it("a file cut inside a record header keeps the complete samples", async () => {
    const r = await tasksPerSample(RAW.subarray(0, S[2]!.at + 50));
    expect(r.per.length).toBe(2);
    expect(r.errors[0]!.offset).toBe(S[2]!.at);
    expect(r.errors[0]!.message).toMatch(/record header of sample 3/);
  });

  it("every cut point gives only complete samples and never throws", async () => {
    for (let cut = 0; cut < RAW.length; cut += 997) {
      const r = await tasksPerSample(RAW.subarray(0, cut));
      const complete = S.filter((s) => s.end <= cut).length;
      expect(r.per.length, `cut at ${cut}`).toBe(complete);
      expect(r.errors.length + r.warnings.length, `cut at ${cut}`).toBeGreaterThanOrEqual(cut === RAW.length || S.some((s) => s.end === cut) ? 0 : 1);
    }
  });

  it("random bytes in one sample's tstat block cost that sample only", async () => {
    const bad = Buffer.from(RAW);
    for (let k = 0; k < 16; k++) bad[S[1]!.tstat + 20 + k] = (k * 37 + 11) & 0xff;
    const all = await tasksPerSample(full);
    const r = await tasksPerSample(bad);
    expect(r.per).toEqual([all.per[0], all.per[2], all.per[3]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/corrupt tstat block in sample 2/);
    expect(r.errors[0]!.offset).toBe(S[1]!.tstat);
    expect(r.errors[0]!.file).toBe(FILE);
  });

  it("a corrupt sstat block skips that sample in atop.system", async () => {
    const bad = Buffer.from(RAW);
    bad.fill(0xa5, S[2]!.sstat + 4, S[2]!.sstat + 40);
    const r = await runFn(targetWith({ atop_20261121: bad }), "atop.system");
    expect(r.records).toHaveLength(3);
    expect(r.errors[0]!.message).toMatch(/corrupt sstat block in sample 3/);
    expect(r.errors[0]!.offset).toBe(S[2]!.sstat);
  });

  it("random noise across many seeds never crashes the run", async () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 40; round++) {
      const bad = Buffer.from(RAW);
      const n = 1 + Math.floor(rnd() * 20);
      for (let k = 0; k < n; k++) bad[480 + Math.floor(rnd() * (bad.length - 480))] = Math.floor(rnd() * 256);
      for (const fn of ["atop", "atop.system", "atop.disks", "atop.interfaces", "atop.processes"]) {
        const r = await runFn(targetWith({ atop_20261121: bad }), fn);
        expect(r.records.length).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("an impossible sample time skips that sample; an impossible start time gives start null", async () => {
    const bad = Buffer.from(RAW);
    bad.writeBigInt64LE(2n ** 62n, S[1]!.at);
    const all = await tasksPerSample(full);
    const r = await tasksPerSample(bad);
    expect(r.per).toEqual([all.per[0], all.per[2], all.per[3]]);
    expect(r.errors[0]).toMatchObject({ file: FILE, offset: S[1]!.at });
    expect(r.errors[0]!.message).toMatch(/implausible sample time in sample 2/);
  });

  it("bad magic: a warning naming the file, no records", async () => {
    const bad = Buffer.from(RAW);
    bad.writeUInt32LE(0x12345678, 0);
    const r = await tasksPerSample(bad);
    expect(r.records).toHaveLength(0);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: FILE, offset: 0 });
    expect(r.warnings[0]!.message).toMatch(/magic 0x12345678/);
  });

  it("a header with no samples: no records, no complaint", async () => {
    const r = await tasksPerSample(RAW.subarray(0, 480));
    expect(r.records).toHaveLength(0);
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it("a short header: a warning", async () => {
    const r = await tasksPerSample(RAW.subarray(0, 100));
    expect(r.records).toHaveLength(0);
    expect(r.warnings[0]!.message).toMatch(/too short/);
  });

  it("reads a gzip'd raw file (recognised by magic, whatever its name)", async () => {
    const all = await tasksPerSample(full);
    const r = await tasksPerSample(gzipSync(RAW));
    expect(r.per).toEqual(all.per);
  });

  it("a gzip'd file cut short keeps its complete samples, with an error", async () => {
    const gz = gzipSync(RAW);
    const r = await tasksPerSample(gz.subarray(0, Math.floor(gz.length * 0.8)));
    expect(r.per.length).toBeGreaterThanOrEqual(1);
    expect(r.per.length).toBeLessThan(4);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe(FILE);
  });

  it("a corrupt gzip stream: the samples before the damage, then a warning", async () => {
    const gz = Buffer.from(gzipSync(RAW, { level: 0 })); // stored blocks: the damage hits one sample's bytes
    for (let k = 0; k < 8; k++) gz[Math.floor(gz.length * 0.9) + k]! ^= 0xff;
    const r = await tasksPerSample(gz);
    expect(r.per.length).toBeGreaterThanOrEqual(2);
    expect(r.warnings.length + r.errors.length).toBeGreaterThanOrEqual(1);
  });

  it("a gzip'd non-atop file: bad magic warning", async () => {
    const r = await tasksPerSample(gzipSync(Buffer.alloc(10000, 7)));
    expect(r.records).toHaveLength(0);
    expect(r.warnings[0]!.message).toMatch(/magic/);
  });

  it("aversion without its MSB: the version comes from the length fields", async () => {
    const f = Buffer.from(RAW);
    f.writeUInt16LE(f.readUInt16LE(4) & 0x7fff, 4);
    const r = await runFn(targetWith({ atop_20261121: f }), "atop");
    expect(r.records.length).toBeGreaterThan(0);
    // 2.8 and 2.9 share sizes: the newest layout of the group decodes both (2.9's fields were zero in 2.8)
    expect(r.records[0]!.atop_version).toBe("2.9");
  });

  it("a 1.x file is refused with an error naming what was found", async () => {
    const f = Buffer.from(RAW.subarray(0, 480));
    f.writeUInt16LE(0x811a, 4);
    f.writeUInt16LE(80, 12);
    const r = await tasksPerSample(f);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.file).toBe(FILE);
    expect(r.errors[0]!.message).toMatch(/atop 1\.x raw file .*rawreclen 80/);
  });

  it("an unknown layout is refused with the sizes found", async () => {
    const f = Buffer.from(RAW.subarray(0, 480));
    f.writeUInt16LE(0x820e, 4); // a future 2.14
    f.writeUInt32LE(1500000, 28);
    const r = await tasksPerSample(f);
    expect(r.errors[0]!.message).toMatch(/unknown atop raw layout \(aversion 2\.14.*sstatlen 1500000/);
  });

  it("a block that inflates to more than promised is corruption, not a crash", async () => {
    // rebuild sample 1 with a tstat block one task larger than ndeviat says
    const s = S[0]!;
    const hdr = Buffer.from(RAW.subarray(s.at, s.at + 96));
    const sstat = RAW.subarray(s.sstat, s.tstat);
    const ndeviat = hdr.readUInt32LE(28);
    const tstat = deflateSync(Buffer.alloc((ndeviat + 1) * 968));
    hdr.writeUInt32LE(tstat.length, 20);
    const f = Buffer.concat([RAW.subarray(0, 480), hdr, sstat, tstat, RAW.subarray(S[1]!.at)]);
    const r = await tasksPerSample(f);
    expect(r.per.length).toBe(3);
    expect(r.errors[0]!.message).toMatch(/corrupt tstat block in sample 1/);
  });

  it("a directory of mixed files: non-atop files are skipped with a warning, atop files are read", async () => {
    const r = await runFn(targetWith({ atop_20261121: RAW, "atop.log": Buffer.from("daily log\n".repeat(100)) }), "atop");
    expect(r.records.length).toBeGreaterThan(0);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.file).toBe("/var/log/atop/atop.log");
  });
});
