// The integrity checks an .xz stream may carry (CRC32, CRC64, SHA-256), computed as liblzma computes them.
// systemd writes LZMA_CHECK_NONE; streams made by other tools (or older writers) may use any of them.
import { createHash } from "node:crypto";

const CRC32_TABLE = new Int32Array(256);
// CRC-64/XZ (ECMA-182, reflected): the 64-bit table as two 32-bit halves.
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
{
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    CRC32_TABLE[n] = c;
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ 0xd7870f42) >>> 0;
        hi = (hi ^ 0xc96c5795) >>> 0;
      }
    }
    CRC64_LO[n] = lo;
    CRC64_HI[n] = hi;
  }
}

export function crc32(b: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC32_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** CRC64 of b[start, end) as 8 little-endian bytes (the order the stream stores it in). */
export function crc64(b: Uint8Array, start: number, end: number): Uint8Array {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = start; i < end; i++) {
    const t = (lo ^ b[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_LO[t]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC64_HI[t]!) >>> 0;
  }
  lo = ~lo >>> 0;
  hi = ~hi >>> 0;
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, lo, true);
  v.setUint32(4, hi, true);
  return out;
}

/** Bytes of the check field for each check id (xz-file-format §2.1.1.2). */
export function checkSize(id: number): number {
  return id === 0 ? 0 : 4 << Math.floor((id - 1) / 3);
}

/**
 * The check liblzma verifies for `id` over data, or null where liblzma skips it (ids it does not implement
 * are accepted unverified, as lzma_stream_decoder does without LZMA_TELL_UNSUPPORTED_CHECK).
 */
export function computeCheck(id: number, data: Uint8Array): Uint8Array | null {
  if (id === 1) {
    const c = crc32(data, 0, data.length);
    return Uint8Array.of(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24);
  }
  if (id === 4) return crc64(data, 0, data.length);
  if (id === 10) return new Uint8Array(createHash("sha256").update(data).digest());
  return null;
}
