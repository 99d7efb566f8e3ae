// ext4 extent trees: a 12-byte header and 12-byte entries, first in i_block and then in whole blocks. A lookup
// walks from the root to one leaf; every level must have the depth its parent promised, so a walk is at most
// EXT4_MAX_EXTENT_DEPTH + 1 nodes and a block that points back up the tree is damage, not a loop.
import { le16, le32 } from "../../container/bytes.js";
import { DiskError } from "../../types.js";
import type { Inode } from "./inode.js";
import type { BlockMapper, BlockRun, Ext4Volume } from "./volume.js";

export const EXTENT_MAGIC = 0xf30a;
/** The kernel's EXT4_MAX_EXTENT_DEPTH. */
const MAX_DEPTH = 5;
/** Extent lengths past this mark an unwritten (preallocated) extent: it reads as zeros. */
const INIT_MAX_LEN = 32768;
/** Logical block numbers are 32 bits: nothing is mapped past this. */
const LOGICAL_END = 0x100000000;

export class ExtentMapper implements BlockMapper {
  constructor(
    private readonly vol: Ext4Volume,
    private readonly inode: Inode,
  ) {}

  map(logical: number): BlockRun {
    const { vol, inode } = this;
    let node = inode.iBlock;
    let nodeAt = inode.offset + 0x28;
    let expectDepth: number | null = null;
    // The end (exclusive) of the logical range this subtree covers: the next sibling's first block.
    let limit = LOGICAL_END;
    if (logical >= LOGICAL_END) return { physical: null, count: 1 };
    for (;;) {
      const what = `ext inode ${inode.ino} extent node`;
      if (le16(node, 0) !== EXTENT_MAGIC) throw new DiskError(vol.where, nodeAt, `${what}: magic 0x${le16(node, 0).toString(16)} is not 0xf30a`);
      const entries = le16(node, 2);
      const max = le16(node, 4);
      const depth = le16(node, 6);
      const room = Math.floor((node.length - 12) / 12);
      if (entries > max || max > room) throw new DiskError(vol.where, nodeAt + 2, `${what}: ${entries} entries (max ${max}) do not fit ${room}`);
      if (depth > MAX_DEPTH || (expectDepth !== null && depth !== expectDepth)) {
        throw new DiskError(vol.where, nodeAt + 6, `${what}: depth ${depth} where ${expectDepth ?? `at most ${MAX_DEPTH}`} was expected`);
      }
      if (depth === 0) return leafRun(vol.where, node, nodeAt, entries, logical, limit, what);
      // Index node: the last entry starting at or before `logical`.
      let pick = -1;
      let prev = -1;
      for (let i = 0; i < entries; i++) {
        const start = le32(node, 12 + 12 * i);
        if (start <= prev) throw new DiskError(vol.where, nodeAt + 12 + 12 * i, `${what}: index entries out of order`);
        prev = start;
        if (start <= logical) pick = i;
        else {
          limit = Math.min(limit, start);
          break;
        }
      }
      if (pick < 0) return { physical: null, count: Math.max(1, (entries > 0 ? Math.min(limit, le32(node, 12)) : limit) - logical) };
      const e = 12 + 12 * pick;
      const child = le16(node, e + 8) * 0x100000000 + le32(node, e + 4);
      const at = nodeAt + e + 4;
      node = vol.block(child, at, what);
      nodeAt = child * vol.blockSize;
      expectDepth = depth - 1;
    }
  }
}

function leafRun(where: string, node: Uint8Array, nodeAt: number, entries: number, logical: number, limit: number, what: string): BlockRun {
  let prevEnd = 0;
  for (let i = 0; i < entries; i++) {
    const e = 12 + 12 * i;
    const start = le32(node, e);
    let len = le16(node, e + 4);
    const unwritten = len > INIT_MAX_LEN;
    if (unwritten) len -= INIT_MAX_LEN;
    if (len === 0 || start < prevEnd || start + len > LOGICAL_END) {
      throw new DiskError(where, nodeAt + e, `${what}: extent ${i} (block ${start}, ${len} blocks) overlaps or is empty`);
    }
    prevEnd = start + len;
    if (logical < start) return { physical: null, count: Math.min(start, limit) - logical };
    if (logical < start + len) {
      const physical = le16(node, e + 6) * 0x100000000 + le32(node, e + 8);
      return { physical: unwritten ? null : physical + (logical - start), count: start + len - logical };
    }
  }
  return { physical: null, count: Math.max(1, limit - logical) };
}
