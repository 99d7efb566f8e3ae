// Inflating a gzip'd rotation (wtmp.1.gz) so that its records can be read at any offset, forwards and
// backwards, without holding it in memory: node:zlib streams it, the output stays in memory up to a small size
// and goes on in an unlinked temporary file beyond it (src/util/tempfile.ts: nothing is left on disk, even after
// SIGKILL). Memory stays flat whatever the inflated size; the inflated size is bounded (a bomb is refused, naming
// the file). A damaged stream (truncated, garbage appended) is inflated again with fflate, which hands over every
// byte before the damage where node:zlib drops up to a chunk (docs/loaders.md has the measurements).
//
// The tar loader has its own gunzip-to-temp-file (src/fs/tar/archive.ts); this one is kept small and separate, on
// the same primitives and environment variables, so that the two can become one shared function.
import { createTempFile, type FileHandle, readFully, type TempFile } from "quarry";
import fs from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Gunzip } from "fflate";

export interface ByteSource {
  readonly size: number;
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

/** Inflated rotations up to this size stay in memory (QUARRY_GZIP_MEMORY_LIMIT, bytes; as the tar loader). */
export const DEFAULT_MEMORY_LIMIT = 16 * 1024 * 1024;
/**
 * The gzip'd rotations one function opens inflate to at most this much together (they are all opened before the
 * first record, so this bounds the temporary disk space too): a wtmp is at most a few GB (1,000,000 records are
 * 384 MB), more is a decompression bomb, and the file that passes it is refused. QUARRY_UTMP_MAX_INFLATE (bytes).
 */
export const DEFAULT_MAX_INFLATED = 4 * 1024 ** 3;

const READ_CHUNK = 1 << 20;

function envBytes(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= 0 ? v : fallback;
}

export function memoryLimit(): number {
  return envBytes("QUARRY_GZIP_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT);
}

/** What is left of the inflation bound for the files one function opens. */
export interface InflateBudget {
  remaining: number;
}

export function inflateBudget(): InflateBudget {
  return { remaining: envBytes("QUARRY_UTMP_MAX_INFLATE", DEFAULT_MAX_INFLATED) };
}

export class InflateTooLarge extends Error {}

/** Where inflated bytes go: memory up to the limit, then an unlinked temporary file. Writes are synchronous. */
class Spill {
  private chunks: Buffer[] = [];
  private temp: TempFile | null = null;
  total = 0;

  constructor(
    private readonly limit: number,
    private readonly max: number,
  ) {}

  write(d: Uint8Array): void {
    if (this.total + d.length > this.max) {
      throw new InflateTooLarge(`inflates past ${this.max} bytes (the bound left of QUARRY_UTMP_MAX_INFLATE): refused as a decompression bomb`);
    }
    const at = this.total;
    this.total += d.length;
    if (!this.temp && this.total <= this.limit) {
      this.chunks.push(Buffer.from(d)); // a copy: fflate reuses its output buffer
      return;
    }
    if (!this.temp) {
      this.temp = createTempFile("quarry-utmp-");
      let p = 0;
      for (const c of this.chunks) {
        writeAll(this.temp.fd, c, p);
        p += c.length;
      }
      this.chunks = [];
    }
    writeAll(this.temp.fd, d, at);
  }

  /** The bytes written so far as a source; the spill is empty afterwards. */
  finish(): ByteSource {
    if (this.temp) {
      const src = tempSource(this.temp, this.total);
      this.temp = null;
      return src;
    }
    const data = Buffer.concat(this.chunks, this.total);
    this.chunks = [];
    return bufferSource(data);
  }

  dispose(): void {
    this.temp?.dispose();
    this.temp = null;
    this.chunks = [];
    this.total = 0;
  }
}

function writeAll(fd: number, d: Uint8Array, position: number): void {
  let off = 0;
  while (off < d.length) off += fs.writeSync(fd, d, off, d.length - off, position + off);
}

export function bufferSource(data: Uint8Array): ByteSource {
  return {
    size: data.length,
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, data.length - position));
      buf.set(data.subarray(position, position + n), offset);
      return n;
    },
    close() {},
  };
}

function tempSource(temp: TempFile, size: number): ByteSource {
  return {
    size,
    read: (buf, offset, length, position) => fs.readSync(temp.fd, buf, offset, length, position),
    close: () => temp.dispose(),
  };
}

export interface Inflated {
  source: ByteSource;
  /** A damaged stream: what went wrong (the bytes inflated before it are the source). */
  damage?: string;
  /** The compressed file returned fewer bytes than its size at open (it shrank while it was read). */
  shrunk?: { from: number; to: number };
}

/** The compressed bytes, in chunks; stops at a short read (a file that shrank) and says where. */
function* compressedChunks(h: FileHandle, shrink: { at: number | null }): Generator<Buffer> {
  for (let pos = 0; pos < h.size; pos += READ_CHUNK) {
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, h.size - pos));
    const got = readFully(h, buf, pos);
    if (got > 0) yield got === buf.length ? buf : buf.subarray(0, got);
    if (got < buf.length) {
      shrink.at = pos + got;
      return;
    }
  }
}

/**
 * Inflate a gzip file of the target (already opened), spending from `budget`; throws InflateTooLarge past it,
 * an Error when the stream is not gzip at all.
 */
export async function inflate(h: FileHandle, budget: InflateBudget): Promise<Inflated> {
  const spill = new Spill(memoryLimit(), budget.remaining);
  const spend = (r: Inflated): Inflated => {
    budget.remaining -= r.source.size;
    return r;
  };
  const shrink: { at: number | null } = { at: null };
  const shrunk = (): Inflated["shrunk"] => (shrink.at === null ? undefined : { from: h.size, to: shrink.at });
  try {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        try {
          spill.write(chunk);
          cb();
        } catch (e) {
          cb(e as Error);
        }
      },
    });
    await pipeline(compressedChunks(h, shrink), zlib.createGunzip({ chunkSize: 256 * 1024 }), sink);
    return spend({ source: spill.finish(), shrunk: shrunk() });
  } catch (e) {
    if (e instanceof InflateTooLarge) {
      spill.dispose();
      throw e;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code !== "Z_BUF_ERROR" && err.code !== "Z_DATA_ERROR") {
      spill.dispose();
      throw e;
    }
    // truncated or corrupt: inflate again with fflate and keep everything before the damage
    spill.dispose();
    try {
      salvage(h, spill);
    } catch (s) {
      spill.dispose();
      throw s;
    }
    return spend({ source: spill.finish(), damage: `damaged gzip stream (${err.message}); ${spill.total} bytes recovered`, shrunk: shrunk() });
  }
}

/** fflate's streaming Gunzip emits every block it inflated before the damage; those bytes are kept. */
function salvage(h: FileHandle, spill: Spill): void {
  let tooLarge: InflateTooLarge | null = null;
  const g = new Gunzip((chunk) => {
    try {
      spill.write(chunk);
    } catch (e) {
      tooLarge = e as InflateTooLarge;
      throw e;
    }
  });
  try {
    let prev: Buffer | null = null;
    for (const c of compressedChunks(h, { at: null })) {
      if (prev) g.push(prev, false);
      prev = c;
    }
    if (prev) g.push(prev, true);
  } catch {
    // the damage itself: what was emitted before it is kept
  }
  if (tooLarge) throw tooLarge;
}
