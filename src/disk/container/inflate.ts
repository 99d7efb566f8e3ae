// Compressed blocks: qcow2 clusters (raw deflate or one zstd frame, then padding to the sector) and VMDK grains
// (zlib). The output is bounded by the block size whatever the stream says; any failure is a DiskError.
import zlib from "node:zlib";
import { decompress, DecompressError } from "../../util/decompress/index.js";
import { DiskError } from "../types.js";
import { le32 } from "./bytes.js";

export function inflateBlock(codec: "deflate-raw" | "zlib" | "zstd", input: Uint8Array, blockSize: number, where: string, at: number): Uint8Array {
  let out: Uint8Array;
  try {
    if (codec === "zstd") out = decompress("zstd", input.subarray(0, zstdFrameEnd(input, where, at)), blockSize);
    else {
      const opts = { maxOutputLength: blockSize, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      out = codec === "zlib" ? zlib.inflateSync(input, opts) : zlib.inflateRawSync(input, opts);
    }
  } catch (e) {
    if (e instanceof DiskError) throw e;
    const why = e instanceof DecompressError || e instanceof Error ? e.message : String(e);
    throw new DiskError(where, at, `compressed block does not inflate (${codec}): ${why}`);
  }
  if (out.length > blockSize) throw new DiskError(where, at, `compressed block inflates past ${blockSize} bytes`);
  if (out.length < blockSize) {
    // a stream that ends early leaves the rest of the block as zeros, as qemu reads a short final grain
    const full = new Uint8Array(blockSize);
    full.set(out);
    return full;
  }
  return out;
}

/**
 * Where the zstd frame at the start of `b` ends (RFC 8878 §3.1.1): qcow2 pads a compressed cluster to the
 * sector, so the bytes after the frame are not a next frame. Walks the frame header and block headers only.
 */
function zstdFrameEnd(b: Uint8Array, where: string, at: number): number {
  if (b.length < 6 || le32(b, 0) !== 0xfd2fb528) throw new DiskError(where, at, "compressed cluster has no zstd frame magic");
  const fhd = b[4]!;
  const single = (fhd >> 5) & 1;
  const fcs = [single ? 1 : 0, 2, 4, 8][fhd >> 6]!;
  let p = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + fcs;
  for (;;) {
    if (p + 3 > b.length) throw new DiskError(where, at + p, "zstd block header runs past the compressed cluster");
    const h = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    const type = (h >> 1) & 3;
    if (type === 3) throw new DiskError(where, at + p, "zstd block of the reserved type");
    p += 3 + (type === 1 ? 1 : h >>> 3);
    if (p > b.length) throw new DiskError(where, at + p, "zstd block runs past the compressed cluster");
    if (h & 1) break;
  }
  if ((fhd >> 2) & 1) p += 4;
  if (p > b.length) throw new DiskError(where, at + p, "zstd checksum runs past the compressed cluster");
  return p;
}
