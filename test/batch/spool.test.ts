import path from "node:path";
import { describe, expect, it } from "vitest";
import { drainSpool, SpoolWriter } from "../../src/batch/spool.js";
import { DESCRIPTOR, defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { tempDir } from "./helpers.js";

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
    const file = path.join(tempDir(), "t.spool");
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
    const got: AnyRecord[] = [];
    const n = await drainSpool(file, { write: (r) => void got.push(r), close: async () => {} });
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
    const { RenderSpoolWriter, drainRendered } = await import("../../src/batch/render.js");
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
      const dir = tempDir();
      for (const [k, part] of [recs.slice(0, 1000), recs.slice(1000, 2500), recs.slice(2500)].entries()) {
        const w = new RenderSpoolWriter(path.join(dir, `${k}.spool`), format);
        for (const r of part) w.write(r);
        await w.close();
        await drainRendered(w.file, out, seen);
      }
      await out.close();
      expect(viaSpools.text).toBe(direct.text);
    }
  });
});
