// Reading a volume system's own structures: whole sectors, bounded by the disk (a short read is damage), and
// the mixed-endian GUIDs that GPT stores.
import { readExact } from "../container/bytes.js";
import type { ByteSource } from "../types.js";

/** Tables here address 512-byte logical sectors; GPT on 4 KiB-sector media is found by its header at byte 4096. */
export const SECTOR = 512;

export function readSector(disk: ByteSource, where: string, lba: number, what: string, size = SECTOR): Uint8Array {
  return readExact(disk, where, lba * size, size, what);
}

const hex = (b: Uint8Array, from: number, to: number, reverse: boolean): string => {
  const bytes = Array.from(b.subarray(from, to));
  if (reverse) bytes.reverse();
  return bytes.map((x) => x.toString(16).padStart(2, "0")).join("");
};

/** A GUID as GPT stores it (the first three fields little-endian), in canonical lower-case 8-4-4-4-12 form. */
export function guidAt(b: Uint8Array, at: number): string {
  return [
    hex(b, at, at + 4, true),
    hex(b, at + 4, at + 6, true),
    hex(b, at + 6, at + 8, true),
    hex(b, at + 8, at + 10, false),
    hex(b, at + 10, at + 16, false),
  ].join("-");
}

export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
