// The volume as ext sees it: blocks of the superblock's size, metadata blocks read whole through a small cache,
// and every block number checked against s_blocks_count and the volume's size before it is read.
import { readExact, readInto } from "../../container/bytes.js";
import { type ByteSource, DiskError } from "../../types.js";
import type { Superblock } from "./superblock.js";

/** Metadata blocks (extent tree nodes, indirect blocks, directory blocks) kept: a few MiB at most. */
const CACHE_BLOCKS = 64;

/** Where a run of logical blocks lives: `physical` null for a hole or an unwritten extent (reads as zeros). */
export interface BlockRun {
  readonly physical: number | null;
  /** Blocks from the asked-for block to the end of the run (at least 1). */
  readonly count: number;
}

/** A file's logical-to-physical block map: an extent tree or an ext2/3 block map. */
export interface BlockMapper {
  map(logical: number): BlockRun;
}

export class Ext4Volume {
  private readonly cache = new Map<number, Uint8Array>();

  constructor(
    readonly source: ByteSource,
    readonly where: string,
    readonly sb: Superblock,
  ) {}

  get blockSize(): number {
    return this.sb.blockSize;
  }

  /** A DiskError unless blocks [block, block + count) lie in the filesystem and in the volume. */
  checkRun(block: number, count: number, at: number | null, what: string): void {
    const end = block + count;
    if (!(Number.isSafeInteger(block) && block >= 0 && end <= this.sb.blocksCount)) {
      throw new DiskError(this.where, at, `${what}: block ${block} (+${count}) is outside the filesystem's ${this.sb.blocksCount} blocks`);
    }
    if (end * this.sb.blockSize > this.source.size) {
      throw new DiskError(this.where, at, `${what}: block ${block} (+${count}) is past the end of the volume (${this.source.size} bytes)`);
    }
  }

  /** One whole metadata block, cached; `at` is the byte offset of the pointer to it, for errors. */
  block(n: number, at: number | null, what: string): Uint8Array {
    const hit = this.cache.get(n);
    if (hit) {
      this.cache.delete(n);
      this.cache.set(n, hit);
      return hit;
    }
    this.checkRun(n, 1, at, what);
    const b = readExact(this.source, this.where, n * this.sb.blockSize, this.sb.blockSize, what);
    if (this.cache.size >= CACHE_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(n, b);
    return b;
  }

  /** Bytes of file data from physical block `block` at `within`, checked; `inodeAt` names the inode in errors. */
  readData(buf: Uint8Array, offset: number, length: number, block: number, within: number, blocks: number, inodeAt: number): void {
    this.checkRun(block, blocks, inodeAt, "ext file data of the inode");
    readInto(this.source, this.where, buf, offset, length, block * this.sb.blockSize + within);
  }
}
