// XFS version 2/3 directories, all four forms. Short-form: the entries are packed into the inode's data fork.
// Block, leaf and node forms: the entries live in directory data blocks mapped below XFS_DIR2_LEAF_OFFSET
// (32 GiB into the directory); above it lie the hash-ordered leaf and node blocks and the free-space index,
// which only speed up lookups. So every form but short-form is read the same way: scan each mapped data
// block from its header to its end (a single-block directory ends at its tail and leaf array instead),
// skipping unused regions by their length. Entries carry a file-type byte when the filesystem has ftype.
import { decodeLenient } from "../../../util/text.js";
import type { FileType } from "../../../fs/types.js";
import { DiskError, type ByteSource } from "../../types.js";
import { readMapped, type Extent } from "./bmap.js";
import { FORMAT_LOCAL, type Inode } from "./inode.js";
import { view } from "./read.js";
import type { Superblock } from "./superblock.js";

export interface XfsDirEntry {
  name: string;
  ino: bigint;
  /** From the entry's ftype byte, or null when the filesystem has none (the inode must be read). */
  type: FileType | null;
}

const DIR3_BLOCK_MAGIC = 0x58444233; // "XDB3": a single-block directory
const DIR3_DATA_MAGIC = 0x58444433; // "XDD3": a data block of a leaf or node directory
const DIR3_DATA_HDR = 64; // xfs_dir3_data_hdr: block header (magic, crc, blkno, lsn, uuid, owner) + bestfree
const DIR2_BLOCK_MAGIC = 0x58443242; // "XD2B" (v4)
const DIR2_DATA_MAGIC = 0x58443244; // "XD2D" (v4)
const DIR2_DATA_HDR = 16; // v4: magic + bestfree
const LEAF_OFFSET = 2 ** 35;
const FREE_TAG = 0xffff;

const FTYPES: readonly (FileType | null)[] = [null, "file", "dir", "chardev", "blockdev", "fifo", "socket", "symlink"];

function ftypeOf(v: number): FileType | null {
  return FTYPES[v] ?? null;
}

export interface XfsDirectory {
  /** Without "." and "..". */
  entries: XfsDirEntry[];
  /** The inode ".." names (null if a damaged directory has no ".."). */
  parent: bigint | null;
}

export function readDirectory(volume: ByteSource, sb: Superblock, inode: Inode, extents: readonly Extent[], where: string): XfsDirectory {
  if (inode.format === FORMAT_LOCAL) return shortForm(sb, inode, where);
  const out: XfsDirectory = { entries: [], parent: null };
  const perDirBlock = sb.dirBlockSize / sb.blockSize;
  const buf = new Uint8Array(sb.dirBlockSize);
  for (const e of extents) {
    // Each directory block starts on a multiple of its size in file blocks.
    const first = Math.ceil(e.fileBlock / perDirBlock) * perDirBlock;
    for (let blk = first; blk < e.fileBlock + e.count; blk += perDirBlock) {
      const pos = blk * sb.blockSize;
      if (pos >= LEAF_OFFSET) return out;
      readMapped(volume, sb, extents, buf, 0, buf.length, pos, where);
      dataBlock(buf, sb, inode, e.offset + (blk - e.fileBlock) * sb.blockSize, pos === 0, where, out);
    }
  }
  return out;
}

function shortForm(sb: Superblock, inode: Inode, where: string): XfsDirectory {
  const b = inode.fork;
  const base = inode.forkOffset;
  const bad = (at: number, detail: string): never => {
    throw new DiskError(where, base + at, `XFS short-form directory (inode ${inode.ino}): ${detail}`);
  };
  if (inode.size > b.length || inode.size < 6) bad(0, `size ${inode.size} does not fit the inode's fork (${b.length} bytes)`);
  const end = inode.size;
  const count = b[0]!;
  const inoLen = b[1]! > 0 ? 8 : 4;
  const dv = view(b);
  const parent = inoLen === 8 ? dv.getBigUint64(2) : BigInt(dv.getUint32(2));
  let at = 2 + inoLen;
  const out: XfsDirEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 3 > end) bad(at, `entry ${i} of ${count} runs past the directory's ${end} bytes`);
    const namelen = b[at]!;
    const nameAt = at + 3;
    const typeAt = nameAt + namelen;
    const inoAt = typeAt + (sb.ftype ? 1 : 0);
    if (namelen === 0 || inoAt + inoLen > end) bad(at, `entry ${i} (name of ${namelen} bytes) runs past the directory`);
    const ino = inoLen === 8 ? dv.getBigUint64(inoAt) : BigInt(dv.getUint32(inoAt));
    out.push({ name: decodeLenient(b, nameAt, typeAt), ino, type: sb.ftype ? ftypeOf(b[typeAt]!) : null });
    at = inoAt + inoLen;
  }
  return { entries: out, parent };
}

function dataBlock(b: Uint8Array, sb: Superblock, inode: Inode, abs: number, first: boolean, where: string, out: XfsDirectory): void {
  const dv = view(b);
  const bad = (at: number, detail: string): never => {
    throw new DiskError(where, abs + at, `XFS directory block (inode ${inode.ino}): ${detail}`);
  };
  const magic = dv.getUint32(0);
  const [blockMagic, dataMagic, hdr] = sb.crc ? [DIR3_BLOCK_MAGIC, DIR3_DATA_MAGIC, DIR3_DATA_HDR] : [DIR2_BLOCK_MAGIC, DIR2_DATA_MAGIC, DIR2_DATA_HDR];
  let end = b.length;
  if (magic === blockMagic && first) {
    // Single-block form: the hash leaf array and its tail (count, stale) close the block.
    const leafCount = dv.getUint32(b.length - 8);
    if (leafCount > (b.length - hdr - 8) / 8) bad(b.length - 8, `${leafCount} leaf entries`);
    end = b.length - 8 - leafCount * 8;
  } else if (magic !== dataMagic) {
    bad(0, `magic 0x${magic.toString(16)} (not a directory ${first ? "block or " : ""}data block)`);
  }
  if (sb.crc && dv.getBigUint64(40) !== inode.ino) bad(40, `owned by inode ${dv.getBigUint64(40)}`);
  // Every entry and unused region ends with a tag holding its own offset in the block: a check that the
  // lengths walked so far are the ones the filesystem wrote.
  const tag = (at: number, size: number): void => {
    const t = dv.getUint16(at + size - 2);
    if (t !== at) bad(at, `entry's tag ${t} is not its offset ${at} in the block`);
  };
  let at = hdr;
  while (at < end) {
    if (at + 8 > end) bad(at, "entry runs past the data area");
    if (dv.getUint16(at) === FREE_TAG) {
      const len = dv.getUint16(at + 2);
      if (len < 8 || len % 8 !== 0 || at + len > end) bad(at, `unused region of ${len} bytes`);
      tag(at, len);
      at += len;
      continue;
    }
    const namelen = b[at + 8]!;
    const nameAt = at + 9;
    const typeAt = nameAt + namelen;
    // inumber, namelen, name, ftype, tag (u16), padded to 8 bytes.
    const size = (8 + 1 + namelen + (sb.ftype ? 1 : 0) + 2 + 7) & ~7;
    if (namelen === 0 || at + size > end) bad(at, `entry with a name of ${namelen} bytes runs past the data area`);
    tag(at, size);
    const name = decodeLenient(b, nameAt, typeAt);
    if (name === "..") out.parent = dv.getBigUint64(at);
    else if (name !== ".") out.entries.push({ name, ino: dv.getBigUint64(at), type: sb.ftype ? ftypeOf(b[typeAt]!) : null });
    at += size;
  }
}
