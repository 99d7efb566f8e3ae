// Damaged files: every good record is kept, damage is reported by file and offset, nothing crashes.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../../../../../../src/cli/target-query.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { fixture, run } from "./helpers.js";
import { prng } from "../../../../../helpers/prng.js";

const S = 384;

function strip(r: AnyRecord): Record<string, unknown> {
  const { _generated: _g, ...rest } = r;
  return rest;
}

describe("truncated, corrupt, misaligned fixtures", () => {
  it("wtmp_truncated: 72 records, then a warning naming the offset and the 200 leftover bytes; not an error", async () => {
    const { records, outcome } = await run({ "/var/log/wtmp": fixture("wtmp_truncated") }, "wtmp");
    expect(records.length).toBe(72);
    expect(outcome.status).toBe("ok");
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([{ file: "/var/log/wtmp", offset: 72 * S, message: expect.stringMatching(/truncated tail: 200 bytes/) }]);
  });

  it("wtmp_corrupt: record 24 emitted as read (UNKNOWN(-12216)) with a warning at its offset; the file is an error", async () => {
    const base = (await run({ "/var/log/wtmp": fixture("wtmp_basic") }, "wtmp")).records;
    const { records, outcome } = await run({ "/var/log/wtmp": fixture("wtmp_corrupt") }, "wtmp");
    expect(records.length).toBe(73);
    expect(records[24]!.ut_type).toBe("UNKNOWN(-12216)");
    expect(records[24]!.ut_pid).toBe(1907400438);
    records.forEach((r, i) => i !== 24 && expect(strip(r)).toEqual(strip(base[i]!)));
    expect(outcome.warnings).toEqual([{ file: "/var/log/wtmp", offset: 24 * S, message: expect.stringMatching(/implausible record \(unknown ut_type -12216\)/) }]);
    expect(outcome.errors).toEqual([{ file: "/var/log/wtmp", message: "corrupt file: 1 implausible record" }]);
    expect(outcome.status).toBe("error");
  });

  it("wtmp_corrupt_misaligned: the 100 inserted bytes are reported and skipped; all 73 records decode", async () => {
    const base = (await run({ "/var/log/wtmp": fixture("wtmp_basic") }, "wtmp")).records;
    const { records, outcome } = await run({ "/var/log/wtmp": fixture("wtmp_corrupt_misaligned") }, "wtmp");
    expect(records.length).toBe(73);
    records.forEach((r, i) => {
      const b = strip(base[i]!);
      expect(strip(r)).toEqual({ ...b, offset: i < 30 ? i * S : i * S + 100 });
    });
    expect(outcome.warnings).toEqual([
      { file: "/var/log/wtmp", offset: 11520, message: "file misaligned: 100 bytes of unrecognised data skipped; records resume at offset 11620" },
    ]);
    expect(outcome.errors.length).toBe(1);
  });

  it("target-query exit codes: 0 for a truncated tail, 1 for a corrupt file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-utmp-"));
    try {
      const code = async (name: string): Promise<[number, string]> => {
        fs.mkdirSync(path.join(dir, name, "var/log"), { recursive: true });
        fs.mkdirSync(path.join(dir, name, "etc"), { recursive: true });
        fs.writeFileSync(path.join(dir, name, "etc/hostname"), "web01\n");
        fs.writeFileSync(path.join(dir, name, "var/log/wtmp"), fixture(name));
        const out = new PassThrough();
        const err = new PassThrough();
        let stderr = "";
        err.on("data", (d: Buffer) => (stderr += d.toString()));
        out.resume();
        const rc = await main([path.join(dir, name), "-f", "wtmp,sessions", "-j"], { stdout: out, stderr: err, stdoutIsTTY: false });
        return [rc, stderr];
      };
      expect((await code("wtmp_truncated"))[0]).toBe(0);
      const [rc, stderr] = await code("wtmp_corrupt");
      expect(rc).toBe(1);
      expect(stderr).toMatch(/\/var\/log\/wtmp @ offset 9216: implausible record/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});


describe("fuzz: truncated and corrupted copies never crash and keep the good records", () => {
  const basic = fixture("wtmp_basic");
  let baseByOffset: Map<number, Record<string, unknown>>;

  async function decode(data: Uint8Array) {
    const r = await run({ "/var/log/wtmp": data }, "wtmp");
    expect(r.outcome.reason).toBeUndefined(); // the function never threw
    for (const fn of ["sessions", "uptime"]) {
      const a = await run({ "/var/log/wtmp": data }, fn);
      expect(a.outcome.reason).toBeUndefined();
    }
    return r;
  }

  it("setup", async () => {
    const base = (await run({ "/var/log/wtmp": basic }, "wtmp")).records;
    baseByOffset = new Map(base.map((r) => [r.offset as number, strip(r)]));
  });

  it("truncation at 40 random lengths", async () => {
    const rnd = prng(1);
    for (let k = 0; k < 40; k++) {
      const len = Math.floor(rnd() * basic.length);
      const { records } = await decode(basic.subarray(0, len));
      expect(records.length).toBe(Math.floor(len / S));
      for (const r of records) expect(strip(r)).toEqual(baseByOffset.get(r.offset as number));
    }
  });

  it("40 records overwritten with random bytes in place", async () => {
    const rnd = prng(2);
    for (let k = 0; k < 40; k++) {
      const data = Buffer.from(basic);
      const victim = Math.floor(rnd() * 73);
      const start = victim * S + Math.floor(rnd() * S);
      const len = 1 + Math.floor(rnd() * (victim * S + S - start));
      for (let i = 0; i < len; i++) data[start + i] = Math.floor(rnd() * 256);
      const { records } = await decode(data);
      expect(records.length).toBe(73);
      for (const r of records) if (r.offset !== victim * S) expect(strip(r)).toEqual(baseByOffset.get(r.offset as number));
    }
  });

  it("40 random insertions (1–1000 bytes at any position): records before and after are kept", async () => {
    const rnd = prng(3);
    for (let k = 0; k < 40; k++) {
      const at = Math.floor(rnd() * basic.length);
      const n = 1 + Math.floor(rnd() * 1000);
      const junk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) junk[i] = Math.floor(rnd() * 256);
      const data = Buffer.concat([basic.subarray(0, at), junk, basic.subarray(at)]);
      const { records } = await decode(data);
      const got = new Map(records.map((r) => [r.offset as number, strip(r)]));
      for (const [off, want] of baseByOffset) {
        if (off + S <= at) expect(got.get(off), `insert ${n}@${at}: record @${off}`).toEqual(want);
        else if (off >= at) expect(got.get(off + n), `insert ${n}@${at}: record @${off}+${n}`).toEqual({ ...want, offset: off + n });
      }
    }
  });

  it("random files of random sizes", async () => {
    const rnd = prng(4);
    for (let k = 0; k < 20; k++) {
      const data = Buffer.alloc(Math.floor(rnd() * 5000));
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
      await decode(data);
      const b = await run({ "/var/log/btmp": data }, "failed_logins", { by: "addr" });
      expect(b.outcome.reason).toBeUndefined();
    }
  });
});

describe("damaged gzip rotations", () => {
  const gz = fixture("wtmp_basic.1.gz");
  it("a truncated .gz gives the records inflated before the cut, an error and a tail warning", async () => {
    const { records, outcome } = await run({ "/var/log/wtmp.1.gz": gz.subarray(0, 800) }, "wtmp");
    expect(records.length).toBe(Math.floor(13320 / S));
    expect(outcome.errors).toEqual([{ file: "/var/log/wtmp.1.gz", message: expect.stringMatching(/damaged gzip stream .*13320 bytes recovered/) }]);
    expect(outcome.warnings.map((w) => w.offset)).toEqual([34 * S]);
  });
  it("a corrupted .gz never crashes", async () => {
    const rnd = prng(5);
    for (let k = 0; k < 20; k++) {
      const b = Buffer.from(gz);
      const at = 10 + Math.floor(rnd() * (b.length - 10));
      b[at] = b[at]! ^ (1 + Math.floor(rnd() * 255));
      const r = await run({ "/var/log/wtmp.1.gz": b }, "sessions");
      expect(r.outcome.reason).toBeUndefined();
    }
  });
});
