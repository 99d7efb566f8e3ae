// Directory entries (ext4_dir_entry_2): inode, rec_len, name_len, file_type, name. A directory is read as its
// linear leaf blocks: an htree's root and interior blocks hide their index inside entries with inode 0 or a
// rec_len that spans the block, so a linear scan sees only the real entries (and "." and "..").
import { le16, le32 } from "../../container/bytes.js";
import type { FileType } from "../../../fs/types.js";
import { decodeLenient } from "../../../util/text.js";
import { DiskError } from "../../types.js";

export interface RawDirent {
  readonly ino: number;
  readonly name: string;
  /** From file_type, or null when the filesystem lacks the filetype feature (or the value is unknown). */
  readonly type: FileType | null;
  /** Byte offset of the entry in the volume (null inside inline data), for errors about what it names. */
  readonly at: number | null;
}

const DIRENT_TYPES: readonly (FileType | null)[] = [null, "file", "dir", "chardev", "blockdev", "fifo", "socket", "symlink"];

/**
 * Appends the entries of b[start, end) to `out` (not "." or "..", nor names a path cannot hold). `at` is the
 * volume offset of b[0] (null for inline data), for errors.
 */
export interface DirFormat {
  /** The filetype feature: an 8-bit name_len and a file_type byte (else a 16-bit name_len). */
  readonly fileType: boolean;
  /** The dirdata feature (Lustre): file_type's high nibble flags data stored after the name. */
  readonly dirData: boolean;
  readonly blockSize: number;
}

export function parseDirEntries(b: Uint8Array, start: number, end: number, fmt: DirFormat, where: string, at: number | null, out: RawDirent[]): void {
  const { fileType: hasFileType, blockSize } = fmt;
  const typeMask = fmt.dirData ? 0x0f : 0xff;
  let pos = start;
  while (pos < end) {
    if (pos + 8 > end) throw new DiskError(where, at === null ? null : at + pos, `ext directory entry header runs past its block`);
    const ino = le32(b, pos);
    let recLen = le16(b, pos + 4);
    // 64 KiB blocks: a rec_len of 65536 does not fit 16 bits and is stored as 65535 (or 0).
    if (blockSize === 65536 && (recLen === 65535 || recLen === 0)) recLen = 65536;
    const nameLen = hasFileType ? b[pos + 6]! : le16(b, pos + 6);
    if (recLen < 8 || recLen & 3 || pos + recLen > end || 8 + nameLen > recLen) {
      throw new DiskError(where, at === null ? null : at + pos + 4, `ext directory entry: rec_len ${recLen} with name_len ${nameLen} does not fit (${end - pos} bytes left)`);
    }
    if (ino !== 0 && nameLen > 0) {
      const name = decodeLenient(b, pos + 8, pos + 8 + nameLen);
      if (name !== "." && name !== ".." && !name.includes("/") && !name.includes("\0")) {
        out.push({ ino, name, type: hasFileType ? (DIRENT_TYPES[b[pos + 7]! & typeMask] ?? null) : null, at: at === null ? null : at + pos });
      }
    }
    pos += recLen;
  }
}
