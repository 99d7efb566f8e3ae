// Reads of metadata from the volume: an exact length at an offset, checked against the volume's size first,
// so a damaged pointer is a DiskError naming the offset, never a short buffer or a huge allocation.
import { readFully } from "../../../fs/read.js";
import { DiskError, type ByteSource } from "../../types.js";

/** Metadata reads are at most one directory block (64 KiB) or one inode cluster; nothing larger is asked. */
const MAX_METADATA_READ = 1 << 20;

export function readExact(volume: ByteSource, offset: number, length: number, where: string, what: string): Uint8Array {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || length > MAX_METADATA_READ || offset + length > volume.size) {
    throw new DiskError(where, offset, `XFS ${what}: ${length} bytes at ${offset} run past the end of the volume (${volume.size} bytes)`);
  }
  const buf = new Uint8Array(length);
  const got = readFully(volume, buf, offset, length);
  if (got !== length) throw new DiskError(where, offset + got, `XFS ${what}: short read (${got} of ${length} bytes)`);
  return buf;
}

export const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
