// Journal files that claim more than they hold, made from the real fixture journals: header counts, sizes and
// offsets past the end, entry arrays that point to themselves or form a cycle, object sizes of 2^63, DATA
// objects claiming a 4 GiB payload (stored, or a zstd frame that says so, or one that would inflate that far),
// and a chain of 30,000 entry arrays. target-query runs as a child with a wall-clock ceiling and its peak RSS
// measured: every case ends in bounded time and memory (the file's size plus a constant), every intact entry is
// read, and each lie is an error naming the file and the byte offset (exit 1).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutOf, type Layout } from "../plugins/os/unix/log/journal/layout.js";
import { describeRun, ROOT, runTool, type BoundedRun } from "./harness.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-journal-hostile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const LIMITS = { timeoutMs: 120_000 };
const MIB = 1024 * 1024;

/** compact, keyed hash, zstd (systemd 252's default); and regular with 64-bit offsets, jenkins hash */
const COMPACT = fs.readFileSync(path.join(ROOT, "fixtures/journal/v252-default.journal"));
const REGULAR = fs.readFileSync(path.join(ROOT, "fixtures/journal/v252-nocompact-unkeyed.journal"));
const ENTRIES = layoutOf(COMPACT).entries.length;

const setU64 = (b: Buffer, at: number, v: bigint | number) => b.writeBigUInt64LE(BigInt(v), at);
const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

/** The entry array chain from the header, as offsets. */
function chain(b: Buffer): number[] {
  const out: number[] = [];
  for (let a = u64(b, 176); a !== 0 && out.length < 10_000; a = u64(b, a + 16)) out.push(a);
  return out;
}

/** A target of one machine-id directory per file, each holding `system.journal`. */
function target(name: string, files: Record<string, Buffer>): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/hostname"), `${name}\n`);
  for (const [machine, data] of Object.entries(files)) {
    fs.mkdirSync(path.join(root, "var/log/journal", machine), { recursive: true });
    fs.writeFileSync(path.join(root, "var/log/journal", machine, "system.journal"), data);
  }
  return root;
}

const fileOf = (machine: string) => `/var/log/journal/${machine}/system.journal`;

function records(r: BoundedRun): Record<string, unknown>[] {
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l.startsWith("{") && !l.startsWith('{"_type": "recorddescriptor"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function count(recs: Record<string, unknown>[], machine: string): number {
  return recs.filter((x) => x.filepath === fileOf(machine)).length;
}

/** An error line naming the file and offset, with the message matching. */
function expectError(r: BoundedRun, machine: string, offset: number, message: RegExp): void {
  const lines = r.stderr.split("\n").filter((l) => l.includes(`${fileOf(machine)} @ offset ${offset}:`));
  expect(
    lines.some((l) => /^error/.test(l) && message.test(l)),
    `no error at ${fileOf(machine)} @ offset ${offset} matching ${message}; stderr:\n${r.stderr.slice(0, 4000)}`,
  ).toBe(true);
}

let baselineMb = 0;

/** Bounded: no timeout, under 60 s, and at most the input's size plus 120 MiB more than a run on the pristine file. */
function bounded(r: BoundedRun, inputBytes: number): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(60_000);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(baselineMb + inputBytes / MIB + 120);
}

beforeAll(async () => {
  const r = await runTool("target-query", ["-f", "journal", "-j", target("pristine", { m0: COMPACT })], LIMITS);
  expect(r.code, describeRun(r)).toBe(0);
  expect(records(r)).toHaveLength(ENTRIES);
  baselineMb = r.peakRssMb ?? 0;
}, 120_000);

describe("journal: hostile headers", () => {
  it("header claims past the end: arena, counts, hash tables, tail object, entry array offset; every entry still read", async () => {
    const HUGE = 2n ** 62n;
    const cases: Record<string, [(b: Buffer) => void, number, RegExp][]> = {};
    const add = (machine: string, edit: (b: Buffer) => void, offset: number, message: RegExp) => (cases[machine] ??= []).push([edit, offset, message]);
    add("arena", (b) => setU64(b, 96, HUGE), 524288, /warning|truncated/);
    add("nentries", (b) => setU64(b, 152, 2n ** 50n), 152, /n_entries 1125899906842624 is more than the arena's/);
    add("nobjects", (b) => setU64(b, 144, HUGE), 144, /n_objects \d+ is more than the arena's/);
    add("datahash", (b) => (setU64(b, 104, HUGE), setU64(b, 112, HUGE)), 104, /data hash table at \d+ \(\d+ bytes\) is not inside the arena/);
    add("fieldhash", (b) => setU64(b, 120, 2n ** 63n), 120, /field hash table at 9223372036854775808 .* is not inside the arena/);
    add("tail", (b) => setU64(b, 136, 2n ** 63n), 136, /tail_object_offset 9223372036854775808 is not an object offset/);
    add("arrays", (b) => setU64(b, 176, 2n ** 63n - 8n), 176, /entry_array_offset 9223372036854775800 is not an object offset .* found by a scan/);
    const files: Record<string, Buffer> = {};
    for (const [machine, edits] of Object.entries(cases)) {
      for (const [i, base] of [COMPACT, REGULAR].entries()) {
        const b = Buffer.from(base);
        for (const [edit] of edits) edit(b);
        files[`${machine}-${i}`] = b;
      }
    }
    const r = await runTool("target-query", ["-f", "journal", "-j", target("claims", files)], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    const recs = records(r);
    for (const [machine, edits] of Object.entries(cases)) {
      for (const i of [0, 1]) {
        expect(count(recs, `${machine}-${i}`), `${machine}-${i}`).toBe(ENTRIES);
        for (const [, offset, message] of edits) {
          if (machine === "arena") expect(r.stderr).toMatch(new RegExp(`^warning: .*${fileOf(`${machine}-${i}`)} @ offset ${offset}: truncated: the file is 524288 bytes, its header says 461168601842738\\d+`, "m"));
          else expectError(r, `${machine}-${i}`, offset, message);
        }
      }
    }
    bounded(r, Object.values(files).reduce((n, b) => n + b.length, 0));
  });

  it("a header_size past the end, or one that is no header size: the file is refused with an error at offset 0", async () => {
    const files = { big: Buffer.from(COMPACT), odd: Buffer.from(COMPACT) };
    setU64(files.big, 88, 2n ** 63n);
    setU64(files.odd, 88, 263);
    const r = await runTool("target-query", ["-f", "journal", "-j", target("hdrsize", files)], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    expectError(r, "big", 0, /header_size 9223372036854775808 is past the end of the file/);
    expectError(r, "odd", 0, /header_size 263 is not a header size/);
    expect(records(r)).toHaveLength(0);
    bounded(r, 2 * COMPACT.length);
  });

  it("entry arrays that point to themselves or form a cycle: no loop, every entry read by the scan, the link reported", async () => {
    const files: Record<string, Buffer> = {};
    const links: Record<string, number> = {};
    for (const [i, base] of [COMPACT, REGULAR].entries()) {
      const self = Buffer.from(base);
      const [a] = chain(self);
      setU64(self, a! + 16, a!);
      files[`self-${i}`] = self;
      links[`self-${i}`] = a!;
      const cycle = Buffer.from(base);
      const c = chain(cycle);
      setU64(cycle, c[3]! + 16, c[1]!);
      files[`cycle-${i}`] = cycle;
      links[`cycle-${i}`] = c[3]!;
    }
    const r = await runTool("target-query", ["-f", "journal", "-j", target("cycles", files)], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    const recs = records(r);
    for (const [machine, at] of Object.entries(links)) {
      expect(count(recs, machine), machine).toBe(ENTRIES);
      expectError(r, machine, at, /next_entry_array_offset \d+ does not lead forward/);
    }
    bounded(r, Object.values(files).reduce((n, b) => n + b.length, 0));
  });

  it("object sizes of 2^63 (DATA, ENTRY, ENTRY_ARRAY) and a DATA object claiming a 4 GiB payload: errors at the objects, the rest read", async () => {
    const files: Record<string, Buffer> = {};
    const expects: [string, number, RegExp, number][] = [];
    for (const [i, base] of [COMPACT, REGULAR].entries()) {
      const l: Layout = layoutOf(base);
      // the DATA object most entries share (_MACHINE_ID or _HOSTNAME): every entry loses that one field
      const shared = l.entries[0]!.spans.slice(1).find((s) => l.entries.every((e) => e.spans.includes(s)))!;
      const data = Buffer.from(base);
      setU64(data, shared.offset + 8, 2n ** 63n);
      files[`data-${i}`] = data;
      expects.push([`data-${i}`, shared.offset, /DATA object of 9223372036854775808 bytes runs past the end/, ENTRIES]);
      const entry = Buffer.from(base);
      const victim = l.entries[5]!;
      setU64(entry, victim.offset + 8, 2n ** 63n);
      files[`entry-${i}`] = entry;
      expects.push([`entry-${i}`, victim.offset, /ENTRY object of 9223372036854775808 bytes runs past the end/, ENTRIES - 1]);
      const arrays = Buffer.from(base);
      const a = chain(arrays)[2]!;
      setU64(arrays, a + 8, 2n ** 63n);
      files[`array-${i}`] = arrays;
      expects.push([`array-${i}`, a, /ENTRY_ARRAY object of 9223372036854775808 bytes runs past the end/, ENTRIES]);
      const four = Buffer.from(base);
      setU64(four, shared.offset + 8, 2n ** 32n + 72n);
      four[shared.offset + 1] = 4; // OBJECT_COMPRESSED_ZSTD
      files[`fourgib-${i}`] = four;
      expects.push([`fourgib-${i}`, shared.offset, /DATA object of 4294967368 bytes runs past the end/, ENTRIES]);
    }
    const r = await runTool("target-query", ["-f", "journal", "-j", target("sizes", files)], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    const recs = records(r);
    for (const [machine, at, message, n] of expects) {
      expectError(r, machine, at, message);
      expect(count(recs, machine), machine).toBe(n);
    }
    bounded(r, Object.values(files).reduce((n, b) => n + b.length, 0));
  });

  it("a zstd DATA payload whose frame claims 4 GiB, and one that would inflate to 4 GiB: refused at the limit, memory bounded", async () => {
    // 32,768 RLE blocks of 128 KiB: 128 KiB of frame for 4 GiB of output
    const frame = (withSize: boolean): Buffer => {
      const head = withSize ? [0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x38, 0, 0, 0, 0, 1, 0, 0, 0] : [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
      const blocks = Buffer.alloc(32768 * 4);
      for (let k = 0; k < 32768; k++) {
        const h = (131072 << 3) | (1 << 1) | (k === 32767 ? 1 : 0);
        blocks.writeUIntLE(h, k * 4, 3);
        blocks[k * 4 + 3] = 0x41;
      }
      return Buffer.concat([Buffer.from(head), blocks]);
    };
    const files: Record<string, Buffer> = {};
    const l = layoutOf(COMPACT);
    const victim = l.entries[10]!;
    for (const [name, withSize] of [["claims", true], ["inflates", false]] as const) {
      // a new DATA object after the last one, and the entry's first item pointed at it
      const payload = Buffer.concat([Buffer.from("MESSAGE="), frame(withSize)]).subarray(8);
      const size = 72 + payload.length;
      const at = Math.ceil(l.end / 8) * 8;
      const b = Buffer.alloc(at + Math.ceil(size / 8) * 8);
      COMPACT.copy(b);
      b[at] = 1; // DATA
      b[at + 1] = 4; // zstd
      setU64(b, at + 8, size);
      setU64(b, at + 56, 1); // n_entries
      payload.copy(b, at + 72);
      setU64(b, 96, b.length - u64(b, 88)); // arena_size
      b.writeUInt32LE(at, victim.offset + 64);
      files[name] = b;
    }
    const r = await runTool("target-query", ["-f", "journal", "-j", target("zbombs", files)], LIMITS);
    expect(r.code, describeRun(r)).toBe(1);
    const at = Math.ceil(l.end / 8) * 8;
    expectError(r, "claims", at, /zstd payload inflates past the limit of 67108864 bytes|frame claims 4294967296 bytes/);
    expectError(r, "inflates", at, /zstd payload inflates past the limit of 67108864 bytes/);
    const recs = records(r);
    expect(count(recs, "claims")).toBe(ENTRIES);
    expect(count(recs, "inflates")).toBe(ENTRIES);
    // one field's limit (64 MiB, --max-field-size) is the constant here
    bounded(r, 2 * COMPACT.length + 64 * MIB);
  });

  it("a chain of 30,000 entry arrays, one entry each: every entry read, in bounded time and memory", async () => {
    // After the fixture's objects: 30,000 copies of its last ENTRY (new seqnums, times a µs apart), each
    // followed by a one-item ENTRY_ARRAY linking to the next; the header's chain starts at the first.
    const N = 30_000;
    const l = layoutOf(COMPACT);
    const last = l.entries[l.entries.length - 1]!.spans[0]!;
    const entrySize = Math.ceil(last.size / 8) * 8;
    const step = entrySize + 32;
    const start = Math.ceil(l.end / 8) * 8;
    const b = Buffer.alloc(start + N * step);
    COMPACT.copy(b, 0, 0, start);
    const tmpl = COMPACT.subarray(last.offset, last.offset + last.size);
    const seq0 = COMPACT.readBigUInt64LE(last.offset + 16);
    for (let k = 0; k < N; k++) {
      const e = start + k * step;
      tmpl.copy(b, e);
      b.writeBigUInt64LE(seq0 + BigInt(k + 1), e + 16);
      b.writeBigUInt64LE(b.readBigUInt64LE(e + 24) + BigInt(k + 1), e + 24);
      b.writeBigUInt64LE(b.readBigUInt64LE(e + 32) + BigInt(k + 1), e + 32);
      const a = e + entrySize;
      b[a] = 6; // ENTRY_ARRAY
      setU64(b, a + 8, 28);
      setU64(b, a + 16, k + 1 < N ? a + step : 0);
      b.writeUInt32LE(e, a + 24);
    }
    setU64(b, 96, b.length - u64(b, 88));
    setU64(b, 136, start + (N - 1) * step + entrySize); // tail object: the last array
    setU64(b, 152, N);
    setU64(b, 176, start + entrySize);
    const r = await runTool("target-query", ["-f", "journal", "-j", target("deep", { deep: b })], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(count(records(r), "deep")).toBe(N);
    bounded(r, b.length);
  });
});
