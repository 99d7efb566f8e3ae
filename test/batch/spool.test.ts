import { describe, expect, it } from "vitest";
import { SpoolFile, SpoolReader, SpoolWriter } from "../../src/batch/spool.js";
import { createTempFile } from "../../src/util/tempfile.js";
import { DESCRIPTOR, defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";

const R = defineRecord("test/spool", {
  ts: "datetime",
  tss: "datetime[]",
  big: "varint",
  raw: "bytes",
  ip: "net.ipaddress",
  tags: "string[]",
  ok: "boolean",
  f: "float",
});
const S = defineRecord("test/other", { name: "string" });

describe("record spool", () => {
  it("round-trips every value exactly (microseconds, bigint, bytes, lists) and many records", async () => {
    const tmp = createTempFile();
    const flushes: [number, number][] = [];
    const file = new SpoolFile(tmp.fd, (bytes, records) => flushes.push([bytes, records]));
    const w = new SpoolWriter(file);
    const recs: AnyRecord[] = [];
    for (let i = 0; i < 1500; i++) {
      const r = R.create({
        ts: Timestamp.fromUnix(1700000000 + i, 123456),
        tss: [Timestamp.fromUnix(-1, 999999)],
        big: i === 7 ? 2n ** 63n + 5n : i,
        raw: new Uint8Array([0, 255, i & 255]),
        ip: i % 2 ? "10.0.0.1" : "2001:db8::1",
        tags: ["a", "é\u0000x"],
        ok: i % 3 === 0,
        f: i / 7,
      }) as AnyRecord;
      Object.assign(r, { hostname: "h", domain: null, _source: "t-1", _classification: null, _generated: Timestamp.fromUnix(1, 1), _version: 1 });
      recs.push(r);
      w.write(r);
      if (i === 3) {
        const o = S.create({ name: "other" }) as AnyRecord;
        Object.assign(o, { hostname: null, domain: null, _source: "t-1", _classification: null, _generated: null, _version: 1 });
        recs.push(o);
        w.write(o);
      }
    }
    await w.close();
    expect(flushes.at(-1)).toEqual([file.bytes, recs.length]);
    // Read as it grew: up to each flush in turn (a reader never sees half a frame), then nothing more.
    const got: AnyRecord[] = [];
    const reader = new SpoolReader(tmp.fd);
    const sink = { write: (r: AnyRecord) => void got.push(r), close: async () => {} };
    let n = 0;
    for (const [bytes] of flushes) n += await reader.drain(sink, bytes);
    n += await reader.drain(sink, file.bytes);
    tmp.dispose();
    expect(n).toBe(recs.length);
    for (let i = 0; i < recs.length; i++) {
      const a = recs[i]!;
      const b = got[i]!;
      expect(b[DESCRIPTOR].name).toBe(a[DESCRIPTOR].name);
      expect(b[DESCRIPTOR].hash).toBe(a[DESCRIPTOR].hash);
      for (const f of a[DESCRIPTOR].allFields) {
        const va = a[f.name];
        const vb = b[f.name];
        if (va instanceof Timestamp) expect([(vb as Timestamp).seconds, (vb as Timestamp).micros]).toEqual([va.seconds, va.micros]);
        else expect(vb).toEqual(va);
      }
    }
    expect(got[0]!.ts).toBeInstanceOf(Timestamp);
    expect((got[0]!.tss as Timestamp[])[0]).toBeInstanceOf(Timestamp);
  });
});

describe("rendered spool", () => {
  it("gives byte for byte what the JSON lines and text sinks write, each descriptor line once per run", async () => {
    const { RenderSpoolWriter, RenderedReader } = await import("../../src/batch/render.js");
    const { Output } = await import("../../src/records/output.js");
    const { JsonLinesSink } = await import("../../src/records/sinks/jsonl.js");
    const { TextSink } = await import("../../src/records/sinks/text.js");
    const { Writable } = await import("node:stream");
    const capture = () => {
      const w = Object.assign(
        new Writable({
          write(c, _e, cb) {
            w.text += c.toString();
            cb();
          },
        }),
        { text: "" },
      );
      return w;
    };
    const mk = (i: number): AnyRecord => {
      const r = (i % 3 === 0 ? S.create({ name: `n${i} ünï` }) : R.create({
        ts: Timestamp.fromUnix(1700000000 + i, 5), tss: [], big: 2n ** 60n, raw: new Uint8Array([i & 255]), ip: "10.0.0.1", tags: ["x"], ok: true, f: 0.5,
      })) as AnyRecord;
      return Object.assign(r, { hostname: "h", domain: null, _source: `t-${i >> 7}`, _classification: null, _generated: Timestamp.fromUnix(1, 0), _version: 1 });
    };
    const recs = Array.from({ length: 3000 }, (_, i) => mk(i));
    for (const format of ["jsonl", "text"] as const) {
      const direct = capture();
      const sink = format === "jsonl" ? new JsonLinesSink(new Output(direct)) : new TextSink(new Output(direct));
      for (const r of recs) await sink.write(r);
      await sink.close();
      // The same records split over three "targets" (spools), copied in order.
      const viaSpools = capture();
      const out = new Output(viaSpools);
      const seen = new Set<string>();
      for (const part of [recs.slice(0, 1000), recs.slice(1000, 2500), recs.slice(2500)]) {
        const tmp = createTempFile();
        const file = new SpoolFile(tmp.fd);
        const w = new RenderSpoolWriter(file, format);
        for (const r of part) w.write(r);
        await w.close();
        await new RenderedReader(tmp.fd, seen).drain(out, file.bytes);
        expect(file.records).toBe(part.length);
        tmp.dispose();
      }
      await out.close();
      expect(viaSpools.text).toBe(direct.text);
    }
  });
});
