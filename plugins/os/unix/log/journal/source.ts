// Positioned reads of a journal file through the target's FileHandle, a block at a time, never the whole file.
// Objects are appended in order (an entry's new DATA objects just before it, the entry arrays after it), so a
// small cache of recent blocks, shared by every file of a run, turns the reader's many small reads into few
// sequential ones.
import { readFully, type FileHandle } from "quarry";

export const BLOCK_SIZE = 8 * 1024;
/** 512 blocks of 8 KiB: 4 MiB, whatever the number of files open at once. Small blocks, because a DATA object
 * an entry shares with one written long before costs a block read (64 KiB blocks: 3 s more system time a
 * million entries). */
export const CACHE_BLOCKS = 512;
/** A view across blocks up to this size is joined from cached blocks; a wider one is read on its own. */
const JOIN_MAX = 8 * BLOCK_SIZE;
/** Views up to this size reuse one scratch buffer; a wider one gets a buffer of its own. */
const SCRATCH_MAX = 1024 * 1024;
/** Block numbers below 2^27 (files below 1 TiB) and file keys below 2^26 make exact numeric keys. */
const BLOCKS_PER_FILE = 2 ** 27;

/** A cached block: `key` says whose bytes `buf[0, length)` hold now (a block is reused when evicted). */
export interface Block {
  key: number;
  buf: Buffer;
  length: number;
}

/**
 * The recently read blocks of every file of a run, least recently used first out. An evicted block's buffer
 * is reused for the next read: a run allocates its blocks once (a block read and dropped per 64 KiB of journal
 * would leave the garbage collector hundreds of MB of buffers to find).
 */
export class BlockCache {
  private readonly blocks = new Map<number, Block>();
  private nextFileKey = 0;

  constructor(readonly maxBlocks = CACHE_BLOCKS) {}

  fileKey(): number {
    return this.nextFileKey++;
  }

  get(key: number): Block | undefined {
    const b = this.blocks.get(key);
    if (b !== undefined) {
      this.blocks.delete(key);
      this.blocks.set(key, b);
    }
    return b;
  }

  /** A block to read `key` into: a new one while the cache has room, else the least recently used one. */
  take(key: number): Block {
    let b: Block;
    if (this.blocks.size < this.maxBlocks) b = { key, buf: Buffer.allocUnsafe(BLOCK_SIZE), length: 0 };
    else {
      const oldest = this.blocks.keys().next().value!;
      b = this.blocks.get(oldest)!;
      this.blocks.delete(oldest);
      b.key = key;
    }
    b.length = 0;
    this.blocks.set(key, b);
    return b;
  }

  /** Forget a closed file's blocks. */
  drop(fileKey: number): void {
    for (const [k, b] of [...this.blocks]) {
      if (Math.floor(k / BLOCKS_PER_FILE) === fileKey) {
        this.blocks.delete(k);
        b.key = -1;
      }
    }
  }
}

/** One file's bytes. After a successful view(), buf[at, at + length) are the bytes asked for, until the next view(). */
export class ByteSource {
  buf: Uint8Array = new Uint8Array(0);
  at = 0;
  private scratch = Buffer.allocUnsafe(4096);
  /** The block of the last view: still ours while its key is the one we read it as. */
  private last: Block = { key: -1, buf: Buffer.alloc(0), length: 0 };
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
      this.buf = block.buf;
      this.at = offset - start;
      return true;
    }
    let into: Uint8Array;
    if (length <= SCRATCH_MAX) {
      if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
      into = this.scratch;
    } else into = Buffer.allocUnsafe(length);
    if (length <= JOIN_MAX) {
      // Across a few blocks (an object on a block boundary): joined from the cached blocks, no read of its own.
      let at = offset;
      let done = 0;
      while (done < length) {
        const b = Math.floor(at / BLOCK_SIZE);
        const block = this.block(b);
        const from = at - b * BLOCK_SIZE;
        const n = Math.min(length - done, block.length - from);
        if (n <= 0) return false;
        into.set(block.buf.subarray(from, from + n), done);
        done += n;
        at += n;
      }
    } else if (readFully(this.handle, into, offset, length) < length) return false;
    this.buf = into;
    this.at = 0;
    return true;
  }

  /** A copy of the bytes [offset, offset + length), or null past the end. */
  copy(offset: number, length: number): Uint8Array | null {
    if (!this.view(offset, length)) return null;
    // new Uint8Array(view) copies (a Buffer's slice() would not: the block is reused)
    return new Uint8Array(this.buf.subarray(this.at, this.at + length));
  }

  private block(no: number): Block {
    const key = this.key * BLOCKS_PER_FILE + no;
    if (this.last.key === key) return this.last;
    let block = this.cache.get(key);
    if (block === undefined) {
      block = this.cache.take(key);
      const start = no * BLOCK_SIZE;
      block.length = readFully(this.handle, block.buf, start, Math.min(BLOCK_SIZE, this.size - start));
    }
    this.last = block;
    return block;
  }

  close(): void {
    this.cache.drop(this.key);
    this.handle.close();
  }
}
