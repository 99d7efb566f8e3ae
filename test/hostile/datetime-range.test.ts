// Values out of range: a datetime outside years 1 … 9999 (what ISO text, Python's datetime and the flow.record
// stream carry) never reaches an output as text or as altered bytes. Decoders use Timestamp's one range check
// and report such a value as null with a warning naming the file and offset (wtmpdb: the row ID; utmp: the
// record's offset, as an implausible record); whatever reaches a sink anyway is written as null (JSON, stream
// nil, CSV empty, text None, Timesketch no event). Floats: JSON never contains NaN or Infinity (null). Before the
// fix a wtmpdb Login of 1e300 came out as "3.1688738506811427e+286-03-01T…" in JSON and as year 0 in the stream.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { CsvSink } from "../../src/records/sinks/csv.js";
import { JsonLinesSink, formatRecordJson } from "../../src/records/sinks/jsonl.js";
import { TextSink } from "../../src/records/sinks/text.js";
import { TimesketchSink } from "../../src/records/sinks/timesketch.js";
import { decodeStream } from "../../src/records/stream/reader.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { render } from "../helpers/render.js";
import { fixture, run } from "../plugins/os/unix/log/utmp/helpers.js";
import { describeRun, runTool } from "./harness.js";
import { outOfRangeDb } from "./wtmpdb-gen.js";
import { makeHost, query, tempDir } from "./utmp-gen.js";

const dir = tempDir("dtrange");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const Rec = defineRecord("test/range", { ts: "datetime", f: "float", tl: "datetime[]", n: "varint" });

function rec(ts: Timestamp | null, f: number): AnyRecord {
  const r = Rec.create({ ts, f, tl: ts ? [ts] : [], n: 1 });
  Object.assign(r, { hostname: "h", domain: null, _source: "s", _classification: null, _generated: Timestamp.fromUnix(0), _version: 1 });
  return r;
}

const OUT = [
  Timestamp.fromParts(10000, 1, 1),
  Timestamp.fromParts(0, 12, 31, 23, 59, 59, 999999),
  Timestamp.fromUnix(-1e15),
  Timestamp.fromUnix(9e15),
];
const EDGE_IN = [Timestamp.fromParts(1, 1, 1), Timestamp.fromParts(9999, 12, 31, 23, 59, 59, 999999)];

describe("Timestamp: one range check, and no garbage", () => {
  it("secondsInRange and the …InRange constructors: years 1 … 9999, to the microsecond", () => {
    expect(Timestamp.secondsInRange(Timestamp.MIN_SECONDS)).toBe(true);
    expect(Timestamp.secondsInRange(Timestamp.MIN_SECONDS - 1)).toBe(false);
    expect(Timestamp.secondsInRange(BigInt(Timestamp.MAX_SECONDS))).toBe(true);
    expect(Timestamp.secondsInRange(BigInt(Timestamp.MAX_SECONDS) + 1n)).toBe(false);
    expect(Timestamp.secondsInRange(NaN)).toBe(false);
    expect(Timestamp.fromMicrosInRange(253402300799999999n)?.isoformat()).toBe("9999-12-31T23:59:59.999999+00:00");
    expect(Timestamp.fromMicrosInRange(253402300800000000n)).toBeNull();
    expect(Timestamp.fromMicrosInRange(-62135596800000000n)?.isoformat()).toBe("0001-01-01T00:00:00+00:00");
    expect(Timestamp.fromMicrosInRange(-62135596800000001n)).toBeNull();
    for (const v of [1e300, -1e300, Infinity, -Infinity, NaN, 2 ** 63, -(2 ** 63), 1.5]) expect(Timestamp.fromMicrosInRange(v), String(v)).toBeNull();
    for (const v of [2n ** 63n - 1n, -(2n ** 63n), 10n ** 300n]) expect(Timestamp.fromMicrosInRange(v), String(v)).toBeNull();
    expect(Timestamp.fromUnixInRange(1e20)).toBeNull();
    expect(Timestamp.fromUnixInRange(NaN)).toBeNull();
    expect(Timestamp.fromUnixInRange(1709539092, 104512)?.isoformat()).toBe("2024-03-04T07:58:12.104512+00:00");
    for (const t of OUT) expect(t.inRange()).toBe(false);
    for (const t of EDGE_IN) expect(t.inRange()).toBe(true);
  });

  it("a value that could only render as garbage is refused when built (RangeError), never silently kept", () => {
    expect(() => Timestamp.fromMicros(10n ** 300n)).toThrow(RangeError);
    expect(() => Timestamp.fromUnix(1e20)).toThrow(RangeError);
    expect(() => Timestamp.fromUnix(NaN)).toThrow(RangeError);
  });
});

describe("sinks write what they cannot carry as null", () => {
  const recs = [...OUT.map((t, i) => rec(t, [NaN, Infinity, -Infinity, 1.5][i]!)), ...EDGE_IN.map((t) => rec(t, 0.25))];

  it("JSON lines (byte encoder and string formatter): valid JSON, out-of-range datetimes and NaN/±Infinity null", async () => {
    const out = await render((o) => new JsonLinesSink(o), recs);
    const lines = out.trimEnd().split("\n").slice(1);
    expect(lines.length).toBe(recs.length);
    lines.forEach((l, i) => expect(formatRecordJson(recs[i]!)).toBe(l));
    expect(out).not.toMatch(/NaN|Infinity/);
    const parsed = lines.map((l) => JSON.parse(l) as { ts: string | null; f: number | null; tl: (string | null)[] });
    expect(parsed.map((p) => p.ts)).toEqual([null, null, null, null, "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"]);
    expect(parsed.map((p) => p.f)).toEqual([null, null, null, 1.5, 0.25, 0.25]);
    expect(parsed[0]!.tl).toEqual([null]);
  });

  it("text and CSV: None and an empty cell, as for a missing value", async () => {
    const text = await render((o) => new TextSink(o), recs.slice(0, 2));
    expect(text).toMatch(/ ts=None f=nan tl=\[None\] n=1>$/m);
    const csv = await render((o) => new CsvSink(o), recs.slice(0, 1));
    const [header, row] = csv.split("\r\n");
    const cells = Object.fromEntries(header!.split(",").map((k, i) => [k, row!.split(",")[i]]));
    expect([cells.ts, cells.f, cells.tl]).toEqual(["", "nan", "[None]"]);
  });

  it("the flow.record stream: nil, read back as null; in-range edges exact", async () => {
    const back = await decodeStream(encodeStream(recs));
    expect(back.map((r) => (r.ts as Timestamp | null)?.isoformat() ?? null)).toEqual([null, null, null, null, "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"]);
    expect(back[0]!.tl).toEqual([null]);
    expect(Number.isNaN(back[0]!.f)).toBe(true); // a float64 NaN is valid in the stream (Python reads nan)
  });

  it("Timesketch: no event for a datetime it cannot place", async () => {
    const out = await render((o) => new TimesketchSink(o), recs);
    const events = out.trimEnd().split("\n").map((l) => JSON.parse(l) as { datetime: string; timestamp_desc: string });
    // One event per datetime value it can place: `ts` and the element of the `tl` list, of the two edge records.
    expect(events.map((e) => [e.timestamp_desc, e.datetime])).toEqual([
      ["ts", "0001-01-01T00:00:00+00:00"],
      ["tl", "0001-01-01T00:00:00+00:00"],
      ["ts", "9999-12-31T23:59:59.999999+00:00"],
      ["tl", "9999-12-31T23:59:59.999999+00:00"],
    ]);
  });
});

describe("decoders report out-of-range times as null, naming file and offset", () => {
  it("utmp 400-byte layout: an int64 tv_sec beyond 9999 is an implausible record at its offset, ts null", async () => {
    const data = Buffer.alloc(400 * 3);
    for (let i = 0; i < 3; i++) {
      const b = data.subarray(i * 400, i * 400 + 400);
      b.writeInt16LE(7, 0);
      b.write("pts/0", 8);
      b.write("alice", 44);
      b.writeBigInt64LE(i === 1 ? 2n ** 62n : 1709539092n + BigInt(i), 344);
    }
    const { records, outcome } = await run({ "/var/log/wtmp": data }, "wtmp");
    expect(records.map((r) => (r.ts as Timestamp | null)?.seconds ?? null)).toEqual([1709539092, null, 1709539094]);
    expect(outcome.warnings).toEqual([{ file: "/var/log/wtmp", offset: 400, message: expect.stringContaining(`impossible tv_sec (${2 ** 62})`) }]);
  });

  it("utmp 384-byte layout: 32-bit times are always in range (2106 at most)", async () => {
    const b = Buffer.from(fixture("wtmp_y2038"));
    const { records, outcome } = await run({ "/var/log/wtmp": b }, "wtmp");
    expect(records.map((r) => (r.ts as Timestamp).isoformat())).toContain("2106-02-07T06:28:15+00:00");
    expect(outcome.warnings).toEqual([]);
  });

  it("lastlog: a 64-bit time that is no date is kept as a slot with ts null and a warning at its offset", async () => {
    const slot = Buffer.alloc(296);
    slot.writeBigInt64LE(2n ** 62n, 0);
    slot.write("pts/0", 8);
    const { records, outcome } = await run({ "/var/log/lastlog": Buffer.concat([Buffer.alloc(296), slot]), "/etc/passwd": "root:x:0:0::/root:/bin/sh\nu:x:1:1::/:/bin/sh\n" }, "lastlog");
    expect(records.map((r) => [r.uid, r.ts])).toEqual([[1, null]]);
    expect(outcome.warnings.map((w) => [w.file, w.offset])).toEqual([["/var/log/lastlog", 296]]);
  });

  it("the CLI: wtmpdb values out of range through the binary stream and rdump: null, never altered", async () => {
    const host = makeHost(dir, "range", { "var/lib/wtmpdb/wtmp.db": await outOfRangeDb() });
    const stream = path.join(dir, "range.rec");
    const w = await query([host, "-f", "wtmp", "-w", stream]);
    expect(w.code, describeRun(w)).toBe(0);
    const r = await runTool("rdump", ["-J", stream], { timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const rows = r.stdout.toString().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const ts = new Map(rows.map((o) => [o.ut_user as string, o.ts]));
    expect(Object.fromEntries(ts)).toEqual({
      reboot: "2025-09-01T08:00:00+00:00",
      ok: "2025-09-01T08:00:00.123456+00:00",
      real1e300: null,
      max: null,
      min: null,
      y10000: null,
      badlogout: "2025-09-01T09:46:40+00:00",
      inf: null,
      nan: null,
      y1: "0001-01-01T00:00:00+00:00",
      y9999: "9999-12-31T23:59:59.999999+00:00",
    });
  });
});
