// zstd's backward bitstream (RFC 8878 §4.1): written forwards, read from its last byte backwards; the highest
// set bit of the last byte marks where the data starts. Bits past the stream's start read as zero (as libzstd's
// container does) and leave `pos` negative, which the callers treat as damage ("read past its start").
import { DecompressError } from "./error.js";

export function zstdDamaged(offset: number, what: string): DecompressError {
  return new DecompressError("zstd", offset, "damaged", what);
}

export class BackwardBits {
  src: Uint8Array = new Uint8Array(0);
  /** The stream's first byte in src. */
  start = 0;
  /** Bits left to read; the next read takes bits [pos-n, pos). */
  pos = 0;

  /** Opens the stream src[start, end) (end > start). */
  init(src: Uint8Array, start: number, end: number): void {
    if (end <= start) throw zstdDamaged(start, "empty bitstream");
    const last = src[end - 1]!;
    if (last === 0) throw zstdDamaged(end - 1, "bitstream's last byte has no start marker");
    this.src = src;
    this.start = start;
    this.pos = (end - 1 - start) * 8 + (31 - Math.clz32(last));
  }

  /** The next n bits (0 ≤ n ≤ 31), the first read bit the most significant. */
  read(n: number): number {
    const p = this.pos - n;
    this.pos = p;
    if (p >= 0 && n <= 24) {
      const src = this.src;
      const i = this.start + (p >>> 3);
      const v = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> (p & 7);
      return v & ((1 << n) - 1);
    }
    return this.slow(p, n);
  }

  /** The next n bits without consuming them (n ≤ 24). */
  peek(n: number): number {
    const p = this.pos - n;
    if (p >= 0) {
      const src = this.src;
      const i = this.start + (p >>> 3);
      const v = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> (p & 7);
      return v & ((1 << n) - 1);
    }
    return this.slow(p, n);
  }

  /** Bits [p, p+n), those below 0 as zeros; n ≤ 31. */
  private slow(p: number, n: number): number {
    let v = 0;
    for (let b = p + n - 1; b >= p; b--) {
      const bit = b < 0 ? 0 : (this.src[this.start + (b >>> 3)]! >>> (b & 7)) & 1;
      v = v * 2 + bit;
    }
    return v;
  }
}
