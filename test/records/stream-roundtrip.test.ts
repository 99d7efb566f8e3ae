import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DESCRIPTOR, RecordDescriptor, type AnyRecord, type FieldDef } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { canonicalIp } from "../../src/records/ip.js";
import { Packer } from "../../src/records/stream/msgpack.js";
import { RecordStreamDecoder, decodeStream } from "../../src/records/stream/reader.js";
import { openRecordSource } from "../../src/records/stream/source.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { GOLDEN_HEX, GoldenDescriptor, goldenRecord } from "./golden.js";
import { prng as rng } from "../helpers/prng.js";

// A small deterministic PRNG (mulberry32) so that failures reproduce.

const SCALARS = ["string", "varint", "uint16", "uint32", "float", "boolean", "datetime", "path", "net.ipaddress", "bytes", "filesize", "unix_file_mode"];

const FIELDS: FieldDef[] = [
  { name: "hostname", type: "string" },
  { name: "domain", type: "string" },
  ...SCALARS.map((t) => ({ name: "f_" + t.replace(".", "_"), type: t })),
  ...SCALARS.map((t) => ({ name: "l_" + t.replace(".", "_"), type: t + "[]" })),
];
const AllTypes = new RecordDescriptor("test/alltypes", FIELDS);

function gen(r: () => number) {
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const ALPHA = ["a", "Z", "0", " ", "'", '"', "\\", "\n", "\t", "\x00", "é", "ß", "日本", "😀", "\udcff", "\udc80", "\udcfe", "/", "\x7f"];
  const str = () => Array.from({ length: int(pick([3, 10, 40, 300])) }, () => pick(ALPHA)).join("");
  const BIG = [0n, 1n, 127n, 128n, 255n, 256n, 65535n, 65536n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 70n, 2n ** 200n + 12345n];
  const varint = (): number | bigint => {
    const k = int(4);
    if (k === 0) return int(1000) - 500;
    if (k === 1) return Math.floor((r() - 0.5) * 2 ** 52);
    const b = pick(BIG);
    const v = r() < 0.5 ? -b : b;
    return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
  };
  const v4 = () => `${int(256)}.${int(256)}.${int(256)}.${int(256)}`;
  const v6 = () => canonicalIp(pick(["2001:db8::1", "fe80::1:2:3:4", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:10.0.0.1", "2001:db8:0:1::", "1::"]))!;
  // years 1 … 9999: what a flow.record datetime carries (beyond it the writer packs nil, tested in datetime-range)
  const span = (Timestamp.MAX_SECONDS - Timestamp.MIN_SECONDS) * 1000;
  const ts = () => Timestamp.fromMicros(BigInt(Math.floor(Timestamp.MIN_SECONDS * 1000 + r() * span)) * 1000n + BigInt(int(1000)));
  const scalar = (t: string): unknown => {
    switch (t) {
      case "string":
        return str();
      case "varint":
      case "filesize":
        return varint();
      case "uint16":
        return int(65536);
      case "uint32":
        return int(2 ** 32);
      case "unix_file_mode":
        return int(0o7777);
      case "float":
        return pick([0, -0, 1.5, -2.25, 1e300, 5e-324, Math.PI, 3, NaN, Infinity]);
      case "boolean":
        return r() < 0.5;
      case "datetime":
        return ts();
      case "path":
        return pick(["/var/log/wtmp", "/tmp/\udcffname", "relative/x", "/"]);
      case "net.ipaddress":
        return r() < 0.5 ? v4() : v6();
      case "bytes":
        return Uint8Array.from({ length: int(pick([0, 5, 300])) }, () => int(256));
    }
    throw new Error(t);
  };
  return (): AnyRecord => {
    const rec: AnyRecord = { [DESCRIPTOR]: AllTypes };
    for (const f of FIELDS) {
      if (f.type.endsWith("[]")) rec[f.name] = Array.from({ length: int(pick([0, 1, 3, 20])) }, () => scalar(f.type.slice(0, -2)));
      else rec[f.name] = r() < 0.1 ? null : scalar(f.type);
    }
    rec.hostname = "host";
    rec._source = r() < 0.5 ? null : str();
    rec._classification = r() < 0.8 ? null : "PUBLIC";
    rec._generated = ts();
    rec._version = 1;
    return rec;
  };
}

function norm(v: unknown): unknown {
  if (typeof v === "number" && Number.isInteger(v)) return Object.is(v, -0) ? "-0" : BigInt(v);
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v;
  if (v instanceof Timestamp) return "ts:" + v.toMicros();
  if (v instanceof Uint8Array) return "bytes:" + Buffer.from(v).toString("hex");
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

function plain(rec: AnyRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { _descriptor: rec[DESCRIPTOR].name + "/" + rec[DESCRIPTOR].hash };
  for (const f of rec[DESCRIPTOR].allFields) out[f.name] = norm(rec[f.name] ?? null);
  return out;
}

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function readAll(b: Uint8Array, chunkSize = 1 << 16): Promise<AnyRecord[]> {
  const src = await openRecordSource(chunks(b, chunkSize));
  const out: AnyRecord[] = [];
  for await (const r of src.records) out.push(r);
  return out;
}

/** The golden stream's header and descriptor frame (19 + 108 bytes), for frames made by hand to follow. */
const goldenHead = (): Buffer => Buffer.from(GOLDEN_HEX, "hex").subarray(0, 19 + 108);

/** One frame holding a flow.record ext (type 14) whose payload `write` packs. */
function handFrame(write: (inner: Packer) => void): Buffer {
  const inner = new Packer();
  write(inner);
  const p = new Packer();
  const f = p.beginFrame();
  const e = p.beginExt();
  p.raw(inner.bytes());
  p.endExt(e, 14);
  p.endFrame(f);
  return Buffer.from(p.bytes());
}

/** [SUBTYPE_RECORD, [ident, values…]] of test/golden up to the values' array header; ident [name, hash] or a bare name. */
function recordHeader(inner: Packer, ident: "name" | "pair", values: number): void {
  inner.arrayHeader(2);
  inner.int(1);
  inner.arrayHeader(2);
  if (ident === "name") inner.str("test/golden");
  else {
    inner.arrayHeader(2);
    inner.str("test/golden");
    inner.int(GoldenDescriptor.hash);
  }
  inner.arrayHeader(values);
}

/** A datetime ext: [SUBTYPE_DATETIME, parts], the parts numbers or one ISO string. */
function datetimeExt(inner: Packer, parts: (number | string)[]): void {
  const m = inner.beginExt();
  inner.arrayHeader(2);
  inner.int(0x10);
  inner.arrayHeader(parts.length);
  for (const x of parts) {
    if (typeof x === "string") inner.str(x);
    else inner.int(x);
  }
  inner.endExt(m, 14);
}

describe("flow.record stream reader", () => {
  it("reads Python's golden vector", async () => {
    const [rec, ...rest] = await decodeStream(Buffer.from(GOLDEN_HEX, "hex"));
    expect(rest).toEqual([]);
    expect(rec![DESCRIPTOR].name).toBe("test/golden");
    expect(rec![DESCRIPTOR].hash).toBe(0x7542e4cf);
    expect(plain(rec!)).toEqual(plain(goldenRecord()));
    expect((rec!.ts as Timestamp).isoformat()).toBe("2024-01-02T03:04:05.123456+00:00");
  });

  it("round-trips records of every field type (property test, 3 seeds × 200 records)", async () => {
    for (const seed of [1, 2, 3]) {
      const make = gen(rng(seed));
      const recs = Array.from({ length: 200 }, make);
      const bytes = encodeStream(recs);
      // Read in awkward chunk sizes too: frames straddle chunk boundaries.
      for (const size of [7, 1 << 16]) {
        const back = await readAll(bytes, size);
        expect(back.length).toBe(recs.length);
        for (let i = 0; i < recs.length; i++) expect(plain(back[i]!), `seed ${seed} record ${i}`).toEqual(plain(recs[i]!));
      }
      // Writing what was read gives the same bytes.
      expect(Buffer.from(encodeStream(await readAll(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it("keeps raw-byte strings exact (surrogateescape) and writes them as raw bytes", async () => {
    const rec = { ...goldenRecord(), hostname: "a\udcffb" };
    const bytes = Buffer.from(encodeStream([rec]));
    expect(bytes.includes(Buffer.from([0xa3, 0x61, 0xff, 0x62]))).toBe(true);
    const [back] = await decodeStream(bytes);
    expect(back!.hostname).toBe("a\udcffb");
  });

  it("writes integers beyond 64 bits as varint ext and reads them back", async () => {
    expect(plain((await decodeStream(encodeStream([{ ...goldenRecord(), pid: 2n ** 70n }])))[0]!).pid).toBe(2n ** 70n);
    expect(plain((await decodeStream(encodeStream([{ ...goldenRecord(), pid: -(2n ** 64n) }])))[0]!).pid).toBe(-(2n ** 64n));
    const bytes = Buffer.from(encodeStream([{ ...goldenRecord(), pid: 2n ** 70n }])).toString("hex");
    // ext 14 [0x11, [false, bin 40 00..00]] (9 magnitude bytes)
    expect(bytes).toContain("c70f0e921192c2c409400000000000000000");
  });

  it("reads IPv6 addresses in ::/96 back as IPv4, as flow.record does", async () => {
    const [back] = await decodeStream(encodeStream([{ ...goldenRecord(), ip: "::1" }]));
    expect(back!.ip).toBe("0.0.0.1");
    const [v6] = await decodeStream(encodeStream([{ ...goldenRecord(), ip: "2001:db8::1" }]));
    expect(v6!.ip).toBe("2001:db8::1");
  });

  it("reads concatenated streams, repeated headers and descriptors", async () => {
    const one = encodeStream([goldenRecord()]);
    const three = Buffer.concat([one, one, one]);
    const dec = new RecordStreamDecoder();
    const back = await decodeStream(three, dec);
    expect(back.length).toBe(3);
    expect(dec.stats()).toEqual([{ descriptor: back[0]![DESCRIPTOR], count: 3 }]);
    expect(back[2]![DESCRIPTOR]).toBe(back[0]![DESCRIPTOR]);
  });

  it("detects gzip by its magic", async () => {
    const gz = gzipSync(Buffer.concat([encodeStream([goldenRecord()]), encodeStream([goldenRecord()])]));
    const src = await openRecordSource(chunks(gz, 10));
    expect(src.compressed).toBe(true);
    const out: AnyRecord[] = [];
    for await (const r of src.records) out.push(r);
    expect(out.length).toBe(2);
  });

  it("names the byte offset of a record whose descriptor never came", async () => {
    const golden = Buffer.from(GOLDEN_HEX, "hex");
    // header (19 bytes) + the record frame, without the descriptor frame (108 bytes at offset 19).
    const bad = Buffer.concat([golden.subarray(0, 19), golden.subarray(19 + 108)]);
    await expect(decodeStream(bad)).rejects.toThrow(/unknown descriptor test\/golden \(hash 0x7542e4cf\).*at byte offset 19\b/);
  });

  it("rejects truncated frames, garbage and implausible lengths with an offset", async () => {
    const golden = Buffer.from(GOLDEN_HEX, "hex");
    await expect(decodeStream(golden.subarray(0, 200))).rejects.toThrow(/truncated frame.*offset 127/);
    await expect(decodeStream(Buffer.from("hello world, not a stream"))).rejects.toThrow(/not a flow.record stream/);
    const huge = Buffer.concat([golden.subarray(0, 19), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    await expect(decodeStream(huge)).rejects.toThrow(/implausible.*offset 19/);
    const corrupt = Buffer.from(golden);
    corrupt[19 + 4 + 3 + 2] = 0xc1; // an invalid msgpack type byte inside the descriptor frame
    await expect(decodeStream(corrupt)).rejects.toThrow(/offset 19/);
  });

  it("accepts datetimes packed as an ISO string and records with extra reserved values", async () => {
    // A record frame by hand: values + one extra reserved value; ts as [iso] with an offset.
    const frame = handFrame((inner) => {
      recordHeader(inner, "pair", 11);
      inner.str("h1");
      datetimeExt(inner, ["2024-01-02T05:04:05+02:00"]);
      inner.int(42);
      inner.nil();
      inner.nil();
      inner.bool(false);
      inner.nil();
      inner.nil();
      inner.nil();
      inner.str("future");
      inner.int(1);
    });
    const [rec] = await decodeStream(Buffer.concat([goldenHead(), frame]));
    expect((rec!.ts as Timestamp).isoformat()).toBe("2024-01-02T03:04:05+00:00");
    expect(rec!._version).toBe(1);
    expect(rec!._generated).toBe(null);
  });

  it("reads records and datetimes of other shapes, and reports their damage, as the in-place path does not take them", async () => {
    // The reader takes records ([[name, hash], values]) and datetimes (3 to 7 numbers) in place; a name-only
    // identifier, a 3-number datetime and a datetime with month 13 go the general way, with the same results.
    const head = goldenHead();
    const frame = (ident: "name" | "pair", ts: number[]): Buffer =>
      handFrame((inner) => {
        recordHeader(inner, ident, 10);
        inner.str("h1");
        datetimeExt(inner, ts);
        inner.int(42);
        for (let i = 0; i < 7; i++) inner.nil();
      });
    const [a, b] = await decodeStream(Buffer.concat([head, frame("name", [2024, 1, 2]), frame("pair", [2024, 1, 2, 3, 4, 5, 6])]));
    expect((a!.ts as Timestamp).isoformat()).toBe("2024-01-02T00:00:00+00:00");
    expect(a![DESCRIPTOR]).toBe(b![DESCRIPTOR]);
    expect((b!.ts as Timestamp).isoformat()).toBe("2024-01-02T03:04:05.000006+00:00");
    await expect(decodeStream(Buffer.concat([head, frame("pair", [2024, 13, 2, 3, 4, 5, 6])]))).rejects.toThrow(/malformed datetime \(at byte offset 127\)/);
    await expect(decodeStream(Buffer.concat([head, frame("name", [2024, 13, 2])]))).rejects.toThrow(/malformed datetime \(at byte offset 127\)/);
  });

  it("reads JSON lines: flow.record's jsonfile shape and plain objects", async () => {
    const lines = [
      '{"_type": "recorddescriptor", "_data": ["test/golden", [["string", "hostname"], ["datetime", "ts"], ["varint", "pid"], ["path", "source"], ["net.ipaddress", "ip"], ["boolean", "ok"]]]}',
      '{"hostname": "h1", "ts": "2024-01-02T03:04:05.123456+00:00", "pid": 42, "source": "/var/log/wtmp", "ip": "10.1.2.3", "ok": true, "_source": "a.tar", "_classification": null, "_generated": "2024-06-01T00:00:00+00:00", "_version": 1, "_type": "record", "_recorddescriptor": ["test/golden", 1967285455]}',
      '{"user": "root", "n": 3, "x-y": 1.5}',
      "",
    ].join("\n");
    const src = await openRecordSource(chunks(Buffer.from(lines), 13));
    expect(src.kind).toBe("jsonl");
    const out: AnyRecord[] = [];
    for await (const r of src.records) out.push(r);
    expect(out.length).toBe(2);
    expect(plain(out[0]!)).toEqual(plain(goldenRecord()));
    expect(out[1]![DESCRIPTOR].name).toBe("json/record");
    expect(out[1]![DESCRIPTOR].fields.map((f) => `${f.name}:${f.type}`)).toEqual(["user:string", "n:varint", "x_y:float"]);
  });

  it("writes nested records (flow.record's record type) after their descriptors, and reads them back", async () => {
    const Inner = new RecordDescriptor("test/inner", [{ name: "n", type: "varint" }]);
    const Outer = new RecordDescriptor("test/outer", [
      { name: "one", type: "record" },
      { name: "many", type: "record[]" },
    ]);
    const inner = (n: number): AnyRecord => ({ [DESCRIPTOR]: Inner, n, _source: null, _classification: null, _generated: null, _version: 1 });
    const outer: AnyRecord = { [DESCRIPTOR]: Outer, one: inner(1), many: [inner(2), inner(3)], _source: "s", _classification: null, _generated: null, _version: 1 };
    const bytes = encodeStream([outer]);
    const [back] = await decodeStream(bytes);
    expect(back![DESCRIPTOR].name).toBe("test/outer");
    expect((back!.one as AnyRecord).n).toBe(1);
    expect((back!.many as AnyRecord[]).map((r) => r.n)).toEqual([2, 3]);
    expect(Buffer.from(encodeStream([back!])).equals(Buffer.from(bytes))).toBe(true);
    const { formatRecordText } = await import("../../src/records/sinks/text.js");
    expect(formatRecordText(back!)).toBe("<test/outer one=<test/inner n=1> many=[<test/inner n=2>, <test/inner n=3>]>");
  });
});
