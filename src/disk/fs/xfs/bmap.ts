// The block map of an inode's data fork: packed 128-bit extent records (flag:1 startoff:54 startblock:52
// blockcount:21), either listed in the inode (di_format extents) or in the leaves of a BMBT B+tree whose root
// sits in the inode (di_format btree). Extents come out sorted and checked: inside one allocation group and
// the volume, non-overlapping in the file, and as many as di_nextents says. The tree walk is bounded by its
// level (each step down one level less, at most 9), a visited set and the extent count, so a loop or a
// cross-linked block is a DiskError, not a hang.
import { readFully } from "../../../fs/read.js";
import { DiskError, type ByteSource } from "../../types.js";
import { FORMAT_BTREE, FORMAT_EXTENTS, FORMAT_LOCAL, type Inode } from "./inode.js";
import { readExact, view } from "./read.js";
import { fsblockOffset, type Superblock } from "./superblock.js";

export interface Extent {
  /** First file block mapped. */
  fileBlock: number;
  /** Byte offset of the first block in the volume. */
  offset: number;
  count: number;
  /** Preallocated, never written: reads as zeros whatever the blocks hold. */
  unwritten: boolean;
}

const BMAP_CRC_MAGIC = 0x424d4133; // "BMA3"
const BMAP_MAGIC = 0x424d4150; // "BMAP" (v4)
const LBLOCK_CRC_HDR = 72; // long-form btree block header of a v5 filesystem
const LBLOCK_HDR = 24; // v4: magic, level, numrecs, left and right siblings
const MAX_BMBT_LEVELS = 9;
const REC = 16;

/** The sorted extents of an inode's data fork (an empty list for a local or device fork). */
export function inodeExtents(volume: ByteSource, sb: Superblock, inode: Inode, where: string): Extent[] {
  const out: Extent[] = [];
  if (inode.format === FORMAT_EXTENTS) {
    if (inode.nextents * REC > inode.fork.length) {
      throw new DiskError(where, inode.offset + 76, `XFS inode ${inode.ino}: ${inode.nextents} extents do not fit in its fork`);
    }
    for (let i = 0; i < inode.nextents; i++) out.push(decode(volume, sb, inode.fork, i * REC, inode.forkOffset + i * REC, where));
  } else if (inode.format === FORMAT_BTREE) {
    walkRoot(volume, sb, inode, where, out);
  } else {
    // local and device forks map no blocks; anything else (uuid, rmap, …) is not a data fork we know
    if (inode.format > FORMAT_LOCAL) throw new DiskError(where, inode.offset + 5, `XFS inode ${inode.ino}: di_format ${inode.format}`);
    return out;
  }
  if (out.length !== inode.nextents) {
    throw new DiskError(where, inode.offset + 76, `XFS inode ${inode.ino}: ${out.length} extents found, di_nextents says ${inode.nextents}`);
  }
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1]!;
    if (out[i]!.fileBlock < prev.fileBlock + prev.count) {
      throw new DiskError(where, inode.forkOffset, `XFS inode ${inode.ino}: extents overlap or are out of order at file block ${out[i]!.fileBlock}`);
    }
  }
  return out;
}

function decode(volume: ByteSource, sb: Superblock, b: Uint8Array, at: number, abs: number, where: string): Extent {
  const dv = view(b);
  const l0 = dv.getBigUint64(at);
  const l1 = dv.getBigUint64(at + 8);
  const unwritten = l0 >> 63n === 1n;
  const fileBlock = Number((l0 >> 9n) & ((1n << 54n) - 1n));
  const start = ((l0 & 0x1ffn) << 43n) | (l1 >> 21n);
  const count = Number(l1 & 0x1fffffn);
  const offset = fsblockOffset(sb, start);
  const agbno = Number(start & ((1n << BigInt(sb.agBlockLog)) - 1n));
  if (count === 0 || offset === null || agbno + count > sb.agBlocks || offset + count * sb.blockSize > volume.size) {
    throw new DiskError(where, abs, `XFS extent of ${count} blocks at block ${start} is outside the filesystem or the volume`);
  }
  if (fileBlock + count > Number.MAX_SAFE_INTEGER / sb.blockSize) throw new DiskError(where, abs, `XFS extent at file block ${fileBlock}`);
  return { fileBlock, offset, count, unwritten };
}

interface Walk {
  readonly volume: ByteSource;
  readonly sb: Superblock;
  readonly inode: Inode;
  readonly where: string;
  readonly out: Extent[];
  readonly seen: Set<number>;
}

function walkRoot(volume: ByteSource, sb: Superblock, inode: Inode, where: string, out: Extent[]): void {
  const dv = view(inode.fork);
  const level = dv.getUint16(0);
  const numrecs = dv.getUint16(2);
  const maxrecs = Math.floor((inode.fork.length - 4) / REC);
  if (level < 1 || level > MAX_BMBT_LEVELS || numrecs > maxrecs) {
    throw new DiskError(where, inode.forkOffset, `XFS inode ${inode.ino}: B+tree root of level ${level} with ${numrecs} records`);
  }
  const w: Walk = { volume, sb, inode, where, out, seen: new Set() };
  for (let i = 0; i < numrecs; i++) {
    const at = 4 + maxrecs * 8 + i * 8;
    child(w, dv.getBigUint64(at), level - 1, inode.forkOffset + at);
  }
}

function child(w: Walk, ptr: bigint, level: number, ptrAt: number): void {
  const { sb, inode, where } = w;
  const offset = fsblockOffset(sb, ptr);
  if (offset === null) throw new DiskError(where, ptrAt, `XFS inode ${inode.ino}: B+tree pointer to block ${ptr} outside the filesystem`);
  if (w.seen.has(offset)) throw new DiskError(where, ptrAt, `XFS inode ${inode.ino}: B+tree block ${ptr} reached twice (a loop)`);
  w.seen.add(offset);
  const b = readExact(w.volume, offset, sb.blockSize, where, `inode ${inode.ino} B+tree block`);
  const dv = view(b);
  const bad = (at: number, detail: string): never => {
    throw new DiskError(where, offset + at, `XFS inode ${inode.ino} B+tree block ${ptr}: ${detail}`);
  };
  const hdr = sb.crc ? LBLOCK_CRC_HDR : LBLOCK_HDR;
  if (dv.getUint32(0) !== (sb.crc ? BMAP_CRC_MAGIC : BMAP_MAGIC)) bad(0, `no ${sb.crc ? "BMA3" : "BMAP"} magic`);
  if (dv.getUint16(4) !== level) bad(4, `level ${dv.getUint16(4)} where ${level} was expected`);
  if (sb.crc && dv.getBigUint64(56) !== inode.ino) bad(56, `owned by inode ${dv.getBigUint64(56)}`);
  const numrecs = dv.getUint16(6);
  const maxrecs = Math.floor((sb.blockSize - hdr) / REC);
  if (numrecs > maxrecs) bad(6, `${numrecs} records (at most ${maxrecs} fit)`);
  if (level === 0) {
    if (w.out.length + numrecs > w.inode.nextents) bad(6, `more extents than di_nextents (${w.inode.nextents})`);
    for (let i = 0; i < numrecs; i++) {
      const at = hdr + i * REC;
      w.out.push(decode(w.volume, sb, b, at, offset + at, where));
    }
    return;
  }
  for (let i = 0; i < numrecs; i++) {
    const at = hdr + maxrecs * 8 + i * 8;
    child(w, dv.getBigUint64(at), level - 1, offset + at);
  }
}

/** Index of the extent holding file block `block`, or of the first one after it (extents.length if none). */
export function findExtent(extents: readonly Extent[], block: number): number {
  let lo = 0;
  let hi = extents.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = extents[mid]!;
    if (e.fileBlock + e.count <= block) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Copy bytes [pos, pos + length) of a file whose data fork is `extents` into buf at `off`; holes and
 * unwritten extents read as zeros. The caller has clipped the range to the file's size.
 */
export function readMapped(
  volume: ByteSource,
  sb: Superblock,
  extents: readonly Extent[],
  buf: Uint8Array,
  off: number,
  length: number,
  pos: number,
  where: string,
): void {
  const bs = sb.blockSize;
  let i = findExtent(extents, Math.floor(pos / bs));
  let done = 0;
  while (done < length) {
    const at = pos + done;
    const e = extents[i];
    const start = e ? e.fileBlock * bs : Infinity;
    if (!e || at < start) {
      // A hole up to the next extent (or the end).
      const n = Math.min(length - done, start - at);
      buf.fill(0, off + done, off + done + n);
      done += n;
      continue;
    }
    const end = start + e.count * bs;
    const n = Math.min(length - done, end - at);
    if (e.unwritten) {
      buf.fill(0, off + done, off + done + n);
    } else {
      const phys = e.offset + (at - start);
      const got = readFully(volume, buf.subarray(off + done, off + done + n), phys, n);
      if (got !== n) throw new DiskError(where, phys + Math.max(got, 0), `XFS file data: short read (${got} of ${n} bytes)`);
    }
    done += n;
    i++;
  }
}
