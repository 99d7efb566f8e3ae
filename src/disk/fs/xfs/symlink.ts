// Symlink targets: short ones are the inode's data fork itself (di_format local); longer ones sit in blocks
// of their own, each of which on a v5 filesystem starts with a header (XSLM magic, the byte offset of its
// piece, the piece's length, owner inode) before its piece of the target. A target is at most 1024 bytes.
import { decodeLenient } from "../../../util/text.js";
import { DiskError, type ByteSource } from "../../types.js";
import { readMapped, type Extent } from "./bmap.js";
import { FORMAT_LOCAL, type Inode } from "./inode.js";
import { view } from "./read.js";
import type { Superblock } from "./superblock.js";

const SYMLINK_MAXLEN = 1024;
const SYMLINK_MAGIC = 0x58534c4d; // "XSLM"
const SYMLINK_HDR = 56;

export function readSymlink(volume: ByteSource, sb: Superblock, inode: Inode, extents: readonly Extent[], where: string): string {
  const size = inode.size;
  if (size === 0 || size > SYMLINK_MAXLEN) throw new DiskError(where, inode.offset + 56, `XFS symlink inode ${inode.ino}: target of ${size} bytes`);
  if (inode.format === FORMAT_LOCAL) {
    if (size > inode.fork.length) throw new DiskError(where, inode.offset + 56, `XFS symlink inode ${inode.ino}: ${size} bytes do not fit in the inode`);
    return decodeLenient(inode.fork, 0, size);
  }
  const target = new Uint8Array(size);
  if (!sb.crc) {
    // v4: the target's bytes fill its blocks from the first, with no header.
    readMapped(volume, sb, extents, target, 0, size, 0, where);
    return decodeLenient(target);
  }
  const perBlock = sb.blockSize - SYMLINK_HDR;
  const block = new Uint8Array(sb.blockSize);
  let done = 0;
  for (let i = 0; done < size; i++) {
    readMapped(volume, sb, extents, block, 0, block.length, i * sb.blockSize, where);
    const dv = view(block);
    const n = Math.min(perBlock, size - done);
    if (dv.getUint32(0) !== SYMLINK_MAGIC || dv.getUint32(4) !== done || dv.getUint32(8) !== n || dv.getBigUint64(32) !== inode.ino) {
      throw new DiskError(where, null, `XFS symlink inode ${inode.ino}: block ${i} of the target has no valid XSLM header`);
    }
    target.set(block.subarray(SYMLINK_HDR, SYMLINK_HDR + n), done);
    done += n;
  }
  return decodeLenient(target);
}
