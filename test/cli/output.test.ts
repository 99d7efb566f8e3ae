import { describe, expect, it } from "vitest";
import { chooseFormat, formatForPath } from "../../src/cli/output.js";
import { main as rdump } from "../../src/cli/rdump.js";
import { defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { captureIO } from "./helpers.js";

describe("output selection", () => {
  const piped = captureIO().io;
  const tty = captureIO({ tty: true }).io;
  it("follows dissect: text on a TTY or with -s, the stream when piped, -j JSON lines", () => {
    expect(chooseFormat({}, tty)).toBe("text");
    expect(chooseFormat({}, piped)).toBe("stream");
    expect(chooseFormat({ strings: true }, piped)).toBe("text");
    expect(chooseFormat({ json: true }, tty)).toBe("jsonl");
    expect(chooseFormat({ csv: true }, piped)).toBe("csv");
    expect(chooseFormat({ timesketch: true }, piped)).toBe("timesketch");
    expect(chooseFormat({ write: "x.csv" }, tty)).toBe("csv");
    expect(chooseFormat({ write: "x.csv", json: true }, tty)).toBe("jsonl");
    expect(() => chooseFormat({ json: true, csv: true }, tty)).toThrow(/one of/);
  });

  it("takes the format from the file name", () => {
    expect(formatForPath("a.rec")).toEqual({ format: "stream", gzip: false });
    expect(formatForPath("a.rec.gz")).toEqual({ format: "stream", gzip: true });
    expect(formatForPath("A.JSONL")).toEqual({ format: "jsonl", gzip: false });
    expect(formatForPath("a.jsonl.gz")).toEqual({ format: "jsonl", gzip: true });
    expect(formatForPath("a.csv")).toEqual({ format: "csv", gzip: false });
    expect(formatForPath("records")).toEqual({ format: "stream", gzip: false });
  });
});

describe("rdump --list on a stream with three record types", () => {
  it("names all three with their counts", async () => {
    const A = defineRecord("test/a", { x: "varint" });
    const B = defineRecord("test/b", { ts: "datetime", s: "string" });
    const C = defineRecord("test/c", { ips: "net.ipaddress[]" });
    const stamp = (r: AnyRecord): AnyRecord => Object.assign(r, { hostname: "h", domain: null, _source: null, _classification: null, _generated: Timestamp.fromUnix(0), _version: 1 });
    const recs: AnyRecord[] = [];
    for (let i = 0; i < 5; i++) recs.push(stamp(A.create({ x: i }) as unknown as AnyRecord));
    for (let i = 0; i < 2; i++) recs.push(stamp(B.create({ ts: Timestamp.fromUnix(i), s: "b" }) as unknown as AnyRecord));
    recs.push(stamp(C.create({ ips: ["10.0.0.1", "2001:db8::1"] }) as unknown as AnyRecord));
    recs.push(stamp(A.create({ x: 99 }) as unknown as AnyRecord));
    const c = captureIO({ stdin: encodeStream(recs) });
    expect(await rdump(["--list"], c.io)).toBe(0);
    const out = c.stdout().toString();
    expect(out).toContain(`# test/a (hash 0x${A.hash.toString(16).padStart(8, "0")}): 6 records\n`);
    expect(out).toContain(`# test/b (hash 0x${B.hash.toString(16).padStart(8, "0")}): 2 records\n`);
    expect(out).toContain(`# test/c (hash 0x${C.hash.toString(16).padStart(8, "0")}): 1 record\n`);
    expect(out).toContain("    net.ipaddress[] ips\n");
    expect(out.endsWith("Processed 9 records (3 descriptors)\n")).toBe(true);
  });

  it("reports a record it cannot read with its offset, skips it, and reads the rest (exit 1)", async () => {
    const A = defineRecord("test/a", { x: "varint", s: "string" });
    const mk = (x: number, str: unknown): AnyRecord =>
      Object.assign(A.create({ x, s: "ok" }) as unknown as AnyRecord, { s: str, hostname: "h", domain: null, _source: null, _classification: null, _generated: null, _version: 1 });
    // A string field holding an integer: our writer packs it as given (a dynamic value), our reader refuses it.
    const bytes = encodeStream([mk(1, "a"), mk(2, 12345), mk(3, "c")]);
    const c = captureIO({ stdin: bytes });
    expect(await rdump(["-F", "x"], c.io)).toBe(1);
    expect(c.stdout().toString()).toBe("<test/a x=1>\n<test/a x=3>\n");
    expect(c.stderr()).toMatch(/^error: <stdin>: skipped: bad record: test\/a\.s: a number where the descriptor says string \(at byte offset \d+\)\n$/);
  });
});
