import { describe, expect, it } from "vitest";
import { Packer } from "../../src/records/stream/msgpack.js";
import { StreamError, decodeStream, readStreamBatches } from "../../src/records/stream/reader.js";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { openRecordSource } from "../../src/records/stream/source.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { GOLDEN_HEX, goldenRecord } from "./golden.js";
import { formatRecordJson } from "../../src/records/sinks/jsonl.js";
import { formatRecordText } from "../../src/records/sinks/text.js";
import { prettyJsonFormatter } from "../../src/records/sinks/format.js";
import { prng as rng } from "../helpers/prng.js";


describe("reader on hostile input", () => {
  it("either reads or fails with a StreamError naming an offset, for 3000 mutated streams", async () => {
    const base = Buffer.concat([Buffer.from(GOLDEN_HEX, "hex"), Buffer.from(encodeStream([goldenRecord(), goldenRecord()]))]);
    const r = rng(42);
    let errors = 0;
    for (let n = 0; n < 3000; n++) {
      const b = Buffer.from(base);
      const k = 1 + Math.floor(r() * 4);
      for (let j = 0; j < k; j++) {
        const at = 19 + Math.floor(r() * (b.length - 19)); // keep the header: mutate frames
        b[at] = r() < 0.3 ? 0xff : Math.floor(r() * 256);
      }
      const cut = r() < 0.2 ? b.subarray(0, Math.floor(r() * b.length)) : b;
      try {
        // Whatever comes out must render in every format without throwing, and JSON must stay JSON.
        for (const rec of await decodeStream(cut)) {
          formatRecordText(rec);
          JSON.parse(formatRecordJson(rec));
          JSON.parse(prettyJsonFormatter()(rec));
          try {
            encodeStream([rec]); // re-encoding may refuse a value of the wrong type, with the field's name
          } catch (w) {
            expect((w as Error).message).toMatch(/^test\/golden\.\w+: /);
          }
        }
      } catch (e) {
        errors++;
        expect(e, `mutation ${n}: ${(e as Error).stack}`).toBeInstanceOf(StreamError);
        expect((e as Error).message).toMatch(/at byte offset \d+/);
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it("refuses huge declared lengths without allocating them", async () => {
    const p = new Packer();
    const f = p.beginFrame();
    p.byte(0xdd); // array32 of 2^32-1 elements in a 5-byte frame
    p.raw(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
    p.endFrame(f);
    const bytes = Buffer.concat([Buffer.from(GOLDEN_HEX, "hex").subarray(0, 19), p.bytes()]);
    await expect(decodeStream(bytes)).rejects.toThrow(/exceeds the frame.*offset 19/);
  });

  it("refuses other compressions and text with a hint", async () => {
    const one = async function* (b: Uint8Array) {
      yield b;
    };
    await expect(openRecordSource(one(Buffer.from("BZh91AY&SY")), "x.bz2")).rejects.toThrow(/bzip2-compressed/);
    await expect(openRecordSource(one(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), "x.zst")).rejects.toThrow(/zstd/);
    await expect(openRecordSource(one(Buffer.from("<test/golden hostname='h1'>\n")))).rejects.toThrow(/text output/);
  });

  it("with a bad-frame handler, skips what cannot be read and goes on with the next frame", async () => {
    const golden = Buffer.from(GOLDEN_HEX, "hex");
    const frame = golden.subarray(19 + 108); // the record frame (96 bytes)
    const bad = Buffer.from(frame);
    // The datetime ext of `ts` (d8 0e …, fixext16) becomes a 16-byte str: a string where a datetime belongs.
    const at = bad.indexOf(Buffer.from([0xd8, 0x0e]));
    bad[at] = 0xb1; // fixstr of 17 bytes = d8's type byte + 16 payload bytes, so the value stays 18 bytes long
    bad[at + 1] = 0x41;
    const stream = Buffer.concat([golden, bad, frame]);
    const errors: string[] = [];
    const recs: AnyRecord[] = [];
    for await (const batch of readStreamBatches((async function* () { yield stream; })(), undefined, (e) => errors.push(e.message))) recs.push(...batch);
    expect(recs.length).toBe(2);
    expect(errors).toEqual([`bad record: test/golden.ts: a string where the descriptor says datetime (at byte offset ${golden.length})`]);
    // Without the handler the same stream ends with that error.
    await expect(decodeStream(stream)).rejects.toThrow(/a string where the descriptor says datetime/);
  });

  it("with a bad-frame handler, 3000 mutated streams only ever end on broken framing, and every record renders", async () => {
    const base = Buffer.concat([Buffer.from(GOLDEN_HEX, "hex"), Buffer.from(encodeStream([goldenRecord(), goldenRecord()]))]);
    const r = rng(7);
    let skipped = 0;
    for (let n = 0; n < 3000; n++) {
      const b = Buffer.from(base);
      for (let j = 0; j < 3; j++) b[19 + Math.floor(r() * (b.length - 19))] = Math.floor(r() * 256);
      try {
        for await (const batch of readStreamBatches((async function* () { yield b; })(), undefined, () => skipped++)) {
          for (const rec of batch) {
            formatRecordText(rec);
            JSON.parse(formatRecordJson(rec));
            JSON.parse(formatRecordJson(rec, false));
          }
        }
      } catch (e) {
        expect((e as Error).message, `mutation ${n}`).toMatch(/truncated frame|implausible|not a flow.record stream/);
      }
    }
    expect(skipped).toBeGreaterThan(100);
  });
});
