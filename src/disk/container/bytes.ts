// Reading a container's own structures: whole, bounded reads from the file (a short read is damage, not a
// smaller table), and fixed-width integers as JavaScript numbers (a 64-bit field past 2^53 is damage).
import { readFully } from "../../fs/read.js";
import { type ByteSource, DiskError } from "../types.js";

/** The largest table (L1, grain directory, BAT, …) read into memory at once: a documented cap, not a guess. */
export const TABLE_MAX = 64 * 1024 * 1024;

/** Exactly `length` bytes at `position`, or a DiskError naming what was being read. */
export function readExact(file: ByteSource, where: string, position: number, length: number, what: string): Uint8Array {
  if (!Number.isSafeInteger(position) || position < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new DiskError(where, position, `${what}: offset or length out of range`);
  }
  if (length > file.size || position > file.size - length) {
    throw new DiskError(where, position, `${what} (${length} bytes) runs past the end of the file (${file.size} bytes)`);
  }
  const buf = new Uint8Array(length);
  const got = readFully(file, buf, position);
  if (got < length) throw new DiskError(where, position + got, `${what}: file ends early`);
  return buf;
}

/** Fill buf[offset, offset+length) from the file, or a DiskError. */
export function readInto(file: ByteSource, where: string, buf: Uint8Array, offset: number, length: number, position: number): void {
  const got = readFully(file, buf.subarray(offset, offset + length), position);
  if (got < length) throw new DiskError(where, position + got, `data runs past the end of the file (${file.size} bytes)`);
}

export const be32 = (b: Uint8Array, i: number): number => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
export const le32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
export const le16 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);

/** A 64-bit big-endian field as a number; past 2^53 it cannot be a real offset or size. */
export function be64(b: Uint8Array, i: number, where: string, at: number, what: string): number {
  return join64(be32(b, i), be32(b, i + 4), where, at, what);
}

export function le64(b: Uint8Array, i: number, where: string, at: number, what: string): number {
  return join64(le32(b, i + 4), le32(b, i), where, at, what);
}

function join64(hi: number, lo: number, where: string, at: number, what: string): number {
  if (hi > 0x1fffff) throw new DiskError(where, at, `${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, "0")} is past 2^53`);
  return hi * 0x100000000 + lo;
}

export const ascii = (b: Uint8Array, i: number, n: number): string => String.fromCharCode(...b.subarray(i, i + n));
