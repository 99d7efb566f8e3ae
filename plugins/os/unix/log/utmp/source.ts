// Bytes of one artefact file: positioned reads on the target's file handle, or the inflated bytes of a gzip'd
// rotation (detected by magic, not by name; inflate.ts streams it into memory or an unlinked temporary file). A
// ChunkReader keeps a window of the file resident so that records are decoded in place, forwards or backwards,
// without ever holding a file whole; it notices a file that shrinks while it is read (logrotate truncating the
// live wtmp during an acquisition) and says where its data ended.
import { readFully, type RootFilesystem } from "quarry";
import { inflate, type ByteSource, type InflateBudget } from "./inflate.js";

export { bufferSource, type ByteSource } from "./inflate.js";

export type Magic = "gzip" | "sqlite" | "other";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

export function magicOf(head: Uint8Array): Magic {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 16 && Buffer.from(head.buffer, head.byteOffset, 16).equals(SQLITE_MAGIC)) return "sqlite";
  return "other";
}

export interface OpenedSource {
  source: ByteSource;
  /** What the (inflated) bytes are. */
  magic: Magic;
  compressed: boolean;
  /** A damaged gzip stream: what went wrong (the bytes inflated before it are the source). */
  damage?: string;
  /** The compressed file shrank while it was inflated: its size at open and where its data ended. */
  shrunk?: { from: number; to: number };
}

/**
 * Open a file of the target; a gzip file is inflated (bounded by `budget`) and its content sniffed again.
 * Throws on I/O errors, on a gzip past the budget, or one from which nothing inflates.
 */
export async function openSource(fs: RootFilesystem, path: string, budget: InflateBudget): Promise<OpenedSource> {
  const h = fs.open(path);
  let inflated;
  try {
    const head = new Uint8Array(Math.min(16, h.size));
    readFully(h, head, 0);
    const magic = magicOf(head);
    if (magic !== "gzip") return { source: closeOnce(h), magic, compressed: false };
    inflated = await inflate(h, budget);
  } catch (e) {
    h.close();
    throw e;
  }
  h.close();
  const head = new Uint8Array(Math.min(16, inflated.source.size));
  readFully(inflated.source, head, 0);
  return { source: closeOnce(inflated.source), magic: magicOf(head), compressed: true, damage: inflated.damage, shrunk: inflated.shrunk };
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

/**
 * A resident window over a source. `at(pos, len)` makes [pos, pos+len) (clamped to the size) resident. When a
 * read returns less than the source's size promised, the file shrank while it was read: `size` becomes where its
 * data ended (so walkers stop there, reading nothing stale) and `shrunk` keeps both figures for the warning.
 */
export class ChunkReader {
  buf: Buffer;
  private start = 0;
  private end = 0;
  private limit: number;
  shrunk: { from: number; to: number } | null = null;

  constructor(
    readonly src: ByteSource,
    private readonly chunk = 1 << 20,
  ) {
    this.limit = src.size;
    this.buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(src.size, 1)));
  }

  get size(): number {
    return this.limit;
  }

  /** Index of `pos` in `this.buf` with [pos, min(pos+len, size)) resident. Backwards: the window ends there. */
  at(pos: number, len: number, backward = false): number {
    const want = Math.min(pos + len, this.limit);
    if (pos >= this.start && want <= this.end) return pos - this.start;
    const span = Math.max(this.chunk, want - pos);
    let start = backward ? Math.max(0, want - span) : pos;
    let end = Math.min(this.limit, start + span);
    if (backward && end < want) end = want;
    if (start > pos) start = pos;
    if (this.buf.length < end - start) this.buf = Buffer.allocUnsafe(end - start);
    const got = readFully(this.src, this.buf.subarray(0, end - start), start);
    this.start = start;
    this.end = start + got;
    if (got < end - start) {
      // fewer bytes than the size promised: the data now ends here (a truncated file, or a source that ran dry)
      this.shrunk = { from: this.shrunk?.from ?? this.src.size, to: start + got };
      this.limit = start + got;
    }
    return pos - start;
  }

  /** Bytes resident after the index returned by `at` (less than asked only at the end of the source). */
  available(pos: number): number {
    return this.end - pos;
  }
}
