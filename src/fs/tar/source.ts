// Where archive bytes come from: an open file descriptor (positioned reads, nothing buffered) or, for a small
// decompressed archive, a buffer in memory. Both only answer positioned reads.
import fs from "node:fs";

export interface ByteSource {
  readonly size: number;
  /** Read up to `length` bytes at `position`; returns the count (0 at EOF). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

export class FdSource implements ByteSource {
  private fd: number | null;
  readonly size: number;

  /** `owned`: close() closes the descriptor (false when a TempFile owns it). */
  constructor(fd: number, size?: number, private readonly owned = true) {
    this.fd = fd;
    this.size = size ?? fs.fstatSync(fd).size;
  }

  static open(path: string): FdSource {
    const fd = fs.openSync(path, "r");
    try {
      return new FdSource(fd);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (this.fd === null) throw new Error("archive is closed");
    if (position >= this.size || length <= 0) return 0;
    const n = Math.min(length, this.size - position);
    let done = 0;
    while (done < n) {
      const r = fs.readSync(this.fd, buf, offset + done, n - done, position + done);
      if (r <= 0) break;
      done += r;
    }
    return done;
  }

  close(): void {
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      if (this.owned) fs.closeSync(fd);
    }
  }
}

export class BufferSource implements ByteSource {
  constructor(private data: Uint8Array) {}

  get size(): number {
    return this.data.length;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.data.length || length <= 0) return 0;
    const n = Math.min(length, this.data.length - position);
    buf.set(this.data.subarray(position, position + n), offset);
    return n;
  }

  close(): void {
    this.data = new Uint8Array(0);
  }
}
