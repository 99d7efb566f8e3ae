// Bytes of one artefact file: positioned reads on the target's file handle, or the inflated bytes of a gzip'd
// rotation (detected by magic, not by name). A ChunkReader keeps a window of the file resident so that
// records are decoded in place, forwards or backwards, without ever holding a plain file whole.
import zlib from "node:zlib";
import { Gunzip } from "fflate";
import { readFully, type RootFilesystem } from "../../../../../src/fs/root.js";

export interface ByteSource {
  readonly size: number;
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

export type Magic = "gzip" | "sqlite" | "other";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
/** A gzip'd rotation is inflated whole; beyond this it is refused (a decompression bomb, not a wtmp). */
export const MAX_INFLATED = 1 << 30;

export function magicOf(head: Uint8Array): Magic {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 16 && Buffer.from(head.buffer, head.byteOffset, 16).equals(SQLITE_MAGIC)) return "sqlite";
  return "other";
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

export interface OpenedSource {
  source: ByteSource;
  /** What the (inflated) bytes are. */
  magic: Magic;
  compressed: boolean;
  /** A damaged gzip stream: what went wrong (the bytes inflated before it are the source). */
  damage?: string;
}

/** Open a file of the target; a gzip file is inflated (its content sniffed again). Throws on I/O or gzip errors. */
export function openSource(fs: RootFilesystem, path: string): OpenedSource {
  const h = fs.open(path);
  const head = new Uint8Array(Math.min(16, h.size));
  readFully(h, head, 0);
  const magic = magicOf(head);
  if (magic !== "gzip") return { source: closeOnce(h), magic, compressed: false };
  const packed = Buffer.allocUnsafe(h.size);
  try {
    readFully(h, packed, 0);
  } finally {
    h.close();
  }
  let data: Buffer;
  let damage: string | undefined;
  try {
    data = zlib.gunzipSync(packed, { maxOutputLength: MAX_INFLATED });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
      throw new Error(`gzip content larger than ${MAX_INFLATED} bytes: refused`);
    }
    // truncated or corrupt: keep what inflates before the damage
    const r = inflatePartial(packed);
    data = r.data;
    damage = `damaged gzip stream (${(e as Error).message}); ${data.length} bytes recovered`;
  }
  return { source: bufferSource(data), magic: magicOf(data.subarray(0, 16)), compressed: true, damage };
}

/** Inflate as far as the stream allows (fflate's streaming Gunzip emits every block before the damage). */
function inflatePartial(packed: Uint8Array): { data: Buffer } {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const g = new Gunzip((chunk) => {
    if (total + chunk.length > MAX_INFLATED) throw new Error("too large");
    chunks.push(chunk);
    total += chunk.length;
  });
  try {
    g.push(packed, true);
  } catch {
    // the damage itself: what was emitted before it is kept
  }
  return { data: Buffer.concat(chunks, total) };
}

/** close() may be called again (a function stopped early closes what it opened); the handle closes once. */
function closeOnce(h: ByteSource): ByteSource {
  let open = true;
  return {
    size: h.size,
    read: (buf, offset, length, position) => h.read(buf, offset, length, position),
    close() {
      if (open) {
        open = false;
        h.close();
      }
    },
  };
}

/** A resident window over a source. `at(pos, len)` makes [pos, pos+len) (clamped to the size) resident. */
export class ChunkReader {
  buf: Buffer;
  private start = 0;
  private end = 0;

  constructor(
    readonly src: ByteSource,
    private readonly chunk = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(src.size, 1)));
  }

  get size(): number {
    return this.src.size;
  }

  /** Index of `pos` in `this.buf` with [pos, min(pos+len, size)) resident. Backwards: the window ends there. */
  at(pos: number, len: number, backward = false): number {
    const want = Math.min(pos + len, this.src.size);
    if (pos >= this.start && want <= this.end) return pos - this.start;
    const span = Math.max(this.chunk, want - pos);
    let start = backward ? Math.max(0, want - span) : pos;
    let end = Math.min(this.src.size, start + span);
    if (backward && end < want) end = want;
    if (start > pos) start = pos;
    if (this.buf.length < end - start) this.buf = Buffer.allocUnsafe(end - start);
    const got = readFully(this.src, this.buf.subarray(0, end - start), start);
    this.start = start;
    this.end = start + got;
    return pos - start;
  }

  /** Bytes resident after the index returned by `at` (less than asked only at the end of the source). */
  available(pos: number): number {
    return this.end - pos;
  }
}
