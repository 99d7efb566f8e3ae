// An inode's bytes: through its extent tree, its block map, or its inline data. Holes and unwritten extents
// read as zeros without touching the volume; mapped blocks are checked against the filesystem before reading.
import { DiskError } from "../../types.js";
import type { BlockMapper, Ext4Volume } from "./volume.js";
import { ExtentMapper } from "./extents.js";
import { IndirectMapper } from "./blockmap.js";
import { inlineData } from "./inline.js";
import { EXT4_EXTENTS_FL, EXT4_INLINE_DATA_FL, type Inode } from "./inode.js";

export class InodeData {
  readonly size: number;
  private readonly inline: Uint8Array | null = null;
  private readonly mapper: BlockMapper | null = null;
  private readonly inodeAt: number;

  constructor(
    private readonly vol: Ext4Volume,
    inode: Inode,
  ) {
    this.size = inode.size;
    this.inodeAt = inode.offset;
    if (inode.flags & EXT4_INLINE_DATA_FL) this.inline = inlineData(inode, vol.where);
    else if (inode.flags & EXT4_EXTENTS_FL) this.mapper = new ExtentMapper(vol, inode);
    else this.mapper = new IndirectMapper(vol, inode);
    // A size no filesystem of this geometry can hold is damage (2^32 blocks for extents, the block map's reach).
    const maxBlocks = inode.flags & EXT4_EXTENTS_FL ? 2 ** 32 : 12 + (vol.blockSize / 4) ** 3 + (vol.blockSize / 4) ** 2 + vol.blockSize / 4;
    if (this.size > maxBlocks * vol.blockSize) throw new DiskError(vol.where, inode.offset + 0x04, `ext inode ${inode.ino}: i_size ${this.size} is past what its block map can address`);
  }

  /** The volume byte offset holding `position` of the data, or null in a hole or inline data (for errors). */
  locate(position: number): number | null {
    if (!this.mapper) return null;
    const bs = this.vol.blockSize;
    const logical = Math.floor(position / bs);
    const run = this.mapper.map(logical);
    return run.physical === null ? null : run.physical * bs + (position - logical * bs);
  }

  /** Up to `length` bytes at `position` into buf[offset…); the count read (0 at or past the end). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (!(position >= 0) || position >= this.size || length <= 0) return 0;
    const n = Math.min(length, this.size - position, buf.length - offset);
    if (this.inline) {
      buf.set(this.inline.subarray(position, position + n), offset);
      return n;
    }
    const bs = this.vol.blockSize;
    let done = 0;
    while (done < n) {
      const p = position + done;
      const logical = Math.floor(p / bs);
      const within = p - logical * bs;
      const run = this.mapper!.map(logical);
      const take = Math.min(n - done, run.count * bs - within);
      if (run.physical === null) buf.fill(0, offset + done, offset + done + take);
      else this.vol.readData(buf, offset + done, take, run.physical, within, Math.ceil((within + take) / bs), this.inodeAt);
      done += take;
    }
    return n;
  }
}
