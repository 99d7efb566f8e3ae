// The XFS superblock (sector 0 of allocation group 0, big-endian) and the geometry it gives: how an inode
// number and a filesystem block number (both encode the allocation group) become byte offsets in the volume.
// v5 (CRC) filesystems, what mkfs.xfs has made since 3.2.3, and v4 ones with version 2 directories (RHEL 5-7
// era); every field used later is bounded here so the readers can trust the geometry and need only check the
// offsets they compute against the volume.
import { DiskError, type ByteSource } from "../../types.js";
import { readExact, view } from "./read.js";

export const XFS_SB_MAGIC = 0x58465342; // "XFSB"

/** sb_features_incompat bits. */
export const INCOMPAT_FTYPE = 0x1;
export const INCOMPAT_SPINODES = 0x2;
export const INCOMPAT_META_UUID = 0x4;
export const INCOMPAT_BIGTIME = 0x8;
export const INCOMPAT_NEEDSREPAIR = 0x10;
export const INCOMPAT_NREXT64 = 0x20;
const INCOMPAT_KNOWN = 0x3f;
/** sb_versionnum and (v4) sb_features2 bits. */
const VERSION_DIRV2BIT = 0x2000;
const VERSION_MOREBITSBIT = 0x8000;
const VERSION2_FTYPE = 0x200;

export interface Superblock {
  blockSize: number;
  blockLog: number;
  /** sb_dblocks: blocks in the data device. */
  dataBlocks: number;
  agBlocks: number;
  agCount: number;
  /** sb_agblklog: bits of an AG-relative block number inside inode and block numbers. */
  agBlockLog: number;
  inodeSize: number;
  inodesPerBlockLog: number;
  rootIno: bigint;
  /** Directory block size (sb_blocksize << sb_dirblklog). */
  dirBlockSize: number;
  uuid: string;
  label: string | null;
  /** v5: metadata blocks carry headers with CRC, owner and UUID; inodes are version 3. */
  crc: boolean;
  /** Directory entries carry a file type byte. */
  ftype: boolean;
  bigtime: boolean;
  incompat: number;
}

/** Bytes read for the superblock: its v5 fields end at 264. */
const SB_BYTES = 264;

export function probeXfs(volume: ByteSource): boolean {
  if (volume.size < SB_BYTES) return false;
  const b = new Uint8Array(4);
  return volume.read(b, 0, 4, 0) === 4 && new DataView(b.buffer).getUint32(0) === XFS_SB_MAGIC;
}

export function readSuperblock(volume: ByteSource, where: string): Superblock {
  const b = readExact(volume, 0, SB_BYTES, where, "superblock");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bad = (off: number, detail: string): never => {
    throw new DiskError(where, off, `XFS superblock: ${detail}`);
  };
  if (dv.getUint32(0) !== XFS_SB_MAGIC) bad(0, "no XFSB magic");
  const versionnum = dv.getUint16(100);
  const version = versionnum & 0xf;
  if (version !== 4 && version !== 5) bad(100, `version ${version} filesystem (XFS v4 and v5 are read)`);
  // v4 directories are version 2 only when this bit says so; version 1 directories predate 2001.
  if (version === 4 && !(versionnum & VERSION_DIRV2BIT)) bad(100, "version 1 directories");
  const crc = version === 5;
  const blockSize = dv.getUint32(4);
  const blockLog = dv.getUint8(120);
  if (blockLog < 9 || blockLog > 16 || blockSize !== 1 << blockLog) bad(4, `block size ${blockSize} (log ${blockLog})`);
  const inodeSize = dv.getUint16(104);
  const inodeLog = dv.getUint8(122);
  // 256 to 2048 bytes; v5 inodes need at least 512.
  if (inodeLog < (crc ? 9 : 8) || inodeLog > 11 || inodeSize !== 1 << inodeLog) bad(104, `inode size ${inodeSize}`);
  if (inodeSize > blockSize) bad(104, `inode size ${inodeSize} above the block size ${blockSize}`);
  const inopblock = dv.getUint16(106);
  const inopblog = dv.getUint8(123);
  if (inopblog !== blockLog - inodeLog || inopblock !== 1 << inopblog) bad(106, `${inopblock} inodes per block (log ${inopblog})`);
  const agBlocks = dv.getUint32(84);
  const agBlockLog = dv.getUint8(124);
  // An AG holds at least 64 blocks and at most 2^31; sb_agblklog is the log rounded up.
  if (agBlocks < 64 || agBlockLog > 31 || agBlocks > 2 ** agBlockLog || agBlocks <= 2 ** (agBlockLog - 1)) {
    bad(84, `${agBlocks} blocks per allocation group (log ${agBlockLog})`);
  }
  const agCount = dv.getUint32(88);
  const dataBlocks = Number(dv.getBigUint64(8));
  if (agCount < 1 || dataBlocks > Number.MAX_SAFE_INTEGER / blockSize) bad(8, `${dataBlocks} data blocks`);
  // The last AG may be short; the others are full.
  if (dataBlocks > agCount * agBlocks || dataBlocks <= (agCount - 1) * agBlocks) {
    bad(88, `${agCount} allocation groups of ${agBlocks} blocks do not make ${dataBlocks} blocks`);
  }
  const dirBlockLog = dv.getUint8(192);
  if (blockLog + dirBlockLog > 16) bad(192, `directory block log ${dirBlockLog}`);
  // The feature words past sb_features2 exist only on v5; a v4 filesystem says ftype in sb_features2.
  const incompat = crc ? dv.getUint32(216) : 0;
  if (incompat & ~INCOMPAT_KNOWN) bad(216, `unknown incompatible features 0x${(incompat & ~INCOMPAT_KNOWN).toString(16)}`);
  const features2 = versionnum & VERSION_MOREBITSBIT ? dv.getUint32(200) : 0;
  const sectSize = dv.getUint16(102);
  if (sectSize < 512 || sectSize > blockSize || (sectSize & (sectSize - 1)) !== 0) bad(102, `sector size ${sectSize}`);
  const rootIno = dv.getBigUint64(56);
  const sb: Superblock = {
    blockSize,
    blockLog,
    dataBlocks,
    agBlocks,
    agCount,
    agBlockLog,
    inodeSize,
    inodesPerBlockLog: inopblog,
    rootIno,
    dirBlockSize: blockSize << dirBlockLog,
    uuid: formatUuid(b.subarray(32, 48)),
    label: label(b.subarray(108, 120)),
    crc,
    ftype: crc ? (incompat & INCOMPAT_FTYPE) !== 0 : (features2 & VERSION2_FTYPE) !== 0,
    bigtime: (incompat & INCOMPAT_BIGTIME) !== 0,
    incompat,
  };
  checkAgHeaders(volume, sb, sectSize, where);
  return sb;
}

const AGF_MAGIC = 0x58414746; // "XAGF"

/**
 * The AGF (second sector of each AG) of the second and of the last AG must be where the geometry puts them,
 * numbered as that AG and as long: a superblock whose AG size or count was damaged fails here, not later as
 * inodes and blocks read from the wrong places. An AG beyond the end of a truncated volume is not checked.
 */
function checkAgHeaders(volume: ByteSource, sb: Superblock, sectSize: number, where: string): void {
  for (const agno of new Set([1, sb.agCount - 1])) {
    if (agno < 1 || agno >= sb.agCount) continue;
    const at = agno * sb.agBlocks * sb.blockSize + sectSize;
    if (at + 16 > volume.size) continue;
    const dv = view(readExact(volume, at, 16, where, `AGF of allocation group ${agno}`));
    const length = Math.min(sb.agBlocks, sb.dataBlocks - agno * sb.agBlocks);
    if (dv.getUint32(0) !== AGF_MAGIC || dv.getUint32(8) !== agno || dv.getUint32(12) !== length) {
      throw new DiskError(where, at, `XFS: no AGF of allocation group ${agno} (${length} blocks) where the superblock's geometry puts it`);
    }
  }
}

function formatUuid(u: Uint8Array): string {
  const hex = Buffer.from(u).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function label(f: Uint8Array): string | null {
  const end = f.indexOf(0);
  const s = Buffer.from(f.subarray(0, end < 0 ? f.length : end)).toString("latin1");
  return s === "" ? null : s;
}

/** Byte offset of a filesystem block number (AG number in the high bits), or null when it is outside the fs. */
export function fsblockOffset(sb: Superblock, fsbno: bigint): number | null {
  const agno = Number(fsbno >> BigInt(sb.agBlockLog));
  const agbno = Number(fsbno & ((1n << BigInt(sb.agBlockLog)) - 1n));
  if (agno >= sb.agCount || agbno >= sb.agBlocks) return null;
  const block = agno * sb.agBlocks + agbno;
  if (block >= sb.dataBlocks) return null;
  return block * sb.blockSize;
}

/** Byte offset of an inode, or null when its number is outside the filesystem. */
export function inodeOffset(sb: Superblock, ino: bigint): number | null {
  const perBlockLog = BigInt(sb.inodesPerBlockLog);
  const within = Number(ino & ((1n << perBlockLog) - 1n));
  const block = fsblockOffset(sb, ino >> perBlockLog);
  // An inode number has agblklog + inopblog bits below the AG number; anything above the last AG is refused
  // by fsblockOffset, and 2^64 inode numbers cannot reach past it because the AG count is a u32.
  if (block === null || ino >> BigInt(sb.agBlockLog + sb.inodesPerBlockLog + 32) !== 0n) return null;
  return block + within * sb.inodeSize;
}
