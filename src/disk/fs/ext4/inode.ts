// One on-disk inode: mode, owner (with the high 16 bits of uid and gid), size, times (with the nanoseconds and
// extra epoch bits of large inodes), flags, and the 60-byte i_block that holds extents, a block map, a fast
// symlink's target or inline data.
import { le16, le32 } from "../../container/bytes.js";
import { Timestamp } from "../../../records/timestamp.js";
import type { FileType } from "../../../fs/types.js";
import { DiskError } from "../../types.js";

// i_flags
export const EXT4_INDEX_FL = 0x1000;
export const EXT4_HUGE_FILE_FL = 0x40000;
export const EXT4_EXTENTS_FL = 0x80000;
export const EXT4_EA_INODE_FL = 0x200000;
export const EXT4_INLINE_DATA_FL = 0x10000000;

/** Base inode: the fields every revision has. */
export const GOOD_OLD_INODE_SIZE = 128;

export interface Inode {
  readonly ino: number;
  /** Byte offset of the inode in the volume, for errors. */
  readonly offset: number;
  readonly mode: number;
  readonly type: FileType;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly links: number;
  /** i_blocks (lo and hi) as stored: only compared with zero. */
  readonly blocks: number;
  readonly flags: number;
  readonly fileAcl: number;
  readonly atime: Timestamp | null;
  readonly mtime: Timestamp | null;
  readonly ctime: Timestamp | null;
  readonly crtime: Timestamp | null;
  /** The 60 bytes of i_block. */
  readonly iBlock: Uint8Array;
  /** The whole on-disk inode (in-inode extended attributes follow the extra fields). */
  readonly raw: Uint8Array;
  readonly extraIsize: number;
}

export function fileTypeOf(mode: number): FileType {
  switch (mode & 0xf000) {
    case 0x8000:
      return "file";
    case 0x4000:
      return "dir";
    case 0xa000:
      return "symlink";
    case 0x2000:
      return "chardev";
    case 0x6000:
      return "blockdev";
    case 0x1000:
      return "fifo";
    case 0xc000:
      return "socket";
    default:
      return "other";
  }
}

/**
 * An ext timestamp: a signed 32-bit second count, and (large inodes) an extra word whose low two bits extend the
 * seconds past 2038 and whose upper 30 bits are nanoseconds. Kept to microseconds, as Timestamp is.
 */
function time(raw: Uint8Array, field: number, extraField: number | null): Timestamp | null {
  let seconds = le32(raw, field) | 0;
  let micros = 0;
  if (extraField !== null) {
    const extra = le32(raw, extraField);
    seconds += (extra & 3) * 0x100000000;
    const nanos = extra >>> 2;
    micros = nanos < 1e9 ? Math.floor(nanos / 1000) : 0;
  }
  return Timestamp.fromUnixInRange(seconds, micros);
}

/** `largeDir`: the large_dir feature, under which directories use i_size_high too. */
export function parseInode(raw: Uint8Array, ino: number, offset: number, where: string, largeDir: boolean): Inode {
  const mode = le16(raw, 0x00);
  const type = fileTypeOf(mode);
  // i_size_high is the size's top half for regular files (and, with large_dir, directories); elsewhere it
  // was ext2's i_dir_acl, and the kernel ignores it.
  const sizeHi = type === "file" || (largeDir && type === "dir") ? le32(raw, 0x6c) : 0;
  if (sizeHi > 0x1fffff) throw new DiskError(where, offset + 0x6c, `ext inode ${ino}: i_size_high 0x${sizeHi.toString(16)} is past 2^53`);
  const size = sizeHi * 0x100000000 + le32(raw, 0x04);
  let extraIsize = 0;
  if (raw.length > GOOD_OLD_INODE_SIZE) {
    extraIsize = le16(raw, 0x80);
    if (extraIsize > raw.length - GOOD_OLD_INODE_SIZE || extraIsize & 3) {
      throw new DiskError(where, offset + 0x80, `ext inode ${ino}: i_extra_isize ${extraIsize} does not fit its ${raw.length}-byte inode`);
    }
  }
  // An extra field exists when i_extra_isize covers it.
  const has = (field: number): number | null => (field + 4 <= GOOD_OLD_INODE_SIZE + extraIsize ? field : null);
  return {
    ino,
    offset,
    mode,
    type,
    uid: le16(raw, 0x02) + le16(raw, 0x78) * 0x10000,
    gid: le16(raw, 0x18) + le16(raw, 0x7a) * 0x10000,
    size,
    links: le16(raw, 0x1a),
    blocks: le32(raw, 0x1c) + le16(raw, 0x74) * 0x100000000,
    flags: le32(raw, 0x20),
    fileAcl: le32(raw, 0x68) + le16(raw, 0x76) * 0x100000000,
    atime: time(raw, 0x08, has(0x8c)),
    ctime: time(raw, 0x0c, has(0x84)),
    mtime: time(raw, 0x10, has(0x88)),
    crtime: has(0x90) === null ? null : time(raw, 0x90, has(0x94)),
    iBlock: raw.subarray(0x28, 0x28 + 60),
    raw,
    extraIsize,
  };
}
