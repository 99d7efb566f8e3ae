// Inflating a whole gzip input once, within a budget (src/util/inflate-budget.ts): into memory while small,
// else into an anonymous temporary file (src/util/tempfile.ts). Past the budget, or when the temp dir's disk
// is full, the inflation stops with an error naming the compressed and inflated offsets, and the temp file is
// gone. A damaged stream (truncated, garbage appended) keeps what inflated, with a warning.
import fs from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Gunzip as FflateGunzip } from "fflate";
import { formatSize, InflateBudget, InflateLimitError } from "./inflate-budget.js";
import { createTempFile, tempRoot, type TempFile } from "./tempfile.js";

/** Positioned reads of a compressed input (a FileHandle of a target's file has this shape). */
export interface PositionedInput {
  readonly size: number;
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
}

export interface GunzipOptions {
  /** Output up to this many bytes stays in memory; beyond, it goes to a temp file (0: always a file). */
  memoryLimit: number;
  /** A fixed inflation limit (bytes) instead of the default rule (docs/loaders.md, "Budgets"). */
  maxInflate?: number;
  /** Names the input in messages; "" when the caller's own message names it. */
  label?: string;
}

export type Inflated = (
  | { storage: "memory"; data: Buffer }
  | { storage: "tempfile"; /** Owned by the caller: dispose() closes and frees it. */ temp: TempFile }
) & {
  size: number;
  /** Set when the stream was damaged and only the bytes before the damage are there. */
  warning?: string;
};

const CHUNK = 1024 * 1024;

/** Keeps inflated bytes in memory up to a limit, then in a temp file; enforces the budget on every chunk. */
class Spill {
  private chunks: Buffer[] = [];
  total = 0;
  temp: TempFile | undefined;

  constructor(
    private readonly memoryLimit: number,
    private readonly budget: InflateBudget,
    private readonly label: string,
  ) {}

  /** Account for a chunk; returns the file position to write it at, or -1 when it was kept in memory. */
  take(chunk: Buffer, compressedOffset: number): number {
    const at = this.total;
    this.total += chunk.length;
    this.budget.check(this.total, compressedOffset);
    if (!this.temp && this.total <= this.memoryLimit) {
      this.chunks.push(chunk);
      return -1;
    }
    if (!this.temp) {
      this.temp = this.createTemp(at, compressedOffset);
      let p = 0;
      try {
        for (const c of this.chunks) {
          writeAll(this.temp.fd, c, p);
          p += c.length;
        }
      } catch (e) {
        throw this.writeError(e, p, compressedOffset);
      }
      this.chunks = [];
    }
    return at;
  }

  private createTemp(at: number, compressedOffset: number): TempFile {
    try {
      return createTempFile();
    } catch (e) {
      throw this.writeError(e, at, compressedOffset);
    }
  }

  /** An I/O error of the temp file, as one clear message (ENOSPC is the usual one). */
  writeError(e: unknown, inflated: number, compressedOffset: number): Error {
    const err = e as NodeJS.ErrnoException;
    const who = this.label ? `${this.label}: ` : "";
    const where = `stopped at compressed offset ${compressedOffset}, inflated offset ${inflated}`;
    if (err.code === "ENOSPC" || err.code === "EDQUOT" || err.code === "EFBIG") {
      return new Error(
        `${who}no space left for the inflated archive in the temp dir ${tempRoot()} (${err.code}) after ${formatSize(inflated)}: ${where}; ` +
          `free space there or set QUARRY_TMPDIR to a larger disk`,
      );
    }
    return new Error(`${who}cannot write the inflated archive to a temp file in ${tempRoot()}: ${err.message}; ${where}`);
  }

  result(warning?: string): Inflated {
    if (this.temp) return { storage: "tempfile", temp: this.temp, size: this.total, warning };
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.total);
    return { storage: "memory", data, size: this.total, warning };
  }

  dispose(): void {
    this.temp?.dispose();
    this.temp = undefined;
    this.chunks = [];
  }
}

function inputSize(input: string | PositionedInput): number {
  return typeof input === "string" ? fs.statSync(input).size : input.size;
}

function readStream(input: string | PositionedInput): Readable {
  if (typeof input === "string") return fs.createReadStream(input, { highWaterMark: CHUNK });
  return Readable.from(
    (function* () {
      for (let pos = 0; pos < input.size; ) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, input.size - pos));
        const n = input.read(buf, 0, buf.length, pos);
        if (n <= 0) return;
        pos += n;
        yield buf.subarray(0, n);
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Inflate a whole gzip input (a host path, or positioned reads) within its budget. Node's zlib does the work,
 * with asynchronous writes so that inflating and writing overlap; a damaged stream is inflated again with
 * fflate, which hands over every byte before the damage (docs/loaders.md). Throws InflateLimitError past the
 * budget, and a plain Error for an I/O failure (a full temp disk) or a stream from which nothing inflates.
 */
export async function gunzipBounded(input: string | PositionedInput, opts: GunzipOptions): Promise<Inflated> {
  const label = opts.label ?? "";
  const budget = new InflateBudget(inputSize(input), opts.maxInflate, label);
  const spill = new Spill(opts.memoryLimit, budget, label);
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  const sink = new Writable({
    highWaterMark: 8 * 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      let at: number;
      try {
        at = spill.take(chunk, gunzip.bytesWritten);
      } catch (e) {
        cb(e as Error);
        return;
      }
      if (at < 0) cb();
      else writeAsync(spill.temp!.fd, chunk, at, (err) => cb(err ? spill.writeError(err, at, gunzip.bytesWritten) : null));
    },
  });
  try {
    await pipeline(readStream(input), gunzip, sink);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const inflated = spill.total;
    spill.dispose();
    // A truncated or damaged gzip (or garbage appended after it): keep what inflated, say so, and let the
    // reader end where the data ends. Nothing inflated at all, the budget, or an I/O error is a failure.
    if (inflated > 0 && (err.code === "Z_BUF_ERROR" || err.code === "Z_DATA_ERROR")) return recoverWithFflate(input, opts, err.message);
    if (e instanceof InflateLimitError || !err.code?.startsWith("Z_")) throw e;
    throw new Error(`${label ? `${label}: ` : ""}gzip decompression failed: ${err.message}`);
  }
  return spill.result();
}

/**
 * The damaged-stream path: node:zlib drops up to a chunk of output when it errors, fflate's streaming Gunzip
 * hands over every byte it inflated before the damage. It is 2–3× slower, which only matters on this rare
 * path. The same budget and memory/temp-file rule apply; a budget or write error is not "damage".
 */
function recoverWithFflate(input: string | PositionedInput, opts: GunzipOptions, zlibMessage: string): Inflated {
  const label = opts.label ?? "";
  const size = inputSize(input);
  const spill = new Spill(opts.memoryLimit, new InflateBudget(size, opts.maxInflate, label), label);
  let pos = 0;
  let fatal: Error | null = null;
  const g = new FflateGunzip((d) => {
    if (fatal) return;
    const chunk = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    try {
      const at = spill.take(chunk, pos);
      if (at >= 0) writeAll(spill.temp!.fd, chunk, at);
    } catch (e) {
      fatal = e instanceof InflateLimitError ? e : spill.writeError(e, spill.total, pos);
      throw fatal;
    }
  });
  const fd = typeof input === "string" ? fs.openSync(input, "r") : -1;
  let damage = zlibMessage;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    try {
      while (pos < size) {
        const n = fd >= 0 ? fs.readSync(fd, buf, 0, buf.length, pos) : (input as PositionedInput).read(buf, 0, buf.length, pos);
        if (n <= 0) break;
        pos += n;
        g.push(Uint8Array.from(buf.subarray(0, n)), pos >= size);
      }
    } catch (e) {
      if (fatal) throw fatal;
      damage = (e as Error).message;
    }
  } catch (e) {
    spill.dispose();
    throw e;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  if (spill.total === 0) {
    spill.dispose();
    throw new Error(`${label ? `${label}: ` : ""}gzip decompression failed: ${zlibMessage}`);
  }
  return spill.result(`gzip stream damaged after ${spill.total} decompressed bytes (${damage}): the archive is read up to there`);
}

/**
 * The first `want` bytes a gzip file inflates to (fewer if it holds fewer), for detection by content. The input
 * goes in in 512-byte steps, so a bomb inflates at most ~0.5 MiB here, and at most `maxInput` bytes are read.
 */
export function gunzipHead(path: string, want = 512, maxInput = 64 * 1024): Buffer {
  const fd = fs.openSync(path, "r");
  try {
    const input = Buffer.alloc(maxInput);
    const n = fs.readSync(fd, input, 0, maxInput, 0);
    const out: Uint8Array[] = [];
    let got = 0;
    const g = new FflateGunzip((d) => {
      out.push(d);
      got += d.length;
    });
    try {
      for (let p = 0; p < n && got < want; p += 512) g.push(input.subarray(p, Math.min(p + 512, n)), false);
    } catch {
      /* damaged: what came out so far */
    }
    return Buffer.concat(out, got).subarray(0, Math.min(got, want));
  } finally {
    fs.closeSync(fd);
  }
}

function writeAsync(fd: number, buf: Buffer, position: number, cb: (e?: Error | null) => void): void {
  fs.write(fd, buf, 0, buf.length, position, (err, n) => {
    if (err) cb(err);
    else if (n < buf.length) writeAsync(fd, buf.subarray(n), position + n, cb);
    else cb();
  });
}

function writeAll(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, position + off);
}
