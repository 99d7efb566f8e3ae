// Seeded damage to the fixture journals: bytes overwritten inside entry arrays, DATA and ENTRY objects, object
// headers and the file header, stretches wiped, files cut at many offsets. The reader never throws nor hangs;
// every entry whose objects the damage did not touch comes out equal to journalctl's JSON of the intact file;
// whatever is lost or changed is reported as an error naming the file and a byte offset; a cut file yields every
// entry completed before the cut with a warning and no error. Which entries a byte touches is told by the test's
// own walk of the pristine file (layout.ts), never by the reader.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Issue } from "../../../../../../src/index.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { prng } from "../../../../../helpers/prng.js";
import { readBytes, type Read } from "./helpers.js";
import { completeBefore, layoutOf, touches, type EntryLayout, type Layout, type Span } from "./layout.js";
import { differences, parseOracle, recordEntry, type OracleEntry } from "./oracle.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../..");
const NAME = "/var/log/journal/m/system.journal";

const FIXTURES = [
  "fixtures/journal/v252-default.journal",
  "fixtures/journal/v252-nocompact-unkeyed.journal",
  "fixtures/journal/v254-lz4.journal",
  "fixtures/journal/dirty/system@000661a87386576f-e45d158b887fb8a5.journal~",
  "fixtures/journal/rotated/system@4832c8efdb964d14909caa022675aed4-0000000000000094-000610b18bc7e9f1.journal",
];

const OBJECT_DATA = 1;
const OBJECT_ENTRY = 3;
const OBJECT_ENTRY_ARRAY = 6;

interface Fixture {
  name: string;
  bytes: Buffer;
  layout: Layout;
  /** journalctl's entry of each ENTRY object, by its offset. */
  oracle: Map<number, OracleEntry>;
}

function load(rel: string): Fixture {
  const bytes = fs.readFileSync(path.join(ROOT, rel));
  const layout = layoutOf(bytes);
  const bySeqnum = new Map(parseOracle(fs.readFileSync(path.join(ROOT, rel + ".json"), "utf8")).map((e) => [e.head.seqnum, e]));
  const oracle = new Map<number, OracleEntry>();
  for (const e of layout.entries) {
    const o = bySeqnum.get(String(e.seqnum));
    if (!o) throw new Error(`${rel}: entry ${e.seqnum} is not in journalctl's output`);
    oracle.set(e.offset, o);
  }
  expect(oracle.size).toBe(bySeqnum.size);
  return { name: path.basename(rel), bytes, layout, oracle };
}

const LOADED = FIXTURES.map(load);

function offsetOf(r: AnyRecord): number {
  return Number(r.offset);
}

/** The record read at each ENTRY offset, and whether it equals journalctl's. */
function byOffset(read: Read): Map<number, AnyRecord> {
  const m = new Map<number, AnyRecord>();
  for (const r of read.records) m.set(offsetOf(r), r);
  return m;
}

function issueText(i: Issue): string {
  return `${i.offset ?? "?"}: ${i.message}`;
}

/** Every issue names the file and a byte offset (the closing "… more" counts name only the file). */
function expectNamed(read: Read, label: string): void {
  for (const i of read.errors) {
    expect(i.file, label).toBe(NAME);
    if (!/^… and \d+ more/.test(i.message)) expect(typeof i.offset, `${label}: ${i.message}`).toBe("number");
  }
}

/** The error that accounts for a damaged entry: at an object of it the damage touched, naming it, or a damaged stretch that covers it. */
function accounted(read: Read, e: EntryLayout, hit: readonly Span[]): boolean {
  return read.errors.some((i) => {
    const at = i.offset ?? -1;
    if (at === e.offset || i.message.includes(`entry at ${e.offset}`)) return true;
    if (hit.some((s) => at >= s.offset && at < s.offset + s.size)) return true;
    const to = /(?:objects again from|the next readable object is at) byte (\d+)|nothing readable after|no readable object after/.exec(i.message);
    return to !== null && at <= e.offset && (to[1] === undefined || Number(to[1]) > e.offset);
  });
}

/**
 * Damage only to an ENTRY's seqnum, realtime, monotonic and boot_id (bytes 16 to 56), which no checksum covers
 * outside sealed files, and to its flags and reserved bytes (1 to 8), which say nothing.
 */
function onlyUncheckedHead(e: EntryLayout, changed: readonly number[]): boolean {
  const entry = e.spans[0]!;
  const mine = changed.filter((at) => e.spans.some((s) => at >= s.offset && at < s.offset + s.size));
  const unchecked = (at: number) => (at >= entry.offset + 16 && at < entry.offset + 56) || (at >= entry.offset + 1 && at < entry.offset + 8);
  return mine.length > 0 && mine.every(unchecked);
}

/** Overwrite `bytes` at the given positions with random values; returns the positions that changed. */
function overwrite(b: Buffer, at: readonly number[], rnd: () => number, zeros = false): number[] {
  const changed: number[] = [];
  for (const p of at) {
    if (p < 0 || p >= b.length) continue;
    const v = zeros ? 0 : Math.floor(rnd() * 256);
    if (b[p] !== v) changed.push(p);
    b[p] = v;
  }
  return changed;
}

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

type Damage = "entry array" | "DATA" | "ENTRY" | "object header" | "stretch" | "zeros";

/** One damaged copy: which bytes changed. */
function damage(f: Fixture, kind: Damage, rnd: () => number): { bytes: Buffer; changed: number[] } {
  const b = Buffer.from(f.bytes);
  const objs = f.layout.objects;
  const inside = (s: Span, n: number) => Array.from({ length: n }, () => s.offset + Math.floor(rnd() * s.size));
  let changed: number[];
  switch (kind) {
    case "entry array":
    case "DATA":
    case "ENTRY": {
      const type = kind === "entry array" ? OBJECT_ENTRY_ARRAY : kind === "DATA" ? OBJECT_DATA : OBJECT_ENTRY;
      changed = overwrite(b, inside(pick(objs.filter((o) => o.type === type), rnd), 1 + Math.floor(rnd() * 4)), rnd);
      break;
    }
    case "object header": {
      const o = pick(objs, rnd);
      changed = overwrite(b, [o.offset + Math.floor(rnd() * 16)], rnd);
      break;
    }
    case "stretch":
    case "zeros": {
      const start = f.layout.headerSize + Math.floor(rnd() * (f.layout.end - f.layout.headerSize));
      const n = 8 + Math.floor(rnd() * 400);
      changed = overwrite(b, Array.from({ length: n }, (_, i) => start + i), rnd, kind === "zeros");
      break;
    }
  }
  return { bytes: b, changed };
}

/**
 * The checks every damaged copy passes. `strict`: every untouched entry is read (damage to the file header
 * may refuse the whole file).
 */
function check(f: Fixture, read: Read, changed: readonly number[], label: string, strict = true): void {
  expectNamed(read, label);
  const got = byOffset(read);
  // what differs from journalctl's output in a way a reader can notice
  let noticeable = false;
  for (const e of f.layout.entries) {
    const hit = e.spans.filter((s) => touches(s, changed));
    const r = got.get(e.offset);
    const diff = r ? differences(recordEntry(r), f.oracle.get(e.offset)!) : ["missing"];
    if (!diff.length) continue;
    if (hit.length === 0) {
      if (strict) expect(diff, `${label}: untouched entry ${e.seqnum} at ${e.offset}; errors: ${read.errors.map(issueText).join(" | ")}`).toEqual([]);
      // the header's ids (file, machine, tail boot, seqnum_id: bytes 24 to 88) are taken as they stand, as journalctl does
      if (!changed.every((at) => at >= 24 && at < 88)) noticeable = true;
    } else if (!(r && onlyUncheckedHead(e, changed))) {
      noticeable = true;
      expect(accounted(read, e, hit), `${label}: entry ${e.seqnum} at ${e.offset} ${r ? "changed" : "lost"} with no error at it (bytes ${changed.map((c) => c - e.offset).join(",")} from it; ${diff.join("; ").slice(0, 300)}); errors: ${read.errors.map(issueText).join(" | ")}`).toBe(true);
    }
  }
  // a record at an offset that is no entry of the pristine file: read from damaged bytes
  for (const off of got.keys()) if (!f.oracle.has(off)) noticeable = true;
  if (noticeable) expect(read.errors.length, `${label}: output differs from journalctl's, yet no error`).toBeGreaterThan(0);
}

describe.each(LOADED)("journal on damaged copies of $name", (f) => {
  it("the pristine file: every entry, no issue", () => {
    const read = readBytes(f.bytes, NAME);
    expect(read.errors).toEqual([]);
    check(f, read, [], "pristine");
  });

  for (const kind of ["entry array", "DATA", "ENTRY", "object header", "stretch", "zeros"] as const) {
    it(`keeps every untouched entry when bytes are overwritten: ${kind} (10 seeds)`, () => {
      const rnd = prng(f.name.length * 7919 + kind.length * 31);
      for (let n = 0; n < 10; n++) {
        const { bytes, changed } = damage(f, kind, rnd);
        check(f, readBytes(bytes, NAME), changed, `${kind} seed ${n}`);
      }
    });
  }

  it("a cut file yields every entry completed before the cut, with a warning and no error (25 cuts)", () => {
    const rnd = prng(f.name.length * 104729);
    const cuts = Array.from({ length: 25 }, () => f.layout.headerSize + Math.floor(rnd() * (f.layout.end - f.layout.headerSize)));
    for (const cut of cuts) {
      const read = readBytes(f.bytes.subarray(0, cut), NAME);
      const label = `cut at ${cut}`;
      expect(read.errors.map(issueText), label).toEqual([]);
      expect(read.warnings.some((w) => /truncated/.test(w.message) && w.offset === cut), label).toBe(true);
      const got = byOffset(read);
      for (const e of f.layout.entries) {
        const r = got.get(e.offset);
        if (completeBefore(e, cut)) expect(r ? differences(recordEntry(r), f.oracle.get(e.offset)!) : ["missing"], `${label}: entry ${e.seqnum}`).toEqual([]);
      }
      for (const off of got.keys()) expect(f.oracle.has(off), `${label}: a record at ${off}`).toBe(true);
    }
  });

  it("a file cut inside its header is an error at offset 0, no records", () => {
    for (const cut of [0, 7, 8, 100, 207]) {
      const read = readBytes(f.bytes.subarray(0, cut), NAME);
      expect(read.records).toEqual([]);
      expect(read.errors.length, `cut at ${cut}`).toBe(1);
      expect(read.errors[0]!.offset).toBe(0);
    }
  });

  it("keeps every entry when header fields that only point the way are damaged", () => {
    // entry_array_offset (176), tail_object_offset (136), n_entries (152), n_objects (144), arena_size (96):
    // the objects themselves are whole, so a scan finds them all
    const rnd = prng(f.name.length * 613);
    for (const field of [176, 136, 152, 144, 96]) {
      for (let n = 0; n < 3; n++) {
        const b = Buffer.from(f.bytes);
        const changed = overwrite(b, Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => field + Math.floor(rnd() * 8)), rnd);
        if (!changed.length) continue;
        const read = readBytes(b, NAME);
        const label = `header byte ${changed.join(",")} (field at ${field}), seed ${n}`;
        expectNamed(read, label);
        const got = byOffset(read);
        for (const e of f.layout.entries) {
          const r = got.get(e.offset);
          expect(r ? differences(recordEntry(r), f.oracle.get(e.offset)!) : ["missing"], `${label}: entry ${e.seqnum}; ${read.errors.map(issueText).join(" | ")}`).toEqual([]);
        }
        expect(read.records.length, label).toBe(f.oracle.size);
      }
    }
  });

  it("other header damage never throws, and what it loses is reported", () => {
    const rnd = prng(f.name.length * 4027);
    for (let n = 0; n < 20; n++) {
      const b = Buffer.from(f.bytes);
      const changed = overwrite(b, [Math.floor(rnd() * f.layout.headerSize)], rnd);
      check(f, readBytes(b, NAME), changed, `header byte ${changed.join(",")}`, false);
    }
  });
});
