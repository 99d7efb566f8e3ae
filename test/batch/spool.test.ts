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
