// The ext2/3/4 superblock: 1024 bytes at byte 1024 of the volume. Every geometry field is bounded here, once, so
// the readers below can trust block size, group counts and inode size (docs/disks.md lists the checks).
import { readExact, le16, le32 } from "../../container/bytes.js";
import { type ByteSource, DiskError } from "../../types.js";

export const SUPERBLOCK_OFFSET = 1024;
export const EXT4_MAGIC = 0xef53;

// s_feature_compat
export const COMPAT_HAS_JOURNAL = 0x4;
// s_feature_incompat
export const INCOMPAT_COMPRESSION = 0x1;
export const INCOMPAT_FILETYPE = 0x2;
export const INCOMPAT_JOURNAL_DEV = 0x8;
export const INCOMPAT_META_BG = 0x10;
export const INCOMPAT_EXTENTS = 0x40;
export const INCOMPAT_64BIT = 0x80;
export const INCOMPAT_FLEX_BG = 0x200;
export const INCOMPAT_EA_INODE = 0x400;
export const INCOMPAT_DIRDATA = 0x1000;
export const INCOMPAT_LARGEDIR = 0x4000;
export const INCOMPAT_INLINE_DATA = 0x8000;
/**
 * Incompatible features this reader knows how to read past (or can ignore for reading: recover, mmp,
 * csum_seed, encrypt, casefold). Any other bit means a layout it does not know: refused, as the kernel does.
 */
const KNOWN_INCOMPAT = 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000;
// s_feature_ro_compat
export const RO_COMPAT_SPARSE_SUPER = 0x1;
export const RO_COMPAT_HUGE_FILE = 0x8;
export const RO_COMPAT_GDT_CSUM = 0x10;
export const RO_COMPAT_DIR_NLINK = 0x20;
export const RO_COMPAT_EXTRA_ISIZE = 0x40;
export const RO_COMPAT_BIGALLOC = 0x200;
export const RO_COMPAT_METADATA_CSUM = 0x400;

/** 64 KiB: the largest block size Linux mounts (s_log_block_size 6). */
const MAX_LOG_BLOCK_SIZE = 6;
/** Clusters of at most 2^16 blocks (the kernel's limit is lower still). */
const MAX_LOG_CLUSTER_RATIO = 16;

export interface Superblock {
  readonly inodesCount: number;
  readonly blocksCount: number;
  readonly firstDataBlock: number;
  readonly blockSize: number;
  /** Bytes per allocation cluster: the block size, or 2^s_log_cluster_size KiB under bigalloc. */
  readonly clusterSize: number;
  readonly blocksPerGroup: number;
  readonly inodesPerGroup: number;
  readonly groupCount: number;
  readonly revLevel: number;
  readonly inodeSize: number;
  readonly featureCompat: number;
  readonly featureIncompat: number;
  readonly featureRoCompat: number;
  /** Bytes per group descriptor: 32, or s_desc_size with the 64bit feature. */
  readonly descSize: number;
  /** s_first_meta_bg: the first group whose descriptors live in their meta group (META_BG). */
  readonly firstMetaBg: number;
  readonly uuid: string | null;
  readonly label: string | null;
}

export function probeSuperblock(volume: ByteSource): boolean {
  if (volume.size < SUPERBLOCK_OFFSET + 1024) return false;
  const b = new Uint8Array(2);
  return volume.read(b, 0, 2, SUPERBLOCK_OFFSET + 0x38) === 2 && le16(b, 0) === EXT4_MAGIC;
}

export function readSuperblock(volume: ByteSource, where: string): Superblock {
  const b = readExact(volume, where, SUPERBLOCK_OFFSET, 1024, "ext superblock");
  const at = (field: number): number => SUPERBLOCK_OFFSET + field;
  const bad = (field: number, what: string): DiskError => new DiskError(where, at(field), `ext superblock: ${what}`);
  if (le16(b, 0x38) !== EXT4_MAGIC) throw bad(0x38, `magic 0x${le16(b, 0x38).toString(16)} is not 0xef53`);

  const logBlockSize = le32(b, 0x18);
  if (logBlockSize > MAX_LOG_BLOCK_SIZE) throw bad(0x18, `s_log_block_size ${logBlockSize} is past ${MAX_LOG_BLOCK_SIZE} (64 KiB blocks)`);
  const blockSize = 1024 << logBlockSize;

  const featureCompat = le32(b, 0x5c);
  const featureIncompat = le32(b, 0x60);
  const featureRoCompat = le32(b, 0x64);
  if (featureIncompat & INCOMPAT_JOURNAL_DEV) throw bad(0x60, "an external journal device, not a filesystem");
  if (featureIncompat & INCOMPAT_COMPRESSION) throw bad(0x60, "the compression feature is not supported");
  if (featureIncompat & ~KNOWN_INCOMPAT) throw bad(0x60, `unknown incompatible features 0x${(featureIncompat & ~KNOWN_INCOMPAT).toString(16)}`);
  const is64 = (featureIncompat & INCOMPAT_64BIT) !== 0;

  const blocksHi = is64 ? le32(b, 0x150) : 0;
  if (blocksHi > 0x1fffff) throw bad(0x150, "s_blocks_count_hi is past 2^53");
  const blocksCount = blocksHi * 0x100000000 + le32(b, 0x04);
  const firstDataBlock = le32(b, 0x14);
  if (firstDataBlock !== (blockSize === 1024 ? 1 : 0) && firstDataBlock !== 0) throw bad(0x14, `s_first_data_block ${firstDataBlock} with ${blockSize}-byte blocks`);
  if (blocksCount <= firstDataBlock) throw bad(0x04, `s_blocks_count ${blocksCount} leaves no blocks`);

  // bigalloc: the bitmaps count clusters of 2^n blocks, so a group spans that many times more blocks.
  let clusterRatio = 1;
  if (featureRoCompat & RO_COMPAT_BIGALLOC) {
    const logCluster = le32(b, 0x1c);
    if (logCluster < logBlockSize || logCluster > logBlockSize + MAX_LOG_CLUSTER_RATIO) throw bad(0x1c, `s_log_cluster_size ${logCluster} with s_log_block_size ${logBlockSize}`);
    clusterRatio = 2 ** (logCluster - logBlockSize);
  }
  const blocksPerGroup = le32(b, 0x20);
  const maxPerGroup = blockSize * 8 * clusterRatio;
  if (blocksPerGroup < 8 || blocksPerGroup > maxPerGroup) throw bad(0x20, `s_blocks_per_group ${blocksPerGroup} is not in 8 … ${maxPerGroup}`);
  const inodesPerGroup = le32(b, 0x28);
  if (inodesPerGroup < 1 || inodesPerGroup > blockSize * 8) throw bad(0x28, `s_inodes_per_group ${inodesPerGroup} is not in 1 … ${blockSize * 8}`);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  const inodesCount = le32(b, 0x00);
  if (inodesCount < 2 || inodesCount > groupCount * inodesPerGroup) throw bad(0x00, `s_inodes_count ${inodesCount} is not in 2 … ${groupCount * inodesPerGroup} (groups × s_inodes_per_group)`);

  const revLevel = le32(b, 0x4c);
  let inodeSize = 128;
  if (revLevel >= 1) {
    inodeSize = le16(b, 0x58);
    if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) throw bad(0x58, `s_inode_size ${inodeSize} is not a power of two in 128 … ${blockSize}`);
  }
  let descSize = 32;
  if (is64) {
    descSize = le16(b, 0xfe);
    if (descSize < 64 || descSize > 1024 || (descSize & (descSize - 1)) !== 0) throw bad(0xfe, `s_desc_size ${descSize} is not a power of two in 64 … 1024`);
  }
  const firstMetaBg = featureIncompat & INCOMPAT_META_BG ? le32(b, 0x104) : 0xffffffff;

  return {
    inodesCount,
    blocksCount,
    firstDataBlock,
    blockSize,
    clusterSize: blockSize * clusterRatio,
    blocksPerGroup,
    inodesPerGroup,
    groupCount,
    revLevel,
    inodeSize,
    featureCompat,
    featureIncompat,
    featureRoCompat,
    descSize,
    firstMetaBg,
    uuid: formatUuid(b.subarray(0x68, 0x78)),
    label: cLabel(b.subarray(0x78, 0x88)),
  };
}

/** "ext4" when any ext4-only feature is on, "ext3" for a journal, else "ext2": what blkid calls them. */
export function flavour(sb: Superblock): "ext2" | "ext3" | "ext4" {
  const ext4Incompat = INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG | INCOMPAT_INLINE_DATA | INCOMPAT_EA_INODE;
  const ext4RoCompat = RO_COMPAT_BIGALLOC | RO_COMPAT_HUGE_FILE | RO_COMPAT_GDT_CSUM | RO_COMPAT_DIR_NLINK | RO_COMPAT_EXTRA_ISIZE | RO_COMPAT_METADATA_CSUM;
  if (sb.featureIncompat & ext4Incompat || sb.featureRoCompat & ext4RoCompat) return "ext4";
  return sb.featureCompat & COMPAT_HAS_JOURNAL ? "ext3" : "ext2";
}

function formatUuid(u: Uint8Array): string | null {
  if (u.every((x) => x === 0)) return null;
  const h = Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function cLabel(b: Uint8Array): string | null {
  const end = b.indexOf(0);
  const s = new TextDecoder("utf-8").decode(end < 0 ? b : b.subarray(0, end));
  return s === "" ? null : s;
}
