// Every payload the real libraries made (fixtures/decompress/manifest.tsv) decodes to its original exactly:
// text, binary, empty and tiny, highly compressible, multi-block and multi-frame, every xz check.
import { describe, expect, it } from "vitest";
import { decompress, DecompressError } from "../../../src/util/decompress/index.js";
import { manifest, original, payload, sha256 } from "./oracle.js";

describe("payloads made by liblz4, liblzma, libzstd and the CLIs", () => {
  for (const row of manifest()) {
    it(`${row.payload} (${row.madeBy})`, () => {
      const out = decompress(row.codec, payload(row.payload), 64 << 20);
      expect(out.length).toBe(row.length);
      expect(sha256(out)).toBe(row.sha256);
      const o = original(row.original);
      if (o) expect(Buffer.compare(Buffer.from(out), Buffer.from(o))).toBe(0);
    });
  }

  it("covers every codec with text, binary, empty, tiny and highly compressible inputs", () => {
    const rows = manifest();
    for (const codec of ["zstd", "xz", "lz4"] as const) {
      const names = rows.filter((r) => r.codec === codec).map((r) => r.original);
      for (const o of ["text-8k.log", "binary-random-4k.bin", "binary-records-64k.bin", "empty.bin", "tiny-1.txt", "repeat-1m.txt", "zeros-16m.bin", "text-400k.log"]) {
        expect(names, `${codec} ${o}`).toContain(o);
      }
    }
  });

  it("the limit is exact: the real size passes, one byte less is refused as a limit, not as damage", () => {
    for (const row of manifest().filter((r) => r.length > 0 && /^(text-8k|repeat-1m|zeros-16m|text-400k)/.test(r.payload))) {
      const p = payload(row.payload);
      expect(decompress(row.codec, p, row.length).length).toBe(row.length);
      try {
        decompress(row.codec, p, row.length - 1);
        expect.unreachable(`${row.payload} passed a limit below its size`);
      } catch (e) {
        expect(e, row.payload).toBeInstanceOf(DecompressError);
        expect((e as DecompressError).kind, row.payload).toBe("limit");
        expect((e as DecompressError).codec).toBe(row.codec);
      }
    }
  });
});
