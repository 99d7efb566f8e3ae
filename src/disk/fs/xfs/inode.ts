// The on-disk inode (xfs_dinode, big-endian: a 176-byte core in version 3, 100 bytes in versions 1 and 2 of
// v4 filesystems) and its data fork: di_format says whether the
// fork holds the bytes themselves (local: short-form directory, short symlink), a list of extents, or the root
// of a B+tree of extents. Timestamps are seconds + nanoseconds, or with bigtime nanoseconds since 1901-12-13.
import { Timestamp } from "../../../records/timestamp.js";
import type { FileType } from "../../../fs/types.js";
import { DiskError, type ByteSource } from "../../types.js";
import { readExact, view } from "./read.js";
import { inodeOffset, type Superblock } from "./superblock.js";

const DINODE_MAGIC = 0x494e; // "IN"
const V3_CORE = 176;
const V2_CORE = 100; // versions 1 and 2 (v4 filesystems)

export const FORMAT_DEV = 0;
export const FORMAT_LOCAL = 1;
export const FORMAT_EXTENTS = 2;
export const FORMAT_BTREE = 3;

const DIFLAG_REALTIME = 1 << 0;
const DIFLAG2_BIGTIME = 1 << 3;
const DIFLAG2_NREXT64 = 1 << 4;

export interface Inode {
  ino: bigint;
  /** Byte offset of the inode in the volume: errors about its fork name it. */
  offset: number;
  /** Permission bits, without the type. */
  perm: number;
  type: FileType;
  format: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  atime: Timestamp | null;
  mtime: Timestamp | null;
  ctime: Timestamp | null;
  crtime: Timestamp | null;
  /** di_flags XFS_DIFLAG_REALTIME: the data lives on the realtime device, which an image of the data device lacks. */
  realtime: boolean;
  /** Data fork extent count (di_nextents, or di_big_nextents with nrext64). */
  nextents: number;
  /** The data fork's bytes within the inode (the literal area up to di_forkoff). */
  fork: Uint8Array;
  /** Byte offset of the data fork in the volume. */
  forkOffset: number;
}

export function modeType(mode: number): FileType {
  switch (mode & 0o170000) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "dir";
    case 0o120000:
      return "symlink";
    case 0o020000:
      return "chardev";
    case 0o060000:
      return "blockdev";
    case 0o010000:
      return "fifo";
    case 0o140000:
      return "socket";
    default:
      return "other";
  }
}

export function readInode(volume: ByteSource, sb: Superblock, ino: bigint, where: string): Inode {
  const offset = inodeOffset(sb, ino);
  if (offset === null) throw new DiskError(where, null, `XFS inode ${ino} is outside the filesystem`);
  const b = readExact(volume, offset, sb.inodeSize, where, `inode ${ino}`);
  const dv = view(b);
  const bad = (at: number, detail: string): never => {
    throw new DiskError(where, offset + at, `XFS inode ${ino}: ${detail}`);
  };
  if (dv.getUint16(0) !== DINODE_MAGIC) bad(0, "no IN magic (not an allocated inode)");
  const version = dv.getUint8(4);
  if (sb.crc ? version !== 3 : version !== 1 && version !== 2) bad(4, `inode version ${version} on a v${sb.crc ? 5 : 4} filesystem`);
  if (version === 3 && dv.getBigUint64(152) !== ino) bad(152, `records itself as inode ${dv.getBigUint64(152)}`);
  const mode = dv.getUint16(2);
  if (mode === 0) bad(2, "mode 0 (a free inode)");
  // di_flags2 and the fields after it exist only in version 3 inodes.
  const flags2 = version === 3 ? dv.getBigUint64(120) : 0n;
  const bigtime = (flags2 & BigInt(DIFLAG2_BIGTIME)) !== 0n;
  const size = dv.getBigUint64(56);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) bad(56, `size ${size}`);
  const nextents = flags2 & BigInt(DIFLAG2_NREXT64) ? dv.getBigUint64(24) : BigInt(dv.getUint32(76));
  // Each extent maps at least one block: more extents than the filesystem has blocks is damage.
  if (nextents > BigInt(sb.dataBlocks)) bad(76, `${nextents} extents in a filesystem of ${sb.dataBlocks} blocks`);
  const core = version === 3 ? V3_CORE : V2_CORE;
  const literal = sb.inodeSize - core;
  const forkoff = dv.getUint8(82) * 8;
  if (forkoff > literal) bad(82, `attribute fork offset ${forkoff} past the literal area (${literal} bytes)`);
  const forkSize = forkoff === 0 ? literal : forkoff;
  const time = (at: number): Timestamp | null => timestamp(dv, at, bigtime);
  return {
    ino,
    offset,
    perm: mode & 0o7777,
    type: modeType(mode),
    format: dv.getUint8(5),
    uid: dv.getUint32(8),
    gid: dv.getUint32(12),
    // Version 1 inodes keep a 16-bit link count in di_onlink.
    nlink: version === 1 ? dv.getUint16(6) : dv.getUint32(16),
    size: Number(size),
    atime: time(32),
    mtime: time(40),
    ctime: time(48),
    crtime: version === 3 ? time(144) : null,
    realtime: (dv.getUint16(90) & DIFLAG_REALTIME) !== 0,
    nextents: Number(nextents),
    fork: b.subarray(core, core + forkSize),
    forkOffset: offset + core,
  };
}

/** 1901-12-13T20:45:52Z, the zero of bigtime timestamps: the most negative 32-bit time. */
const BIGTIME_EPOCH_OFFSET = 2n ** 31n;

/** A timestamp to the microsecond (nanoseconds truncated); null when its nanoseconds are out of range. */
function timestamp(dv: DataView, at: number, bigtime: boolean): Timestamp | null {
  let seconds: number;
  let nanos: number;
  if (bigtime) {
    const v = dv.getBigUint64(at);
    seconds = Number(v / 1_000_000_000n - BIGTIME_EPOCH_OFFSET);
    nanos = Number(v % 1_000_000_000n);
  } else {
    seconds = dv.getInt32(at);
    nanos = dv.getUint32(at + 4);
    if (nanos >= 1_000_000_000) return null;
  }
  return Timestamp.fromUnixInRange(seconds, Math.floor(nanos / 1000));
}
