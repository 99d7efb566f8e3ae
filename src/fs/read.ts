// Reading an open file within a budget: positioned reads that loop over short reads, the head of a file, and
// its lines through a fixed window. Evidence sizes are claims (a sparse 4000 MiB /etc/hostname costs no disk),
// so nothing here allocates what the file says it holds unless the caller asked for that much.
import { isAscii } from "node:buffer";
import type { FileHandle } from "./types.js";
import { decodeLenient } from "../util/text.js";

/**
 * Read `length` bytes at `position` into buf[0, length), looping over short reads; returns the bytes read
 * (fewer only where the data ends).
 */
export function readFully(src: Pick<FileHandle, "read">, buf: Uint8Array, position: number, length = buf.length): number {
  let got = 0;
  while (got < length) {
    // One read takes at most 1 GiB: fs.readSync refuses a length past 2^31 - 1.
    const n = src.read(buf, got, Math.min(length - got, 1 << 30), position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/** The whole file, however large it says it is: for callers that checked `h.size` themselves. */
export function readAll(h: FileHandle): Buffer {
  const buf = Buffer.allocUnsafe(h.size);
  const got = readFully(h, buf, 0);
  return got === h.size ? buf : buf.subarray(0, got);
}

/** The first bytes of a file. */
export interface FileHead {
  /** At most the `maxBytes` asked for. */
  data: Buffer;
  /** The file's size. */
  size: number;
  /** The file holds more than `data`. */
  truncated: boolean;
}

/** The first lines of a text file. */
export interface TextHead {
  /** Decoded leniently; when the file goes on past what was read, only up to its last "\n" (no partial line). */
  text: string;
  /** The file's size. */
  size: number;
  /** The file holds more than `text`. */
  truncated: boolean;
  /** Bytes of the file that `text` holds: where reading stopped. */
  end: number;
}

/** The head of a file as whole lines of text (see TextHead). */
export function textOfHead(head: FileHead): TextHead {
  let end = head.data.length;
  if (head.truncated) end = head.data.lastIndexOf(10) + 1;
  return { text: decodeLenient(head.data, 0, end), size: head.size, truncated: head.truncated, end };
}

/** At most the first `maxBytes` bytes of an open file. */
export function readHead(h: FileHandle, maxBytes: number): FileHead {
  const want = Math.max(0, Math.min(h.size, maxBytes));
  const buf = Buffer.allocUnsafe(want);
  const got = readFully(h, buf, 0);
  return { data: got === want ? buf : buf.subarray(0, got), size: h.size, truncated: h.size > want };
}

/** One line of a text file. */
export interface TextLine {
  /** The line without its "\n" (a "\r" before it is kept), decoded leniently; its first maxLineBytes bytes when cut. */
  text: string;
  /** 1-based. */
  lineno: number;
  /** Byte offset of the line's start in the file. */
  offset: number;
  /** The line's length in bytes, without the "\n" (more than `text` holds when it was cut). */
  bytes: number;
  /** The line was longer than maxLineBytes, or ran past `limit`: `text` is not all of it. */
  cut: boolean;
}

export interface LineOptions {
  /** Longest line kept whole (bytes); the rest of a longer line is skipped, not held. Default 1 MiB. */
  maxLineBytes?: number;
  /** Read no further than this byte of the file (a line running past it ends there). Default: to the end. */
  limit?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** 1 MiB at a time: a few system calls per megabyte of a large file, and flat memory. */
const WINDOW = 1024 * 1024;

/**
 * The lines of an open file, read through a 1 MiB window: memory stays flat whatever the file's size, and a
 * line longer than maxLineBytes costs no more than that. A last line without "\n" is a line; an empty file has
 * none. The caller closes the handle (stopping early is fine: nothing is read ahead).
 */
export function* readLines(h: FileHandle, opts: LineOptions = {}): Generator<TextLine> {
  const max = Math.max(0, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const limit = opts.limit ?? Infinity;
  const buf = Buffer.allocUnsafe(Math.min(WINDOW, Math.max(h.size, 4096)));
  let parts: Buffer[] = [];
  let kept = 0; // bytes of the current line held in parts
  let length = 0; // bytes of the current line seen
  let start = 0;
  let lineno = 1;
  let pos = 0;
  const line = (): TextLine => {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    const out = { text: decodeLenient(bytes), lineno, offset: start, bytes: length, cut: length > kept };
    parts = [];
    kept = 0;
    length = 0;
    return out;
  };
  for (;;) {
    const n = pos < limit ? h.read(buf, 0, Math.min(buf.length, limit - pos), pos) : 0;
    if (n <= 0) break;
    const chunk = n === buf.length ? buf : buf.subarray(0, n);
    // An ASCII window is decoded once; its whole lines are slices of that string (no copy, no decoding per line)
    const text = isAscii(chunk) ? chunk.toString("latin1", 0, n) : null;
    let i = 0;
    while (i < n) {
      const nl = chunk.indexOf(10, i);
      const end = nl < 0 ? n : nl;
      if (nl >= 0 && length === 0 && end - i <= max) {
        // a whole line inside the window: decoded in place
        yield { text: text !== null ? text.slice(i, end) : decodeLenient(chunk, i, end), lineno, offset: pos + i, bytes: end - i, cut: false };
        lineno++;
        start = pos + nl + 1;
        i = nl + 1;
        continue;
      }
      const take = Math.min(end - i, max - kept);
      if (take > 0) {
        parts.push(Buffer.from(chunk.subarray(i, i + take)));
        kept += take;
      }
      length += end - i;
      if (nl < 0) break;
      yield line();
      lineno++;
      start = pos + nl + 1;
      i = nl + 1;
    }
    pos += n;
  }
  if (length > 0) {
    const last = line();
    // Ended by `limit`, not by the file: the line goes on past what was read.
    if (pos >= limit && pos < h.size) last.cut = true;
    yield last;
  }
}
