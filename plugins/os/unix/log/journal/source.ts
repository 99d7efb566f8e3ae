// Positioned reads of a journal file through the target's FileHandle, a block at a time, never the whole file.
// Objects are appended in order (an entry's new DATA objects just before it, the entry arrays after it), so a
// small cache of recent blocks, shared by every file of a run, turns the reader's many small reads into few
// sequential ones.
import { readFully, type FileHandle } from "quarry";

export const BLOCK_SIZE = 64 * 1024;
/** 64 blocks of 64 KiB: 4 MiB, whatever the number of files open at once. */
export const CACHE_BLOCKS = 64;
/** A view wider than this is read on its own (not through the cache), into a buffer of its own. */
const SCRATCH_MAX = 1024 * 1024;
/** Block numbers below 2^27 (files below 8 TiB) and file keys below 2^26 make exact numeric keys. */
const BLOCKS_PER_FILE = 2 ** 27;

/** The recently read blocks of every file of a run (least recently used first out). */
export class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();
  private nextFileKey = 0;

  constructor(readonly maxBlocks = CACHE_BLOCKS) {}

  fileKey(): number {
    return this.nextFileKey++;
  }

  get(key: number): Uint8Array | undefined {
    const b = this.blocks.get(key);
    if (b !== undefined) {
      this.blocks.delete(key);
      this.blocks.set(key, b);
    }
    return b;
  }

  put(key: number, block: Uint8Array): void {
    this.blocks.set(key, block);
    if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value!);
  }

  /** Forget a closed file's blocks. */
  drop(fileKey: number): void {
    for (const k of [...this.blocks.keys()]) if (Math.floor(k / BLOCKS_PER_FILE) === fileKey) this.blocks.delete(k);
  }
}

/** One file's bytes. After a successful view(), buf[at, at + length) are the bytes asked for, until the next view(). */
export class ByteSource {
  buf: Uint8Array = new Uint8Array(0);
  at = 0;
  private scratch = Buffer.allocUnsafe(4096);
  private lastNo = -1;
  private lastBlock: Uint8Array = new Uint8Array(0);
  private readonly key: number;

  constructor(
    private readonly handle: FileHandle,
    /** The bytes the reader may use: the file's size (no object is read past it). */
    readonly size: number,
    private readonly cache: BlockCache,
  ) {
    this.key = cache.fileKey();
    if (size > BLOCKS_PER_FILE * BLOCK_SIZE) throw new RangeError(`file of ${size} bytes is too large for the block cache`);
  }

  /** False when [offset, offset + length) is not all inside the file (or the file is shorter than it said). */
  view(offset: number, length: number): boolean {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.size)) return false;
    const no = Math.floor(offset / BLOCK_SIZE);
    const start = no * BLOCK_SIZE;
    if (offset + length <= start + BLOCK_SIZE) {
      const block = this.block(no);
      if (offset + length > start + block.length) return false;
      this.buf = block;
      this.at = offset - start;
      return true;
    }
    // Across blocks: one read of its own.
    let into: Uint8Array;
    if (length <= SCRATCH_MAX) {
      if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
      into = this.scratch;
    } else into = Buffer.allocUnsafe(length);
    if (readFully(this.handle, into, offset, length) < length) return false;
    this.buf = into;
    this.at = 0;
    return true;
  }

  /** A copy of the bytes [offset, offset + length), or null past the end. */
  copy(offset: number, length: number): Uint8Array | null {
    if (!this.view(offset, length)) return null;
    return this.buf.slice(this.at, this.at + length);
  }

  private block(no: number): Uint8Array {
    if (no === this.lastNo) return this.lastBlock;
    const key = this.key * BLOCKS_PER_FILE + no;
    let block = this.cache.get(key);
    if (block === undefined) {
      const start = no * BLOCK_SIZE;
      const want = Math.min(BLOCK_SIZE, this.size - start);
      const b = Buffer.allocUnsafe(want);
      const got = readFully(this.handle, b, start, want);
      block = got < want ? b.subarray(0, got) : b;
      this.cache.put(key, block);
    }
    this.lastNo = no;
    this.lastBlock = block;
    return block;
  }

  close(): void {
    this.cache.drop(this.key);
    this.handle.close();
  }
}
