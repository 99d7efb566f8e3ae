// The rpm header as rpm's database stores it (lib/header.c, headerImport of a "blob"; the magic and reserved
// bytes of a package file's header are not in the database copy):
//   int32 il   number of index entries          (big-endian, as every integer of the header)
//   int32 dl   bytes of the data store
//   il × { int32 tag; uint32 type; int32 offset; uint32 count }   16 bytes each
//   dl bytes   data store: each entry's values at its offset
// Types: 0 NULL, 1 CHAR, 2 INT8, 3 INT16, 4 INT32, 5 INT64, 6 STRING, 7 BIN, 8 STRING_ARRAY, 9 I18NSTRING; strings
// NUL-terminated; integers aligned to their size within the store. rpm caps il at 0xffff and dl at 0x0fffffff
// (HEADER_TAGS_MAX, HEADER_DATA_MAX); so does this decoder, and every offset and count is checked against the
// store before it is read. Only the tags a package record needs are decoded.
import { decodeLenient } from "quarry";

export const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  INSTALLTIME: 1008,
  SIZE: 1009,
  VENDOR: 1011,
  ARCH: 1022,
  SOURCERPM: 1044,
  LONGSIZE: 5009,
} as const;

const WANTED = new Set<number>(Object.values(TAG));
const HEADER_TAGS_MAX = 0xffff;
const HEADER_DATA_MAX = 0x0fffffff;
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 1, 1];

export class HeaderError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export type HeaderValue = string | number | bigint;

export interface Header {
  /** Tag → its first value (a string, or a number; INT64 as a bigint past 2^53). */
  values: Map<number, HeaderValue>;
  /** What was odd but not fatal: an entry skipped (its tag, and why). */
  problems: { message: string; offset: number }[];
}

/** The first NUL-terminated string at `at` within the store, or null when it runs off the end. */
function cstr(b: Uint8Array, at: number, end: number): string | null {
  const nul = b.indexOf(0, at);
  if (nul < 0 || nul >= end) return null;
  return decodeLenient(b.subarray(at, nul));
}

/** Decode a header blob; a blob whose sizes do not hold together throws HeaderError (offset in the blob). */
export function decodeHeader(blob: Uint8Array): Header {
  if (blob.length < 8) throw new HeaderError(`${blob.length} bytes: no header (il and dl need 8)`, 0);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = dv.getUint32(0);
  const dl = dv.getUint32(4);
  if (il < 1 || il > HEADER_TAGS_MAX) throw new HeaderError(`index of ${il} entries (rpm allows 1 … ${HEADER_TAGS_MAX})`, 0);
  if (dl > HEADER_DATA_MAX) throw new HeaderError(`data store of ${dl} bytes (rpm allows at most ${HEADER_DATA_MAX})`, 4);
  const store = 8 + il * 16;
  if (store + dl > blob.length) throw new HeaderError(`index of ${il} entries and ${dl} bytes of data need ${store + dl} bytes; the blob has ${blob.length}`, 4);
  const end = store + dl;
  const values = new Map<number, HeaderValue>();
  const problems: Header["problems"] = [];
  if (end < blob.length) problems.push({ message: `${blob.length - end} bytes after the data store`, offset: end });
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = dv.getInt32(e);
    if (!WANTED.has(tag) || values.has(tag)) continue;
    const type = dv.getUint32(e + 4);
    const off = dv.getInt32(e + 8);
    const count = dv.getUint32(e + 12);
    const bad = (why: string): void => void problems.push({ message: `entry ${i} (tag ${tag}): ${why}; skipped`, offset: e });
    if (type < 1 || type > 9) {
      bad(`type ${type} is no rpm type`);
      continue;
    }
    const size = TYPE_SIZE[type]!;
    if (off < 0 || off >= dl || count < 1 || count > dl) {
      bad(`offset ${off} and count ${count} are outside the ${dl}-byte data store`);
      continue;
    }
    const at = store + off;
    if (type >= 6 && type !== 7) {
      if (type === 6 && count !== 1) {
        bad(`a STRING of count ${count}`);
        continue;
      }
      const s = cstr(blob, at, end);
      if (s === null) bad("its string has no NUL within the data store");
      else values.set(tag, s);
      continue;
    }
    if (type === 7 || type <= 2) continue; // binary and char values: no tag here has them
    if (off % size !== 0) {
      bad(`offset ${off} is not aligned to ${size} bytes`);
      continue;
    }
    if (off + size * count > dl) {
      bad(`${count} values of ${size} bytes run past the data store`);
      continue;
    }
    if (type === 3) values.set(tag, dv.getUint16(at));
    else if (type === 4) values.set(tag, dv.getUint32(at));
    else {
      const v = dv.getBigUint64(at);
      values.set(tag, v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
    }
  }
  return { values, problems };
}
