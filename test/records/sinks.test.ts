// Text and JSON-lines output of a record with every field type, against golden files written by hand from
// flow.record's formats (repr for text; Python json.dumps of JsonRecordPacker's dict for JSON lines).
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { GoldenDescriptor } from "./golden.js";
import { JsonLinesSink } from "../../src/records/sinks/jsonl.js";
import { TextSink } from "../../src/records/sinks/text.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { render } from "../helpers/render.js";

const EveryType = defineRecord("test/everytype", {
  s: "string",
  n: "varint",
  big: "varint",
  neg: "varint",
  u16: "uint16",
  u32: "uint32",
  f: "float",
  f_int: "float",
  f_small: "float",
  b: "boolean",
  ts: "datetime",
  ts_whole: "datetime",
  p: "path",
  ip4: "net.ipaddress",
  ip6: "net.ipaddress",
  raw: "bytes",
  sl: "string[]",
  nul: "string",
  rawstr: "string",
  mode: "unix_file_mode",
  filepath: "path",
});

function record(): AnyRecord {
  const r = EveryType.create({
    s: "o'neil ü\n",
    n: 42,
    big: 2n ** 70n,
    neg: -7,
    u16: 7,
    u32: 4294967295,
    f: 1.5,
    f_int: 1,
    f_small: 0.00001,
    b: true,
    ts: Timestamp.parse("2024-01-02T03:04:05.000006Z"),
    ts_whole: Timestamp.fromUnix(1704164645),
    p: "/var/log/wtmp",
    ip4: "10.1.2.3",
    ip6: "2001:db8::1",
    raw: new Uint8Array([0, 1, 0x27, 0x41]),
    sl: ["a", "b'"],
    nul: null,
    rawstr: "bad\udcff\t",
    mode: 0o644,
    filepath: "/var/log/x",
  });
  Object.assign(r, {
    hostname: "web01",
    domain: null,
    _source: "web01-0000",
    _classification: null,
    _generated: Timestamp.parse("2024-06-01T00:00:00Z"),
    _version: 1,
  });
  return r;
}

describe("sinks", () => {
  it("text: flow.record's repr of every field type", async () => {
    const out = await render((o) => new TextSink(o), [record()]);
    expect(out).toBe(fs.readFileSync(new URL("golden/every-type.txt", import.meta.url), "utf8"));
  });

  it("JSON lines: descriptor line once, then dissect -j shaped records", async () => {
    const out = await render((o) => new JsonLinesSink(o), [record(), record()]);
    const golden = fs.readFileSync(new URL("golden/every-type.jsonl", import.meta.url), "utf8");
    const [desc, rec] = golden.trimEnd().split("\n");
    expect(out).toBe(`${desc}\n${rec}\n${rec}\n`);
  });

  it("descriptor hash is flow.record's (dissect-notes §4.5 test/golden = 0x7542e4cf)", () => {
    expect(GoldenDescriptor.hash).toBe(0x7542e4cf);
  });

  it("rejects invalid and reserved names", () => {
    expect(() => defineRecord("bad name", { a: "string" })).toThrow();
    expect(() => defineRecord("x/y", { _source: "string" })).toThrow();
    expect(() => defineRecord("x/y", { hostname: "string" })).toThrow();
  });
});

describe("JSON lines byte encoder", () => {
  it("writes values of the wrong type (a hostile stream) as the string formatter does, as valid JSON", async () => {
    const bad = record();
    Object.assign(bad, { s: 42, n: "forty-two", ts: "2024-01-01", b: 1, p: null, ip4: 167772161, sl: "x", raw: null });
    const out = await render((o) => new JsonLinesSink(o), [bad]);
    const line = out.trimEnd().split("\n")[1]!;
    const { formatRecordJson } = await import("../../src/records/sinks/jsonl.js");
    expect(line).toBe(formatRecordJson(bad));
    expect(() => JSON.parse(line)).not.toThrow();
    const text = await render((o) => new TextSink(o), [bad]);
    expect(text).toMatch(/ s='42' n='forty-two' .* b=True ts=2024-01-01 /);
  });

  it("a record larger than the buffer is written whole", async () => {
    const big = record();
    Object.assign(big, { s: "é".repeat(400_000) }); // 2.4 MB escaped: more than one output chunk
    const out = await render((o) => new JsonLinesSink(o), [record(), big, record()]);
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect((JSON.parse(lines[2]!) as { s: string }).s).toBe("é".repeat(400_000));
  });
});
