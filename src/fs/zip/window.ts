// Positioned reads of a zip through a sliding window: the central directory is walked entry by entry without
// reading it whole into memory (it may be as large as the archive claims) and without one syscall per field.
import type { ByteSource } from "../tar/source.js";

const WINDOW = 1024 * 1024;

export class Window {
  private buf = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly src: ByteSource) {}

  /** The bytes [pos, pos + len) of the archive, or null when the archive ends before them. */
  bytes(pos: number, len: number): Buffer | null {
    if (pos < 0 || len < 0 || pos + len > this.src.size) return null;
    if (pos < this.start || pos + len > this.start + this.buf.length) {
      const size = Math.min(Math.max(WINDOW, len), this.src.size - pos);
      const b = Buffer.allocUnsafe(size);
      const n = this.src.read(b, 0, size, pos);
      if (n < len) return null;
      this.buf = b.subarray(0, n);
      this.start = pos;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + len);
  }
}
