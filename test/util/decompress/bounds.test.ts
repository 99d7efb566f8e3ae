// Hostile claims cost nothing: a zstd frame claiming 4 GiB, an lz4 size prefix of 2^63, an xz block claiming
// 2^62 bytes, bombs whose real output passes the limit; garbage of every shape. Each is a DecompressError
// (kind "limit" or "damaged", with an offset), and the memory it took stays within the limit plus a constant.
import { describe, expect, it } from "vitest";
import { type Codec, decompress, DecompressError, JOURNAL_DATA_SIZE_MAX } from "../../../src/util/decompress/index.js";
import { prng } from "../../helpers/prng.js";
import { payload } from "./oracle.js";

const MiB = 1024 * 1024;

/** Runs f, which must throw a DecompressError; returns it and the array-buffer memory allocated meanwhile. */
function refused(f: () => unknown): { e: DecompressError; grew: number } {
  const before = process.memoryUsage().arrayBuffers;
  try {
    f();
  } catch (e) {
    const grew = process.memoryUsage().arrayBuffers - before;
    if (!(e instanceof DecompressError)) throw e;
    return { e, grew };
  }
  throw new Error("accepted");
}

// CRC32 for building hostile xz headers (a bitwise one of the test's own, not the decoder's table).
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const withCrc = (b: number[]): number[] => [...b, ...le32(crc32(Uint8Array.from(b)))];

describe("claims are bounded before anything is allocated", () => {
  it("a zstd frame claiming 4 GiB: refused as past the limit, at the frame", () => {
    // Magic, FHD (8-byte content size, single segment), size 2^32, one last RLE block of 16 bytes.
    const frame = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 1, 0, 0, 0, 0x83, 0x00, 0x00, 0x41]);
    const { e, grew } = refused(() => decompress("zstd", frame, 64 * MiB));
    expect(e.kind).toBe("limit");
    expect(e.offset).toBe(0);
    expect(e.message).toMatch(/claims 4294967296 bytes/);
    expect(grew).toBeLessThan(MiB);
    // Under a limit it fits, the claim is a hint only: the 16 bytes the frame holds are not 4 GiB.
    const r = refused(() => decompress("zstd", frame, 8 * 1024 * MiB));
    expect(r.e.kind).toBe("damaged");
    expect(r.e.message).toMatch(/inflates to 16 bytes, its header says 4294967296/);
    expect(r.grew).toBeLessThan(4 * MiB);
  });

  it("a zstd bomb without a content size (RLE blocks of 128 KiB) stops at the limit", () => {
    const blocks: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58]; // no content size, window 8 MiB
    const rle = (last: number) => [(((128 * 1024) << 3) | (1 << 1) | last) & 0xff, ((128 * 1024) << 3) >>> 8 & 0xff, ((128 * 1024) << 3) >>> 16 & 0xff, 0x5a];
    for (let i = 0; i < 8000; i++) blocks.push(...rle(i === 7999 ? 1 : 0)); // 1000 MiB from 32 KB
    const { e, grew } = refused(() => decompress("zstd", Uint8Array.from(blocks), 4 * MiB));
    expect(e.kind).toBe("limit");
    expect(e.offset).toBe(6 + 32 * 4);
    // No size stated: the buffer doubled up to the limit (the buffers it outgrew are garbage, not yet collected).
    expect(grew).toBeLessThan(2 * 4 * MiB + MiB);
  });

  it("an lz4 size prefix of 2^63, or past a C int, is damage; one past the limit is a limit", () => {
    const block = [0x10, 0x41]; // one literal
    const prefix = (lo: number, hi: number) => Uint8Array.from([...le32(lo), ...le32(hi), ...block]);
    let r = refused(() => decompress("lz4", prefix(0, 0x80000000), JOURNAL_DATA_SIZE_MAX));
    expect([r.e.kind, r.e.offset]).toEqual(["damaged", 0]);
    expect(r.e.message).toMatch(/9223372036854775808/);
    r = refused(() => decompress("lz4", prefix(0x80000000, 0), JOURNAL_DATA_SIZE_MAX));
    expect(r.e.kind).toBe("damaged");
    r = refused(() => decompress("lz4", prefix(100 * MiB, 0), MiB));
    expect([r.e.kind, r.e.offset]).toEqual(["limit", 0]);
    // 100 MiB claimed from a 2-byte block is past what lz4 can inflate to: refused before allocating it.
    r = refused(() => decompress("lz4", prefix(100 * MiB, 0), JOURNAL_DATA_SIZE_MAX));
    expect(r.e.kind).toBe("damaged");
    expect(r.grew).toBeLessThan(MiB);
  });

  it("an xz block header claiming 2^62 bytes is refused at the block", () => {
    const header = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...withCrc([0x00, 0x00]).slice(0)];
    // Block header: size byte (4 → 20 bytes), flags (uncompressed size present, 1 filter), VLI 2^62,
    // filter LZMA2 with a 1-byte property, padding, CRC32.
    const vli62 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40];
    const body = [0x04, 0x80, ...vli62, 0x21, 0x01, 0x10];
    while (body.length < 16) body.push(0);
    const xz = Uint8Array.from([...header.slice(0, 6), 0x00, 0x00, ...le32(crc32(Uint8Array.from([0, 0]))), ...withCrc(body), 0x00]);
    const { e, grew } = refused(() => decompress("xz", xz, JOURNAL_DATA_SIZE_MAX));
    expect([e.kind, e.offset]).toEqual(["limit", 12]);
    expect(e.message).toMatch(/claims more than 2\^53 bytes/);
    expect(grew).toBeLessThan(MiB);
  });

  it("real bombs (16 MiB of zeros, 1 MiB of 'A') stop at a 1 MiB limit without holding more", () => {
    for (const [name, codec] of [
      ["zeros-16m.bin.zst", "zstd"],
      ["zeros-16m.bin.xz", "xz"],
      ["zeros-16m.bin.lz4", "lz4"],
      ["repeat-1m.txt.zst", "zstd"],
    ] as [string, Codec][]) {
      const p = payload(name);
      const { e, grew } = refused(() => decompress(codec, p, MiB - 1));
      expect(e.kind, name).toBe("limit");
      expect(e.offset, name).toBeGreaterThanOrEqual(0);
      expect(grew, name).toBeLessThan(2 * MiB);
    }
  });

  it("garbage of every shape is damage, never a hang or another error", () => {
    const rnd = prng(1313);
    const shapes: Uint8Array[] = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(65536), new Uint8Array(65536).fill(0xff)];
    for (let i = 0; i < 60; i++) shapes.push(Uint8Array.from({ length: Math.floor(rnd() * 4096) }, () => Math.floor(rnd() * 256)));
    // Real magics in front of garbage, so the decoders get past their first checks.
    const magics: Record<Codec, number[]> = { zstd: [0x28, 0xb5, 0x2f, 0xfd], xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0], lz4: [0x00, 0x10, 0, 0, 0, 0, 0, 0] };
    for (const codec of ["zstd", "xz", "lz4"] as Codec[]) {
      for (const s of shapes) {
        for (const input of [s, Uint8Array.from([...magics[codec], ...s])]) {
          try {
            decompress(codec, input, 16 * MiB);
          } catch (e) {
            expect(e, codec).toBeInstanceOf(DecompressError);
            const d = e as DecompressError;
            expect(d.codec).toBe(codec);
            expect(d.offset).toBeGreaterThanOrEqual(-1);
            expect(d.offset).toBeLessThanOrEqual(input.length);
          }
        }
      }
    }
  });

  it("refuses a limit that is not a byte count", () => {
    expect(() => decompress("lz4", new Uint8Array(9), -1)).toThrow(RangeError);
    expect(() => decompress("lz4", new Uint8Array(9), Number.NaN)).toThrow(RangeError);
  });
});
