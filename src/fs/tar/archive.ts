// Opening a tar archive for random access: a plain tar is read in place through its descriptor; a gzip tar
// (recognised by its magic bytes, whatever its name) is decompressed once, into memory when small, else into
// an anonymous temporary file (see src/util/tempfile.ts) that is gone when the archive is closed.
import fs from "node:fs";
import { gunzipBounded, gunzipHead } from "../../util/gunzip.js";
import type { TempFile } from "../../util/tempfile.js";
import { WarningLog } from "../../util/warnings.js";
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
  /** The index's warnings (capped per kind); the layouts add theirs to the same log. */
  readonly warnings: WarningLog;
  readonly compression: Compression;
  /** Where a decompressed archive lives. */
  readonly storage: "file" | "memory" | "tempfile";
  close(): void;
}

export interface OpenTarOptions {
  /** Largest decompressed size kept in memory (bytes); larger archives spill to a temporary file. */
  memoryLimit?: number;
  /** A fixed limit on the inflated size of a gzip tar (--max-inflate), instead of the default rule. */
  maxInflate?: number;
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

/** Does the file hold a tar, plain or gzip-compressed? Reads at most 64 KiB and inflates at most ~0.5 MiB. */
export function looksLikeTar(path: string): boolean {
  const s = sniff(path);
  if (s.compression === "none") return true;
  if (s.compression !== "gzip") return false;
  try {
    const out = gunzipHead(path, 512);
    return out.length >= 512 && isTarHeader(out);
  } catch {
    return false;
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
  const log = new WarningLog();
  if (s.compression === "gzip") {
    const r = await gunzipBounded(path, { memoryLimit: opts.memoryLimit ?? memoryLimitFromEnv(), maxInflate: opts.maxInflate });
    if (r.storage === "tempfile") {
      temp = r.temp;
      src = new FdSource(r.temp.fd, r.size, false);
    } else src = new BufferSource(r.data);
    storage = r.storage;
    if (r.warning) log.add("damaged gzip stream", r.warning);
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
    const scan = scanHeaders(src, log);
    if (scan.members.length === 0 && s.compression === "unknown") throw new Error("not a tar archive");
    const names: string[] = [];
    for (const m of scan.members) {
      if (m.broken) continue;
      const r = sanitizeMemberName(m.name);
      if (r.ok && r.path !== "") names.push(r.path);
    }
    return { path, src, members: scan.members, names, warnings: log, compression: s.compression === "gzip" ? "gzip" : "none", storage, close };
  } catch (e) {
    close();
    throw e;
  }
}
