// A text log and its rotations, oldest first, read as lines with bounded memory. Shared by the text-log plugins
// (authlog, messages, audit).
//
// API (small on purpose):
//   findRotations(fs, bases)        → Rotation[]: every file of each base log (`/var/log/auth.log`): the live
//                                     file and its rotations `.1`, `.2.gz`, `-20240301`, `-20240301.gz`,
//                                     `-2024030112` (hourly), `.xz`/`.bz2`/`.zst`; each real file once; per base
//                                     oldest first, the bases in the order given.
//   openRotations(fs, rotations, ctx) → Promise<OpenedLog[]>: each file opened (a gzip inflated, bounded);
//                                     a compression quarry does not read (xz, bzip2, zstd) or a file that cannot
//                                     be opened is an error naming the file (ctx.error) and is left out.
//   for (const line of opened)      → LogLine {text, lineNumber, offset, bytes, cut}, in file order; damage
//                                     (a cut line, a truncated gzip) is a warning naming the file and the line
//                                     or offset (ctx.warn). The iterator closes the file at its end;
//                                     closeAll(opened) closes what was not read (a function stopped early).
//   opened.scan()                   → the same lines, silently and without closing: a first pass (the year of
//                                     traditional syslog lines is known only from a file's end).
//   opened.prefixes(n)              → a faster first pass: each line's first n bytes after its leading NULs,
//                                     as latin1 (within maxLineBytes, as the lines' text), one shared object.
//
// Compression is decided by the file's magic, not its name (a `.gz` that is plain text is read as text, with a
// warning). Offsets in a gzip'd rotation are offsets in its inflated bytes. Inflation goes through
// src/util/gunzip.ts: bounded (a bomb is refused, naming the file), its output in memory up to
// QUARRY_GZIP_MEMORY_LIMIT bytes for all the files of one call together, beyond it in unlinked temp files; a
// damaged stream keeps every line before the damage.
import fs from "node:fs";
import {
  gunzipBounded,
  readFully,
  readLines,
  type FileHandle,
  type FunctionContext,
  type RootFilesystem,
  type Timestamp,
} from "quarry";

export type Compression = "none" | "gzip" | "xz" | "bzip2" | "zstd";

/** One file of a log. */
export interface Rotation {
  /** The file's real path in the target (links resolved). */
  path: string;
  /** The base log it belongs to, as given to findRotations ("/var/log/auth.log"). */
  base: string;
  /** From the file's first bytes. */
  compression: Compression;
  mtime: Timestamp | null;
  /** The file's size (compressed, for a compressed rotation). */
  size: number;
  /** 0 for the live file; larger is older (`.2` is 2; dated rotations count back from the newest). */
  age: number;
}

/** One line of a log file. */
export interface LogLine {
  /** Without its "\n" (a "\r" kept); undecodable bytes as U+DC80..U+DCFF; the first maxLineBytes when cut. */
  text: string;
  /** 1-based. */
  lineNumber: number;
  /** Byte offset of the line's start (in the inflated bytes of a compressed rotation). */
  offset: number;
  /** The line's full length in bytes, without the "\n". */
  bytes: number;
  /** Longer than maxLineBytes: `text` holds its start. */
  cut: boolean;
}

export interface OpenedLog extends Iterable<LogLine> {
  readonly rotation: Rotation;
  /** Close the file (idempotent); the iterator does it at its end. */
  close(): void;
  /** The lines again, without warnings, leaving the file open: a first pass before the iteration. */
  scan(): Iterable<LogLine>;
  /**
   * Each non-empty line's first `n` bytes after its leading NUL bytes, decoded as latin1, without decoding the
   * rest: what a first pass that reads only a line's start needs. The object yielded is reused.
   */
  prefixes(n: number): Iterable<LinePrefix>;
}

export interface LinePrefix {
  prefix: string;
  lineNumber: number;
  offset: number;
}

export type Reporter = Pick<FunctionContext, "warn" | "error">;

export interface OpenOptions {
  /** Longest line kept whole; a longer one is cut there, with a warning. Default 64 KiB. */
  maxLineBytes?: number;
  /** Cut-line warnings per file; the rest are counted in one closing warning. Default 20. */
  maxWarnings?: number;
}

/** rsyslog's default message limit is 8 KiB and journald forwards up to 48 KiB: more is no log line. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
const DEFAULT_MAX_WARNINGS = 20;
const DEFAULT_MEMORY_LIMIT = 16 * 1024 * 1024;

// `.N`, `-YYYYMMDD` or `-YYYYMMDDHH` (logrotate's dateext, daily or hourly), then a compression suffix.
const SUFFIX = /^(?:\.(\d{1,6})|-(\d{8}(?:\d{2})?))?(?:\.(gz|xz|bz2|zst))?$/;

interface Found {
  path: string;
  num: number | null;
  date: string | null;
  mtime: Timestamp | null;
  size: number;
}

/**
 * The files of each base log, oldest first: numbered rotations by number (`.3.gz`, `.2.gz`, `.1`), dated ones by
 * date, then the live file. A log with both numbered and dated rotations has them ordered by mtime (the names
 * do not say which scheme came first). A file reached twice (a link) is listed once, by its real path.
 */
export function findRotations(root: RootFilesystem, bases: readonly string[]): Rotation[] {
  const seen = new Set<string>();
  const out: Rotation[] = [];
  for (const base of bases) {
    const found: Found[] = [];
    const slash = base.lastIndexOf("/");
    const dir = base.slice(0, slash) || "/";
    const name = base.slice(slash + 1);
    let entries: string[];
    try {
      entries = root.readdir(dir);
    } catch {
      continue; // no such directory: nothing of this base
    }
    for (const entry of entries) {
      if (!entry.startsWith(name)) continue;
      const m = SUFFIX.exec(entry.slice(name.length));
      if (!m) continue;
      const p = `${dir === "/" ? "" : dir}/${entry}`;
      if (!root.isFile(p)) continue;
      let real: string;
      try {
        real = root.realpath(p);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      const st = root.stat(real);
      found.push({ path: real, num: m[1] !== undefined ? Number(m[1]) : null, date: m[2] ?? null, mtime: st.mtime, size: st.size });
    }
    out.push(...ordered(found).map((f) => ({ ...withoutKeys(f, base), compression: sniff(root, f.path) })));
  }
  return out;
}

function withoutKeys(f: Found & { age: number }, base: string): Omit<Rotation, "compression"> {
  return { path: f.path, base, mtime: f.mtime, size: f.size, age: f.age };
}

function ordered(found: Found[]): (Found & { age: number })[] {
  const live = found.filter((f) => f.num === null && f.date === null);
  const rotated = found.filter((f) => f.num !== null || f.date !== null);
  const mixed = rotated.some((f) => f.num !== null) && rotated.some((f) => f.date !== null);
  const byName = (a: Found, b: Found): number => {
    if (a.num !== null && b.num !== null && a.num !== b.num) return b.num - a.num;
    if (a.date !== null && b.date !== null && a.date !== b.date) return a.date < b.date ? -1 : 1;
    // the same rotation compressed and not (a crash during compression): the older file first
    return mtimeOrder(a, b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  };
  rotated.sort(mixed ? (a, b) => mtimeOrder(a, b) || byName(a, b) : byName);
  live.sort((a, b) => mtimeOrder(a, b) || (a.path < b.path ? -1 : 1));
  const all = [...rotated, ...live];
  return all.map((f, i) => ({ ...f, age: f.num === null && f.date === null ? 0 : all.length - live.length - i }));
}

function mtimeOrder(a: Found, b: Found): number {
  if (!a.mtime || !b.mtime) return 0;
  return a.mtime.compare(b.mtime);
}

const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

/** The compression a file's first bytes show ("none" when it cannot be read: opening it will say why). */
function sniff(root: RootFilesystem, path: string): Compression {
  let h: FileHandle;
  try {
    h = root.open(path);
  } catch {
    return "none";
  }
  try {
    const head = Buffer.alloc(6);
    const n = readFully(h, head, 0, Math.min(6, h.size));
    return compressionOf(head.subarray(0, n));
  } finally {
    h.close();
  }
}

export function compressionOf(head: Uint8Array): Compression {
  const starts = (magic: readonly number[]): boolean => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  if (starts([0x1f, 0x8b])) return "gzip";
  if (starts(XZ)) return "xz";
  if (starts(ZSTD)) return "zstd";
  // "BZh" and a block size digit
  if (starts([0x42, 0x5a, 0x68]) && head.length >= 4 && head[3]! >= 0x31 && head[3]! <= 0x39) return "bzip2";
  return "none";
}

const NAMED: Record<string, Compression> = { gz: "gzip", xz: "xz", bz2: "bzip2", zst: "zstd" };
const TOOL: Record<string, string> = { xz: "xz -dk", bzip2: "bunzip2 -k", zstd: "zstd -d" };

function memoryLimit(): number {
  const raw = process.env.QUARRY_GZIP_MEMORY_LIMIT;
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= 0 ? v : DEFAULT_MEMORY_LIMIT;
}

/**
 * Open the files (in the order given). Gzip'd ones are inflated now, so that reading them later is synchronous:
 * their output shares one memory allowance (QUARRY_GZIP_MEMORY_LIMIT), the rest goes to unlinked temp files.
 */
export async function openRotations(root: RootFilesystem, rotations: readonly Rotation[], rep: Reporter, opts: OpenOptions = {}): Promise<OpenedLog[]> {
  const out: OpenedLog[] = [];
  let memoryLeft = memoryLimit();
  try {
    for (const r of rotations) {
      const ext = /\.(gz|xz|bz2|zst)$/.exec(r.path)?.[1];
      if (r.compression !== "none" && r.compression !== "gzip") {
        rep.error({ message: `${r.compression}-compressed rotation not supported: not read (decompress a copy with ${TOOL[r.compression]} and query that)`, file: r.path });
        continue;
      }
      if (ext && NAMED[ext] !== r.compression) {
        const what = r.compression === "gzip" ? "gzip" : "plain text";
        rep.warn({ message: `named as ${NAMED[ext]}-compressed but its bytes are ${what}: read as ${what}`, file: r.path });
      }
      let h: FileHandle;
      try {
        h = root.open(r.path);
      } catch (e) {
        rep.error({ message: `cannot open: ${(e as Error).message}`, file: r.path });
        continue;
      }
      if (r.compression === "none") {
        out.push(opened(r, h, null, rep, opts));
        continue;
      }
      try {
        const inf = await gunzipBounded(h, { memoryLimit: memoryLeft, label: "" });
        if (inf.storage === "memory") memoryLeft -= inf.size;
        const source = inf.storage === "memory" ? memoryHandle(inf.data) : tempHandle(inf.temp.fd, inf.size, () => inf.temp.dispose());
        out.push(opened(r, source, inf.warning === undefined ? null : { message: inf.warning, at: inf.size }, rep, opts));
      } catch (e) {
        rep.error({ message: `cannot inflate: ${(e as Error).message}`, file: r.path });
      } finally {
        h.close();
      }
    }
  } catch (e) {
    closeAll(out);
    throw e;
  }
  return out;
}

/** Close every file not read to its end. */
export function closeAll(logs: readonly OpenedLog[]): void {
  for (const l of logs) l.close();
}

function memoryHandle(data: Buffer): FileHandle {
  return {
    size: data.length,
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, data.length - position));
      if (n > 0) buf.set(data.subarray(position, position + n), offset);
      return n;
    },
    close() {},
  };
}

function tempHandle(fd: number, size: number, dispose: () => void): FileHandle {
  return { size, read: (buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position), close: dispose };
}

function opened(rotation: Rotation, h: FileHandle, damage: { message: string; at: number } | null, rep: Reporter, opts: OpenOptions): OpenedLog {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxWarnings = opts.maxWarnings ?? DEFAULT_MAX_WARNINGS;
  let open = true;
  const close = (): void => {
    if (open) {
      open = false;
      h.close();
    }
  };
  const file = rotation.path;
  return {
    rotation,
    close,
    *prefixes(n: number) {
      yield* linePrefixes(h, n, maxLineBytes);
    },
    *scan() {
      for (const l of readLines(h, { maxLineBytes })) yield { text: l.text, lineNumber: l.lineno, offset: l.offset, bytes: l.bytes, cut: l.cut };
    },
    *[Symbol.iterator]() {
      let cuts = 0;
      let last: LogLine | null = null;
      try {
        for (const l of readLines(h, { maxLineBytes })) {
          const line: LogLine = { text: l.text, lineNumber: l.lineno, offset: l.offset, bytes: l.bytes, cut: l.cut };
          if (l.cut && ++cuts <= maxWarnings) {
            rep.warn({ message: `line ${l.lineno} is ${l.bytes} bytes long: only its first ${maxLineBytes} bytes are kept`, file, offset: l.offset });
          }
          last = line;
          yield line;
        }
        if (cuts > maxWarnings) rep.warn({ message: `${cuts - maxWarnings} more lines longer than ${maxLineBytes} bytes (cut, not reported one by one)`, file });
        if (damage) {
          const tail = last && last.offset + last.bytes === damage.at ? `; its last line (line ${last.lineNumber}) ends at the damage and may be incomplete` : "";
          rep.warn({ message: `${damage.message}: ${last ? last.lineNumber : 0} lines read before the damage${tail}`, file, offset: damage.at });
        }
      } finally {
        close();
      }
    },
  };
}

/** The 1 MiB window of the first pass: lines are found with indexOf, only their first bytes decoded. */
const PREFIX_WINDOW = 1024 * 1024;

function* linePrefixes(h: FileHandle, n: number, maxLineBytes: number): Generator<LinePrefix> {
  const buf = Buffer.allocUnsafe(Math.min(PREFIX_WINDOW, Math.max(h.size, 4096)));
  const out: LinePrefix = { prefix: "", lineNumber: 0, offset: 0 };
  // the text of a line is its first maxLineBytes bytes: NULs and the prefix are looked for within them
  const within = Math.min(maxLineBytes, buf.length);
  let lineno = 0;
  let pos = 0;
  const emit = (w: Buffer, from: number, to: number): boolean => {
    lineno++;
    const limit = Math.min(to, from + within);
    let q = from;
    while (q < limit && w[q] === 0) q++;
    if (q >= limit) return false;
    out.prefix = w.toString("latin1", q, Math.min(limit, q + n));
    out.lineNumber = lineno;
    out.offset = pos + from;
    return true;
  };
  for (;;) {
    const got = h.read(buf, 0, buf.length, pos);
    if (got <= 0) return;
    const w = got === buf.length ? buf : buf.subarray(0, got);
    let i = 0;
    for (;;) {
      const nl = w.indexOf(10, i);
      if (nl >= 0) {
        if (emit(w, i, nl)) yield out;
        i = nl + 1;
        if (i < got) continue;
        pos += got;
        break;
      }
      // no newline in the rest of the window
      if (pos + got >= h.size || got < buf.length) {
        if (i < got && emit(w, i, got)) yield out; // the last line, without its "\n"
        return;
      }
      if (i > 0) {
        pos += i; // read again from this line's start
        break;
      }
      // a line longer than the window: its start now, then on to its end
      if (emit(w, 0, got)) yield out;
      let p = pos + got;
      for (;;) {
        const m = h.read(buf, 0, buf.length, p);
        if (m <= 0) return;
        const k = buf.subarray(0, m).indexOf(10);
        if (k >= 0) {
          p += k + 1;
          break;
        }
        p += m;
      }
      pos = p;
      break;
    }
  }
}
