// Inflating one deflated zip member, bounded by its declared size: output past it, or short of it, is an
// error naming the member (the size the index serves must be the size read). Small members are inflated in
// one call of node:zlib; large ones stream through fflate's synchronous Inflate into the archive's spill file
// (the VFS is synchronous, and node:zlib has no public synchronous streaming API). docs/loaders.md, "Zip".
import fs from "node:fs";
import zlib from "node:zlib";
import { Inflate } from "fflate";
import { crc32 as crc32Whole } from "../../util/decompress/xz-check.js";
import type { ByteSource } from "../tar/source.js";

/** CRC-32 of `b` continuing `prev` (node:zlib's when it has one: Node ≥ 20.15). */
type Crc = (b: Uint8Array, prev: number) => number;
const zcrc = (zlib as unknown as { crc32?: Crc }).crc32;

export function crc32(b: Uint8Array): number {
  return zcrc ? zcrc(b, 0) : crc32Whole(b, 0, b.length);
}

/** A member that does not inflate to what the directory says (the message names the fault, not the member). */
export class MemberDataError extends Error {}

/** The most compressed bytes a deflate stream of `size` bytes needs: stored blocks cost 5 bytes per 65535. */
export function maxDeflatedSize(size: number): number {
  return size + 5 * Math.ceil(size / 65535) + 1024;
}

/**
 * Compressed bytes per push into fflate: its output for one push is held at once, up to 1032 × the push (a 1 MiB
 * push of zeros held ~230 MiB: a 4.1 GiB member peaked at 747 MB RSS); 16 KiB holds at most ~16.5 MiB.
 */
const CHUNK = 16 * 1024;

/** Inflate into memory: `comp` is the member's whole compressed data. */
export function inflateToMemory(comp: Buffer, size: number): Buffer {
  let out: Buffer;
  try {
    out = zlib.inflateRawSync(comp, { maxOutputLength: size + 1 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) throw new MemberDataError(`inflates to more than its declared ${size} bytes`);
    throw new MemberDataError(`deflate data damaged: ${err.message}`);
  }
  if (out.length !== size) throw new MemberDataError(`inflates to ${out.length} bytes, not its declared ${size}`);
  return out;
}

/**
 * Inflate `csize` bytes at `from` in `src` into `fd` at `at`, exactly `size` bytes; `onChunk` sees the
 * running total (the archive's budget). Returns the CRC-32 of the output (null when Node cannot compute it
 * incrementally).
 */
export function inflateToFile(src: ByteSource, from: number, csize: number, size: number, fd: number, at: number, onChunk: (total: number) => void): number | null {
  let total = 0;
  let crc: number | null = zcrc ? 0 : null;
  let ended = false;
  const inf = new Inflate((d, final) => {
    if (total + d.length > size) throw new MemberDataError(`inflates to more than its declared ${size} bytes`);
    let off = 0;
    while (off < d.length) off += fs.writeSync(fd, d, off, d.length - off, at + total + off);
    total += d.length;
    if (crc !== null) crc = zcrc!(d, crc);
    onChunk(total);
    if (final) ended = true;
  });
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, csize)));
  for (let p = 0; p < csize && !ended; ) {
    const n = src.read(buf, 0, Math.min(buf.length, csize - p), from + p);
    if (n <= 0) throw new MemberDataError(`compressed data ends at ${p} of ${csize} bytes`);
    p += n;
    try {
      // fflate keeps no reference to a chunk once push returns; a copy keeps the buffer reusable anyway.
      inf.push(Uint8Array.prototype.slice.call(buf, 0, n), p >= csize);
    } catch (e) {
      if (e instanceof MemberDataError) throw e;
      throw new MemberDataError(`deflate data damaged: ${(e as Error).message}`);
    }
  }
  if (total !== size) throw new MemberDataError(`inflates to ${total} bytes, not its declared ${size}`);
  return crc;
}
