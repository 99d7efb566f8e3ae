// Whole writes and reads on a descriptor at an offset (a single write or read may do less than asked).
import fs from "node:fs";

/** Write all of `data` at `pos` (or at the descriptor's own offset with null). */
export function writeAll(fd: number, data: Uint8Array, pos: number | null): void {
  for (let off = 0; off < data.length; ) {
    const n = fs.writeSync(fd, data, off, data.length - off, pos === null ? null : pos + off);
    if (n <= 0) throw new Error("write made no progress");
    off += n;
  }
}

/** Read exactly buf.length bytes at `pos`; `name` says what ended early. */
export function readAll(fd: number, buf: Uint8Array, pos: number, name: string): void {
  for (let off = 0; off < buf.length; ) {
    const n = fs.readSync(fd, buf, off, buf.length - off, pos + off);
    if (n <= 0) throw new Error(`${name}: ended early`);
    off += n;
  }
}
