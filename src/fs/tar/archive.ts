// Opening a tar archive for random access: a plain tar is read in place through its descriptor; a gzip tar
// (recognised by its magic bytes, whatever its name) is decompressed once, into memory when small, else into
// an anonymous temporary file (see src/util/tempfile.ts) that is gone when the archive is closed.
import fs from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { Gunzip as FflateGunzip } from "fflate";
import { createTempFile, type TempFile } from "../../util/tempfile.js";
import { isTarHeader, scanHeaders, type RawMember } from "./header.js";
import { sanitizeMemberName } from "./names.js";
import { BufferSource, FdSource, type ByteSource } from "./source.js";

/** Decompressed archives up to this size stay in memory (see docs/loaders.md for the measurements). */
export const DEFAULT_MEMORY_LIMIT = 16 * 1024 * 1024;

/** QUARRY_GZIP_MEMORY_LIMIT (bytes; 0 = always a temporary file), else the default. */
export function memoryLimitFromEnv(): number {
  const v = Number(process.env.QUARRY_GZIP_MEMORY_LIMIT);
  return process.env.QUARRY_GZIP_MEMORY_LIMIT !== undefined && process.env.QUARRY_GZIP_MEMORY_LIMIT !== "" && Number.isFinite(v) && v >= 0 ? v : DEFAULT_MEMORY_LIMIT;
}

export type Compression = "none" | "gzip";

export interface TarArchive {
  readonly path: string;
  readonly src: ByteSource;
  readonly members: RawMember[];
  /** Cleaned member paths (leading "./" and "/" stripped; ".." members left out), for layout detection. */
  readonly names: string[];
  readonly warnings: string[];
  readonly compression: Compression;
  /** Where a decompressed archive lives. */
  readonly storage: "file" | "memory" | "tempfile";
  close(): void;
}

export interface OpenTarOptions {
  /** Largest decompressed size kept in memory (bytes); larger archives spill to a temporary file. */
  memoryLimit?: number;
}

const GZIP = [0x1f, 0x8b];

export function sniff(path: string): { compression: Compression | "xz" | "bzip2" | "zstd" | "unknown"; head: Buffer } {
  const fd = fs.openSync(path, "r");
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, 512, 0);
    const h = head.subarray(0, n);
    if (n >= 2 && h[0] === GZIP[0] && h[1] === GZIP[1]) return { compression: "gzip", head: h };
    if (n >= 6 && h.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return { compression: "xz", head: h };
    if (n >= 3 && h.toString("latin1", 0, 3) === "BZh") return { compression: "bzip2", head: h };
    if (n >= 4 && h.readUInt32LE(0) === 0xfd2fb528) return { compression: "zstd", head: h };
    if (n === 512 && isTarHeader(h)) return { compression: "none", head: h };
    return { compression: "unknown", head: h };
  } finally {
    fs.closeSync(fd);
  }
}

/** Does the file hold a tar, plain or gzip-compressed? Reads at most 64 KiB. */
export function looksLikeTar(path: string): boolean {
  const s = sniff(path);
  if (s.compression === "none") return true;
  if (s.compression !== "gzip") return false;
  const fd = fs.openSync(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    // Z_SYNC_FLUSH lets a truncated stream inflate as far as it goes.
    const out = zlib.gunzipSync(buf.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return out.length >= 512 && isTarHeader(out.subarray(0, 512));
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

export async function openTarArchive(path: string, opts: OpenTarOptions = {}): Promise<TarArchive> {
  const s = sniff(path);
  if (s.compression === "xz" || s.compression === "bzip2" || s.compression === "zstd") {
    throw new Error(`${s.compression}-compressed archives are not supported; decompress it first (only plain and gzip tars)`);
  }
  let src: ByteSource;
  let temp: TempFile | undefined;
  let storage: TarArchive["storage"] = "file";
  let gzWarning: string | undefined;
  if (s.compression === "gzip") {
    const r = await gunzipToSource(path, opts.memoryLimit ?? memoryLimitFromEnv());
    src = r.src;
    temp = r.temp;
    gzWarning = r.warning;
    storage = temp ? "tempfile" : "memory";
  } else {
    src = FdSource.open(path);
  }
  const close = (): void => {
    try {
      src.close();
    } finally {
      temp?.dispose();
    }
  };
  try {
    const scan = scanHeaders(src);
    if (scan.members.length === 0 && s.compression === "unknown") throw new Error("not a tar archive");
    const names: string[] = [];
    for (const m of scan.members) {
      const r = sanitizeMemberName(m.name);
      if (r.ok && r.path !== "") names.push(r.path);
    }
    const warnings = gzWarning ? [gzWarning, ...scan.warnings] : scan.warnings;
    return { path, src, members: scan.members, names, warnings, compression: s.compression === "gzip" ? "gzip" : "none", storage, close };
  } catch (e) {
    close();
    throw e;
  }
}

/**
 * Stream the gzip through node:zlib; keep the output in memory up to `limit`, then continue in a temp file.
 * File writes are asynchronous (fs.write on the thread pool) so that inflating and writing overlap.
 */
export async function gunzipToSource(path: string, limit: number): Promise<{ src: ByteSource; temp?: TempFile; warning?: string }> {
  const chunks: Buffer[] = [];
  let total = 0;
  let temp: TempFile | undefined;
  const sink = new Writable({
    highWaterMark: 8 * 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      const at = total;
      total += chunk.length;
      if (!temp && total <= limit) {
        chunks.push(chunk);
        cb();
        return;
      }
      try {
        if (!temp) {
          temp = createTempFile();
          let p = 0;
          for (const c of chunks) {
            writeAll(temp.fd, c, p);
            p += c.length;
          }
          chunks.length = 0;
        }
      } catch (e) {
        cb(e as Error);
        return;
      }
      writeAsync(temp.fd, chunk, at, cb);
    },
  });
  try {
    await pipeline(fs.createReadStream(path, { highWaterMark: 1024 * 1024 }), zlib.createGunzip({ chunkSize: 256 * 1024 }), sink);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // A truncated or damaged gzip (or garbage appended after it): keep what inflated, say so, and let the tar
    // index end where the data ends. Nothing inflated at all, or an I/O error, is a failure.
    temp?.dispose();
    if (total > 0 && (err.code === "Z_BUF_ERROR" || err.code === "Z_DATA_ERROR")) return recoverWithFflate(path, limit, err.message);
    throw new Error(`gzip decompression failed: ${err.message}`);
  }
  if (temp) return { src: new FdSource(temp.fd, total, false), temp };
  return { src: new BufferSource(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)) };
}

/**
 * The damaged-stream path (truncated gzip, garbage appended): node:zlib drops up to a chunk of output when it
 * errors, fflate's streaming Gunzip hands over every byte it inflated before the damage. It is 2–3× slower
 * (docs/loaders.md), which only matters on this rare path. The result keeps the same memory/temp-file rule.
 */
function recoverWithFflate(path: string, limit: number, zlibMessage: string): { src: ByteSource; temp?: TempFile; warning: string } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let temp: TempFile | undefined;
  const take = (d: Uint8Array): void => {
    if (!temp && total + d.length > limit) {
      temp = createTempFile();
      let p = 0;
      for (const c of chunks) {
        writeAll(temp.fd, Buffer.from(c.buffer, c.byteOffset, c.byteLength), p);
        p += c.length;
      }
      chunks.length = 0;
    }
    if (temp) writeAll(temp.fd, Buffer.from(d.buffer, d.byteOffset, d.byteLength), total);
    else chunks.push(d);
    total += d.length;
  };
  const fd = fs.openSync(path, "r");
  let damage = zlibMessage;
  try {
    const g = new FflateGunzip((d) => take(d));
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const size = fs.fstatSync(fd).size;
    let pos = 0;
    try {
      while (pos < size) {
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        pos += n;
        g.push(Uint8Array.from(buf.subarray(0, n)), pos >= size);
      }
    } catch (e) {
      damage = (e as Error).message;
    }
  } catch (e) {
    temp?.dispose();
    throw e;
  } finally {
    fs.closeSync(fd);
  }
  if (total === 0) {
    temp?.dispose();
    throw new Error(`gzip decompression failed: ${zlibMessage}`);
  }
  const warning = `gzip stream damaged after ${total} decompressed bytes (${damage}): the archive is read up to there`;
  if (temp) return { src: new FdSource(temp.fd, total, false), temp, warning };
  return { src: new BufferSource(Buffer.concat(chunks, total)), warning };
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
