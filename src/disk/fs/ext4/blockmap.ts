// ext2/3 block maps: i_block holds 12 direct block pointers, then one single, one double and one triple indirect
// pointer; an indirect block is an array of 32-bit block numbers. Zero is a hole. The depth is fixed by the
// logical block number, so a lookup reads at most three indirect blocks.
import { le32 } from "../../container/bytes.js";
import { DiskError } from "../../types.js";
import type { Inode } from "./inode.js";
import type { BlockMapper, BlockRun, Ext4Volume } from "./volume.js";

const DIRECT = 12;

export class IndirectMapper implements BlockMapper {
  /** Pointers per indirect block. */
  private readonly per: number;

  constructor(
    private readonly vol: Ext4Volume,
    private readonly inode: Inode,
  ) {
    this.per = vol.blockSize / 4;
  }

  map(logical: number): BlockRun {
    const { inode, per } = this;
    const iBlockAt = inode.offset + 0x28;
    if (logical < DIRECT) return run(inode.iBlock, logical, DIRECT);
    let rel = logical - DIRECT;
    let span = per;
    for (let level = 1; level <= 3; level++) {
      if (rel < span) {
        const slot = DIRECT + level - 1;
        return this.indirect(le32(inode.iBlock, 4 * slot), iBlockAt + 4 * slot, level, rel);
      }
      rel -= span;
      span *= per;
    }
    throw new DiskError(this.vol.where, inode.offset, `ext inode ${inode.ino}: block ${logical} is past the triple indirect range`);
  }

  /** `ptr` names an indirect block of `level` (1: it holds data block numbers); rel < per^level. */
  private indirect(ptr: number, ptrAt: number, level: number, rel: number): BlockRun {
    const span = this.per ** (level - 1);
    if (ptr === 0) return { physical: null, count: span * this.per - rel };
    const b = this.vol.block(ptr, ptrAt, `ext inode ${this.inode.ino} indirect block`);
    const i = Math.floor(rel / span);
    if (level === 1) return run(b, i, this.per);
    return this.indirect(le32(b, 4 * i), ptr * this.vol.blockSize + 4 * i, level - 1, rel - i * span);
  }
}

/** The run starting at pointer i of an array of n: contiguous blocks, or consecutive holes. */
function run(ptrs: Uint8Array, i: number, n: number): BlockRun {
  const first = le32(ptrs, 4 * i);
  let count = 1;
  if (first === 0) {
    while (i + count < n && le32(ptrs, 4 * (i + count)) === 0) count++;
    return { physical: null, count };
  }
  while (i + count < n && le32(ptrs, 4 * (i + count)) === first + count) count++;
  return { physical: first, count };
}
