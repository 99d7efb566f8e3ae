// systemd's LZ4 payload: the uncompressed size as a little-endian 64-bit integer, then one raw LZ4 block
// (LZ4_compress_default; no frame, no checksum). Decoded by the block format's own rules, as strictly as
// liblz4's LZ4_decompress_safe with an output buffer of exactly the declared size: a match may not reach
// before the start of the output nor into its last 5 bytes, literals ending within 12 bytes of the end must
// end the block, the input must end exactly where the last literals do, and the output must be exactly the
// declared size (docs/compression.md).
import { DecompressError } from "./error.js";

/** systemd stores the size in 64 bits but decodes it into a C int: a larger size is refused there too. */
export const LZ4_SIZE_MAX = 0x7fff_ffff;
/** The most one input byte yields: a match-length byte of 255 adds 255 bytes of output. */
export const LZ4_RATIO_MAX = 255;

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;

function damaged(offset: number, what: string): DecompressError {
  return new DecompressError("lz4", offset, "damaged", what);
}

export function decompressLz4(input: Uint8Array, maxOutput: number): Uint8Array {
  if (input.length <= 8) throw damaged(input.length, `payload of ${input.length} bytes is shorter than the 8-byte size prefix and a block`);
  const lo = (input[0]! | (input[1]! << 8) | (input[2]! << 16) | (input[3]! << 24)) >>> 0;
  const hi = (input[4]! | (input[5]! << 8) | (input[6]! << 16) | (input[7]! << 24)) >>> 0;
  if (hi !== 0 || lo > LZ4_SIZE_MAX) throw damaged(0, `size prefix ${(BigInt(hi) << 32n) | BigInt(lo)} is past the ${LZ4_SIZE_MAX} bytes systemd can decode`);
  const size = lo;
  if (size > maxOutput) throw new DecompressError("lz4", 0, "limit", `size prefix ${size} is past the limit of ${maxOutput} bytes`);
  const blockLength = input.length - 8;
  if (size > blockLength * LZ4_RATIO_MAX) {
    throw damaged(0, `size prefix ${size} is more than ${LZ4_RATIO_MAX} × the ${blockLength}-byte block can hold`);
  }
  const out = new Uint8Array(size);
  const n = decodeBlock(input, 8, out);
  if (n !== size) throw damaged(input.length, `block decodes to ${n} bytes, the size prefix says ${size}`);
  return out;
}

/** Decodes the raw LZ4 block input[start..] into out (its length is the declared size); returns the bytes written. */
export function decodeBlock(input: Uint8Array, start: number, out: Uint8Array): number {
  const end = input.length;
  const oend = out.length;
  let ip = start;
  let op = 0;
  if (oend === 0) {
    // liblz4 accepts an empty output only as the one-byte block "no literals, end".
    if (end - ip === 1 && input[ip] === 0) return 0;
    throw damaged(ip, "a block for an empty output must be the single byte 0");
  }
  for (;;) {
    if (ip >= end) throw damaged(ip, "block ends before its last literals");
    const token = input[ip++]!;
    let length = token >>> 4;
    if (length === 15) {
      let s: number;
      do {
        if (ip >= end) throw damaged(ip, "block ends inside a literal length");
        s = input[ip++]!;
        length += s;
      } while (s === 255);
    }
    // Literals.
    const litEnd = op + length;
    if (litEnd > oend - MF_LIMIT || ip + length > end - (2 + 1 + LAST_LITERALS)) {
      // Only the last sequence may come this close to either end; it must fill the block and the output exactly.
      if (ip + length !== end) throw damaged(ip, `literals of ${length} bytes near the end of the block do not end it`);
      if (litEnd > oend) throw damaged(ip, `literals of ${length} bytes run past the declared size ${oend}`);
      out.set(input.subarray(ip, end), op);
      return litEnd;
    }
    if (length > 0) {
      if (length <= 16) for (let i = 0; i < length; i++) out[op + i] = input[ip + i]!;
      else out.set(input.subarray(ip, ip + length), op);
      ip += length;
      op = litEnd;
    }
    // Match.
    const offsetAt = ip;
    const offset = input[ip]! | (input[ip + 1]! << 8);
    ip += 2;
    let mlen = token & 15;
    if (mlen === 15) {
      let s: number;
      do {
        if (ip >= end - LAST_LITERALS + 1) throw damaged(ip, "block ends inside a match length");
        s = input[ip++]!;
        mlen += s;
      } while (s === 255);
    }
    mlen += MIN_MATCH;
    if (offset === 0 || offset > op) throw damaged(offsetAt, `match offset ${offset} reaches before the start of the output (at ${op})`);
    const mend = op + mlen;
    if (mend > oend - LAST_LITERALS) throw damaged(offsetAt, `match of ${mlen} bytes runs into the last ${LAST_LITERALS} bytes of the declared size ${oend}`);
    let from = op - offset;
    if (offset >= mlen) out.copyWithin(op, from, from + mlen);
    else while (op < mend) out[op++] = out[from++]!;
    op = mend;
  }
}
