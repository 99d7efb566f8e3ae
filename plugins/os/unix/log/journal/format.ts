// The systemd journal file format as this reader uses it (systemd's docs/JOURNAL_FILE_FORMAT.md and
// src/libsystemd/sd-journal/journal-def.h): every integer is little-endian, every object starts on an 8-byte
// boundary with a 16-byte header { u8 type; u8 flags; u8 reserved[6]; le64 size }.

export const SIGNATURE = "LPKSHHRH";

export const OBJECT_UNUSED = 0;
export const OBJECT_DATA = 1;
export const OBJECT_FIELD = 2;
export const OBJECT_ENTRY = 3;
export const OBJECT_DATA_HASH_TABLE = 4;
export const OBJECT_FIELD_HASH_TABLE = 5;
export const OBJECT_ENTRY_ARRAY = 6;
export const OBJECT_TAG = 7;
export const OBJECT_TYPE_MAX = 8;

export const OBJECT_TYPE_NAMES = ["UNUSED", "DATA", "FIELD", "ENTRY", "DATA_HASH_TABLE", "FIELD_HASH_TABLE", "ENTRY_ARRAY", "TAG"] as const;

/** DATA object flags: at most one is set; the matching header flag says the file may use it. */
export const OBJECT_COMPRESSED_XZ = 1;
export const OBJECT_COMPRESSED_LZ4 = 2;
export const OBJECT_COMPRESSED_ZSTD = 4;
export const OBJECT_COMPRESSION_MASK = 7;

export const HEADER_INCOMPATIBLE_COMPRESSED_XZ = 1;
export const HEADER_INCOMPATIBLE_COMPRESSED_LZ4 = 2;
export const HEADER_INCOMPATIBLE_KEYED_HASH = 4;
export const HEADER_INCOMPATIBLE_COMPRESSED_ZSTD = 8;
export const HEADER_INCOMPATIBLE_COMPACT = 16;
export const HEADER_INCOMPATIBLE_KNOWN = 31;

export const HEADER_COMPATIBLE_SEALED = 1;
export const HEADER_COMPATIBLE_TAIL_ENTRY_BOOT_ID = 2;
export const HEADER_COMPATIBLE_SEALED_CONTINUOUS = 4;

export const STATE_NAMES = ["OFFLINE", "ONLINE", "ARCHIVED"] as const;

/** The common object header. */
export const OBJECT_HEADER_SIZE = 16;
/** DATA: header, hash, next_hash_offset, next_field_offset, entry_offset, entry_array_offset, n_entries (64 bytes);
 *  compact files add le32 tail_entry_array_offset and le32 tail_entry_array_n_entries before the payload. */
export const DATA_PAYLOAD_OFFSET = 64;
export const DATA_PAYLOAD_OFFSET_COMPACT = 72;
/** ENTRY: header, seqnum, realtime, monotonic, boot_id (16), xor_hash; then the items. */
export const ENTRY_ITEMS_OFFSET = 64;
/** An item: le64 object_offset + le64 hash; compact: le32 object_offset only. */
export const ENTRY_ITEM_SIZE = 16;
export const ENTRY_ITEM_SIZE_COMPACT = 4;
/** ENTRY_ARRAY: header, next_entry_array_offset; then le64 (compact: le32) entry offsets. */
export const ENTRY_ARRAY_ITEMS_OFFSET = 24;
export const FIELD_PAYLOAD_OFFSET = 40;
export const TAG_OBJECT_SIZE = 64;

/** Every header up to and including tail_entry_monotonic exists in every version (HEADER_SIZE_MIN). */
export const HEADER_SIZE_MIN = 208;
/** systemd 252 and 253: up to tail_entry_array_n_entries. 254 added tail_entry_offset. */
export const HEADER_SIZE_252 = 264;
export const HEADER_SIZE_254 = 272;

/** Timestamps systemd accepts in an entry (journal-file.h VALID_REALTIME, VALID_MONOTONIC): below 2^55 µs. */
export const TIMESTAMP_LIMIT = 2 ** 55;

export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** A little-endian u64 as a number: exact up to 2^53, past it only "huge" (no offset or size can be that large). */
export function u64(b: Uint8Array, at: number): number {
  const lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  const hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
  return hi * 4294967296 + lo;
}

/** A little-endian u64 exactly: a number up to 2^53, a bigint past it. */
export function u64Exact(b: Uint8Array, at: number): number | bigint {
  const lo = (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
  const hi = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A 128-bit id as journalctl prints it: 32 lowercase hex digits. */
export function id128(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 16; i++) s += HEX[b[at + i]!]!;
  return s;
}

export function typeName(type: number): string {
  return type < OBJECT_TYPE_MAX ? OBJECT_TYPE_NAMES[type]! : `type ${type}`;
}
