// What the disk tests share: a damaged view of an image that does not copy it, SHA-256s of sources and of files
// read through a backend in odd chunk sizes (so a reader's run and block boundaries are crossed), and find's times.
import crypto from "node:crypto";
import { expect } from "vitest";
import type { ByteSource } from "../../src/disk/types.js";
import type { FsBackend } from "../../src/fs/types.js";

/** The image with some bytes replaced and maybe cut short, without copying it. */
export class PatchedSource implements ByteSource {
  private readonly patches: [number, number][];
  readonly size: number;

  constructor(
    private readonly base: Uint8Array,
    patches: Iterable<[number, number]> = [],
    size = base.length,
  ) {
    this.patches = [...patches];
    this.size = Math.min(size, base.length);
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.size || length <= 0) return 0;
    const n = Math.min(length, this.size - position);
    buf.set(this.base.subarray(position, position + n), offset);
    for (const [at, v] of this.patches) if (at >= position && at < position + n) buf[offset + at - position] = v;
    return n;
  }

  close(): void {}
}

/** SHA-256 of a whole source, read in chunks of the given (odd) sizes in turn. */
export function sha256Of(src: ByteSource, chunks: readonly number[]): string {
  const h = crypto.createHash("sha256");
  const buf = new Uint8Array(Math.max(...chunks));
  let pos = 0;
  let i = 0;
  while (pos < src.size) {
    const want = Math.min(chunks[i++ % chunks.length]!, src.size - pos);
    const n = src.read(buf, 0, want, pos);
    if (n !== want) throw new Error(`short read at ${pos}: ${n} of ${want}`);
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest("hex");
}

/** SHA-256 of a file read through a backend `chunk` bytes at a time; a read at its end gives nothing. */
export function hashFile(fs: FsBackend, p: string, chunk: number): string {
  const h = fs.open(p);
  const hash = crypto.createHash("sha256");
  const buf = new Uint8Array(chunk);
  for (let pos = 0; pos < h.size; ) {
    const n = h.read(buf, 0, chunk, pos);
    expect(n).toBeGreaterThan(0);
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  expect(h.read(buf, 0, chunk, h.size)).toBe(0);
  h.close();
  return hash.digest("hex");
}

/**
 * find's %T@ as whole seconds and microseconds (nanoseconds truncated). find prints the floor of the seconds,
 * then the nanoseconds: 1960-05-06T07:08:09.5Z is "-304707111.5000000000".
 */
export function findTime(t: string): { seconds: number; micros: number } {
  const [s, frac = ""] = t.split(".");
  return { seconds: Number(s), micros: Math.floor(Number(frac.padEnd(9, "0").slice(0, 9)) / 1000) };
}
