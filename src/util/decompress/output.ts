// The output of one decompression: a buffer that grows by doubling, never past the caller's limit, so the
// memory one payload costs follows the bytes it really produces, not what its header claims.
import { type Codec, DecompressError } from "./error.js";

/** Below this much, a first allocation costs nothing worth saving: start with it when nothing better is known. */
const FIRST_CHUNK = 64 * 1024;

export class Output {
  buf: Uint8Array;
  pos = 0;

  /**
   * `expected`: the size the stream says it has, or -1 (a hint only: sizes in evidence are claims); `ratio`:
   * the most one input byte can inflate to in this format, so a claim costs at most ratio × the input. An
   * honest claim is allocated exactly; without one the buffer doubles as output arrives (while it grows, the
   * old and the new buffer live together: at most 1.5 × the limit, for payloads that state no size).
   */
  constructor(
    readonly codec: Codec,
    readonly limit: number,
    expected: number,
    inputLength: number,
    ratio: number,
  ) {
    const plausible = Math.max(FIRST_CHUNK, inputLength * ratio);
    this.buf = new Uint8Array(Math.min(limit, expected >= 0 ? Math.min(expected, plausible) : Math.max(FIRST_CHUNK, inputLength * 4)));
  }

  /** Room for `n` more bytes (grows the buffer), or a "limit" error naming `offset` in the input. */
  reserve(n: number, offset: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    if (need > this.limit) throw this.overLimit(offset);
    let size = Math.max(this.buf.length * 2, FIRST_CHUNK);
    while (size < need) size *= 2;
    // Close to the limit, go to it at once rather than by one more small step.
    if (size >= this.limit * 0.75) size = this.limit;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  overLimit(offset: number): DecompressError {
    return new DecompressError(this.codec, offset, "limit", `output would pass the limit of ${this.limit} bytes`);
  }

  /** The bytes produced (a view when the buffer is exactly full, else a copy trimmed to size). */
  result(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.slice(0, this.pos);
  }
}
