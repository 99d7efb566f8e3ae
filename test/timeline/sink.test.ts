// TimelineSink on its own: the order against a plain sort, the same entries whether runs stay in memory, spill or
// are merged many levels deep, exact values through the run files, datetime lists, the window, and no descriptor
// (temp file) left open however it ends.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BatchWriteError } from "../../src/batch/failure.js";
import { DESCRIPTOR, defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import type { RecordSink } from "../../src/records/sinks/sink.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { TimelineSink, type TimelineOptions } from "../../src/timeline/sink.js";
import { parseWindow } from "../../src/timeline/window.js";
import { Logger } from "../../src/util/log.js";
import { prng } from "../helpers/prng.js";
import { tmpdir } from "../helpers/tmp.js";

const Login = defineRecord("test/login", { ts: "datetime", user: "string", ts_logout: "datetime", offset: "varint", filepath: "path" });
const Odd = defineRecord("test/odd", {
  seen: "datetime[]",
  name: "string",
  n: "varint",
  raw: "bytes",
  ip: "net.ipaddress",
  f: "float",
  ok: "boolean",
});

class Collect implements RecordSink {
  recs: AnyRecord[] = [];
  closed = 0;
  write(r: AnyRecord): void {
    this.recs.push(r);
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

function stamp(r: AnyRecord, source: string): AnyRecord {
  return Object.assign(r, { hostname: source.split("-")[0], domain: null, _source: source, _classification: null, _generated: Timestamp.fromUnix(0), _version: 1 });
}

/** Records of three targets with many equal times (seconds from a small range), some without a logout. */
function corpus(n: number, seed: number): AnyRecord[] {
  const rnd = prng(seed);
  const out: AnyRecord[] = [];
  for (let i = 0; i < n; i++) {
    const ts = Timestamp.fromUnix(1_700_000_000 + Math.floor(rnd() * 50), rnd() < 0.5 ? 0 : 250_000);
    const logout = rnd() < 0.4 ? null : Timestamp.fromUnix(ts.seconds + Math.floor(rnd() * 20), ts.micros);
    const t = Math.floor(rnd() * 3);
    out.push(stamp(Login.create({ ts, user: `u${i}`, ts_logout: logout, offset: i * 384, filepath: "/var/log/wtmp" }), `h${t}-0000000${t}`));
  }
  return out;
}

async function timeline(recs: AnyRecord[], opts: Partial<TimelineOptions> = {}): Promise<{ out: Collect; sink: TimelineSink }> {
  const out = new Collect();
  const sink = new TimelineSink({ out, targets: ["h0-00000000", "h1-00000001", "h2-00000002"], ...opts });
  for (const r of recs) await sink.write(r);
  await sink.close();
  return { out, sink };
}

const key = (e: AnyRecord): string => `${(e.ts as Timestamp).isoformat()} ${String(e._source)} ${String(e.ts_description)} ${String((e.record as AnyRecord).user)}`;

function openFds(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

describe("TimelineSink", () => {
  it("orders by time, then target, then the record's place in its target, then the field", async () => {
    const recs = corpus(400, 1);
    const { out } = await timeline(recs);
    // The rule, computed plainly: each target's records in arrival order, events in field order, stable by time.
    const want: { us: bigint; t: number; i: number; k: string }[] = [];
    const seen = new Map<string, number>();
    for (const r of recs) {
      const src = String(r._source);
      const i = (seen.get(src) ?? 0) + 1;
      seen.set(src, i);
      for (const f of ["ts", "ts_logout"]) {
        const v = r[f] as Timestamp | null;
        if (v) want.push({ us: v.toMicros(), t: Number(src.slice(-1)), i, k: `${v.isoformat()} ${src} ${f} ${String(r.user)}` });
      }
    }
    want.sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : a.t - b.t || a.i - b.i));
    expect(out.recs.map(key)).toEqual(want.map((w) => w.k));
    expect(out.closed).toBe(1);
  });

  it("spilled in runs of 1..7 and merged two at a time, many levels deep: the same entries", async () => {
    const recs = corpus(600, 2);
    const mem = (await timeline(recs)).out.recs.map(key);
    for (const runEntries of [1, 2, 7]) {
      const { out, sink } = await timeline(recs, { runEntries, fanIn: 2 });
      expect(out.recs.map(key), `runs of ${runEntries}`).toEqual(mem);
      expect(sink.stats.runsWritten).toBeGreaterThan(600 / runEntries);
    }
    // a byte bound alone spills too
    const { out, sink } = await timeline(recs, { runBytes: 4096 });
    expect(out.recs.map(key)).toEqual(mem);
    expect(sink.stats.runsWritten).toBeGreaterThan(10);
  });

  it("values come back exact from the run files: lists of datetimes, surrogates, bigints, bytes, NaN", async () => {
    const a = Timestamp.fromUnix(1_700_000_000, 1);
    const b = Timestamp.parse("9999-12-31T23:59:59.999999Z");
    const far = Timestamp.fromParts(10000, 1, 1); // beyond year 9999: no event
    const r = stamp(Odd.create({ seen: [b, a, far], name: "x\udcff\u00e9", n: 2n ** 70n, raw: new Uint8Array([0, 255]), ip: "2001:db8::1", f: NaN, ok: false }), "h0-00000000");
    for (const opts of [{}, { runEntries: 1 }]) {
      const { out } = await timeline([r], opts);
      expect(out.recs.map((e) => [e.ts_description, (e.ts as Timestamp).isoformat()])).toEqual([
        ["seen", a.isoformat()],
        ["seen", b.isoformat()],
      ]);
      for (const e of out.recs) {
        const inner = e.record as AnyRecord;
        expect(inner[DESCRIPTOR]).toBe(Odd);
        expect(inner.name).toBe("x\udcff\u00e9");
        expect(inner.n).toBe(2n ** 70n);
        expect([...(inner.raw as Uint8Array)]).toEqual([0, 255]);
        expect(inner.ip).toBe("2001:db8::1");
        expect(Number.isNaN(inner.f)).toBe(true);
        expect(inner.ok).toBe(false);
        expect((inner.seen as Timestamp[]).map((t) => t.isoformat())).toEqual([b, a, far].map((t) => t.isoformat()));
        expect(e.filepath).toBeNull();
        expect(e.offset).toBeNull();
      }
    }
  });

  it("records without a datetime value are counted and said once; the window keeps from ≤ ts < to", async () => {
    const lines: string[] = [];
    const log = new Logger((l) => lines.push(l), "debug");
    const recs = [
      stamp(Login.create({ ts: null, user: "none", ts_logout: null, offset: 0, filepath: "/x" }), "h0-00000000"),
      stamp(Login.create({ ts: Timestamp.parse("2024-03-06T02:10:05Z"), user: "in", ts_logout: Timestamp.parse("2024-03-06T02:10:15Z"), offset: 1, filepath: "/x" }), "h0-00000000"),
      stamp(Login.create({ ts: Timestamp.parse("2024-03-06T02:10:04.999999Z"), user: "before", ts_logout: null, offset: 2, filepath: "/x" }), "h0-00000000"),
    ];
    const { out, sink } = await timeline(recs, { window: parseWindow("2024-03-06T02:10:05Z", "2024-03-06T02:10:15Z"), log });
    expect(out.recs.map((e) => `${String(e.ts_description)} ${String((e.record as AnyRecord).user)}`)).toEqual(["ts in"]);
    expect(sink.stats).toMatchObject({ records: 3, entries: 1, undated: 1, outside: 2 });
    expect(lines.filter((l) => l.startsWith("info:"))).toEqual(["info: timeline: 1 record(s) without a datetime value left out\n"]);
  });

  it("no temp file left open: after a spilled run, after discard, after a failing output", async () => {
    const recs = corpus(300, 3);
    const before = openFds();
    const out = new Collect();
    const sink = new TimelineSink({ out, runEntries: 10, fanIn: 4 });
    for (const r of recs) await sink.write(r);
    expect(openFds()).toBeGreaterThan(before); // runs on disk, held by descriptor only
    await sink.discard();
    expect(openFds()).toBe(before);
    expect(out.recs).toEqual([]);
    expect(out.closed).toBe(1);

    const failing: RecordSink = {
      write: () => {
        throw new Error("disk full");
      },
      close: async () => {},
    };
    const s2 = new TimelineSink({ out: failing, runEntries: 10 });
    for (const r of recs) await s2.write(r);
    await expect(s2.close()).rejects.toThrow("disk full");
    expect(openFds()).toBe(before);
  });

  it("a temp folder it cannot write to: a BatchWriteError naming it, then close writes nothing", async () => {
    const saved = process.env.QUARRY_TMPDIR;
    process.env.QUARRY_TMPDIR = path.join(tmpdir(), "missing");
    try {
      const out = new Collect();
      const sink = new TimelineSink({ out, runEntries: 2 });
      const recs = corpus(5, 4);
      let err: unknown = null;
      try {
        for (const r of recs) await sink.write(r);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BatchWriteError);
      expect((err as Error).message).toMatch(/^cannot write a timeline run file in the temp folder \(QUARRY_TMPDIR\): no such file or directory \(ENOENT\)/);
      expect(() => sink.write(recs[0]!)).toThrow(BatchWriteError);
      await sink.close();
      expect(out.recs).toEqual([]);
      expect(out.closed).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.QUARRY_TMPDIR;
      else process.env.QUARRY_TMPDIR = saved;
    }
  });
});
