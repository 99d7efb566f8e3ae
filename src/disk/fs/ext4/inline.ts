// Inline data (the inline_data feature): a small file's or directory's bytes in i_block (60 bytes) and then in
// the value of the in-inode extended attribute "system.data" (name index 7), in the space after i_extra_isize.
import { le16, le32 } from "../../container/bytes.js";
import { DiskError } from "../../types.js";
import { GOOD_OLD_INODE_SIZE, type Inode } from "./inode.js";

const XATTR_MAGIC = 0xea020000;
const XATTR_INDEX_SYSTEM = 7;

/** The "system.data" value in the inode body, or an empty array when there is none. */
export function systemData(inode: Inode, where: string): Uint8Array {
  const raw = inode.raw;
  const start = GOOD_OLD_INODE_SIZE + inode.extraIsize;
  if (start + 4 > raw.length || le32(raw, start) !== XATTR_MAGIC) return new Uint8Array(0);
  const first = start + 4;
  let pos = first;
  // Entries end at four zero bytes; each is 16 bytes and its name, padded to 4.
  while (pos + 16 <= raw.length && le32(raw, pos) !== 0) {
    const nameLen = raw[pos]!;
    const index = raw[pos + 1]!;
    const valueOffs = le16(raw, pos + 2);
    const valueInum = le32(raw, pos + 4);
    const valueSize = le32(raw, pos + 8);
    if (pos + 16 + nameLen > raw.length) throw new DiskError(where, inode.offset + pos, `ext inode ${inode.ino}: extended attribute name runs past the inode`);
    const name = String.fromCharCode(...raw.subarray(pos + 16, pos + 16 + nameLen));
    if (index === XATTR_INDEX_SYSTEM && name === "data") {
      if (valueInum !== 0) throw new DiskError(where, inode.offset + pos + 4, `ext inode ${inode.ino}: system.data in an EA inode`);
      if (first + valueOffs + valueSize > raw.length) {
        throw new DiskError(where, inode.offset + pos + 2, `ext inode ${inode.ino}: system.data (${valueSize} bytes at ${valueOffs}) runs past the inode`);
      }
      return raw.subarray(first + valueOffs, first + valueOffs + valueSize);
    }
    pos += (16 + nameLen + 3) & ~3;
  }
  return new Uint8Array(0);
}

/** A file's (or symlink's) inline bytes: i_block then system.data, cut to i_size. */
export function inlineData(inode: Inode, where: string): Uint8Array {
  const extra = systemData(inode, where);
  const all = new Uint8Array(inode.iBlock.length + extra.length);
  all.set(inode.iBlock, 0);
  all.set(extra, inode.iBlock.length);
  if (inode.size > all.length) throw new DiskError(where, inode.offset + 0x04, `ext inode ${inode.ino}: i_size ${inode.size} is past its ${all.length} bytes of inline data`);
  return all.subarray(0, inode.size);
}
