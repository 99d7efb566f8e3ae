// Reading one object at an offset: its header checked against the file (journal-file.c's check_object_header and
// check_object are the model), then the fields of an ENTRY, the items of an ENTRY, the payload of a DATA object.
// Every method returns a problem as a sentence (the caller names the file and offset), or null.
import { inflate, PayloadError, type Codec } from "./decompress.js";
import {
  DATA_PAYLOAD_OFFSET,
  DATA_PAYLOAD_OFFSET_COMPACT,
  ENTRY_ARRAY_ITEMS_OFFSET,
  ENTRY_ITEM_SIZE,
  ENTRY_ITEM_SIZE_COMPACT,
  ENTRY_ITEMS_OFFSET,
  FIELD_PAYLOAD_OFFSET,
  OBJECT_COMPRESSED_LZ4,
  OBJECT_COMPRESSED_XZ,
  OBJECT_COMPRESSED_ZSTD,
  OBJECT_COMPRESSION_MASK,
  OBJECT_DATA,
  OBJECT_DATA_HASH_TABLE,
  OBJECT_ENTRY,
  OBJECT_ENTRY_ARRAY,
  OBJECT_FIELD,
  OBJECT_FIELD_HASH_TABLE,
  OBJECT_HEADER_SIZE,
  OBJECT_TAG,
  OBJECT_TYPE_MAX,
  TAG_OBJECT_SIZE,
  TIMESTAMP_LIMIT,
  id128,
  typeName,
  u32,
  u64,
  u64Exact,
} from "./format.js";
import { jenkins64, siphash24, type Hash64 } from "./hash.js";
import type { JournalHeader } from "./header.js";
import type { ByteSource } from "./source.js";

/** More items than any writer puts in one entry (journald and journal-remote take at most 1024 fields). */
export const MAX_ENTRY_ITEMS = 65536;
/** Entry arrays are read this many items at a time (a hostile array may claim the whole file). */
export const ARRAY_CHUNK = 8192;

export interface EntryHead {
  offset: number;
  size: number;
  seqnum: number | bigint;
  realtime: number | bigint;
  monotonic: number | bigint;
  bootId: string;
  xorHi: number;
  xorLo: number;
}

export function blankHead(): EntryHead {
  return { offset: 0, size: 0, seqnum: 0, realtime: 0, monotonic: 0, bootId: "", xorHi: 0, xorLo: 0 };
}

/** The object header at an offset, as read (not yet checked). */
export interface ObjectAt {
  type: number;
  flags: number;
  size: number;
}

/** What decompressing may still cost in one file: the larger of 1 GiB and 100 × the file (as gzip'd tars). */
export function inflateBudget(fileSize: number): number {
  return Math.max(2 ** 30, 100 * fileSize);
}

export class ObjectReader {
  /** An ENTRY's item: 16 bytes (offset, hash), compact 4. An ENTRY_ARRAY's item: 8 bytes, compact 4. */
  readonly itemSize: number;
  readonly arrayItemSize: number;
  readonly payloadOffset: number;
  /** The entry offsets of the last entry array read (entryArray), and the count. */
  readonly arrayItems = new Float64Array(ARRAY_CHUNK);
  /** The DATA offsets of the last entry read (entryItems), their hashes in regular files. */
  items = new Float64Array(64);
  itemHashHi = new Uint32Array(64);
  itemHashLo = new Uint32Array(64);
  /** The last DATA payload read (data): bytes[start, end), and the DATA object's n_entries. */
  payload: Uint8Array = new Uint8Array(0);
  payloadStart = 0;
  payloadEnd = 0;
  dataEntries = 0;
  /** The DATA object's stored hash. */
  dataHashHi = 0;
  dataHashLo = 0;
  /** Whether data() checks a keyed-hash file's stored hash (SipHash) too; else only a Jenkins hash is made. */
  verifyKeyed = false;
  /** Set when a payload's stored hash does not match its bytes (the payload is still returned). */
  hashMismatch: string | null = null;
  /** The payload's Jenkins hash: what an ENTRY's xor_hash is made of, keyed file or not. */
  jenkinsHi = 0;
  jenkinsLo = 0;
  /** Decompressed bytes left before decompression is refused for this file. */
  inflateLeft: number;
  readonly hash: Hash64 = { hi: 0, lo: 0 };

  constructor(
    readonly src: ByteSource,
    readonly header: JournalHeader,
    /** The most one payload may be (decompressed or not). */
    readonly maxPayload: number,
  ) {
    this.itemSize = header.compact ? ENTRY_ITEM_SIZE_COMPACT : ENTRY_ITEM_SIZE;
    this.arrayItemSize = header.compact ? 4 : 8;
    this.payloadOffset = header.compact ? DATA_PAYLOAD_OFFSET_COMPACT : DATA_PAYLOAD_OFFSET;
    this.inflateLeft = inflateBudget(src.size);
  }

  get end(): number {
    return this.header.end;
  }

  /** Whether `offset` can start an object: aligned, after the header, with room for an object header. */
  placeable(offset: number): boolean {
    return offset % 8 === 0 && offset >= this.header.headerSize && offset + OBJECT_HEADER_SIZE <= this.end;
  }

  /** The object header at `offset` into `o`; a problem when none can be there. Past the end: "end". */
  objectHeader(offset: number, o: ObjectAt): string | null {
    if (offset % 8 !== 0) return `offset ${offset} is not 8-byte aligned`;
    if (offset < this.header.headerSize) return `offset ${offset} is inside the file header`;
    if (!this.src.view(offset, OBJECT_HEADER_SIZE)) return "end";
    const b = this.src.buf;
    const at = this.src.at;
    o.type = b[at]!;
    o.flags = b[at + 1]!;
    o.size = u64(b, at + 8);
    return null;
  }

  /** The checks every object of a known type passes, given its header at `offset`; null when it is sound. */
  checkObject(offset: number, o: ObjectAt): string | null {
    if (o.type === 0 || o.type >= OBJECT_TYPE_MAX) return `unknown object type ${o.type}`;
    const min = this.minimumSize(o.type);
    if (o.size < min) return `${typeName(o.type)} object of ${o.size} bytes is smaller than its header (${min})`;
    if (o.size > this.end - offset) return `${typeName(o.type)} object of ${this.sizeText(offset, o.size)} bytes runs past the end of the file's data (${this.end})`;
    switch (o.type) {
      case OBJECT_DATA:
        if (o.size === this.payloadOffset) return "DATA object without payload";
        break;
      case OBJECT_ENTRY:
        if ((o.size - ENTRY_ITEMS_OFFSET) % this.itemSize !== 0) return `ENTRY size ${o.size} is not a whole number of items`;
        break;
      case OBJECT_ENTRY_ARRAY:
        if ((o.size - ENTRY_ARRAY_ITEMS_OFFSET) % this.arrayItemSize !== 0) return `ENTRY_ARRAY size ${o.size} is not a whole number of items`;
        break;
      case OBJECT_DATA_HASH_TABLE:
      case OBJECT_FIELD_HASH_TABLE:
        if ((o.size - OBJECT_HEADER_SIZE) % 16 !== 0) return `hash table size ${o.size} is not a whole number of items`;
        break;
      case OBJECT_TAG:
        if (o.size !== TAG_OBJECT_SIZE) return `TAG object of ${o.size} bytes (a tag is ${TAG_OBJECT_SIZE})`;
        break;
    }
    return null;
  }

  /** An object's size as written (a number past 2^53 is read again, exactly, for the message). */
  private sizeText(offset: number, size: number): string {
    if (size <= Number.MAX_SAFE_INTEGER || !this.src.view(offset, OBJECT_HEADER_SIZE)) return String(size);
    return String(u64Exact(this.src.buf, this.src.at + 8));
  }

  private minimumSize(type: number): number {
    switch (type) {
      case OBJECT_DATA:
        return this.payloadOffset;
      case OBJECT_FIELD:
        return FIELD_PAYLOAD_OFFSET + 1;
      case OBJECT_ENTRY:
        return ENTRY_ITEMS_OFFSET + this.itemSize;
      case OBJECT_ENTRY_ARRAY:
        return ENTRY_ARRAY_ITEMS_OFFSET + this.arrayItemSize;
      case OBJECT_DATA_HASH_TABLE:
      case OBJECT_FIELD_HASH_TABLE:
        return OBJECT_HEADER_SIZE + 16;
      case OBJECT_TAG:
        return TAG_OBJECT_SIZE;
      default:
        return OBJECT_HEADER_SIZE;
    }
  }

  private readonly scratchObject: ObjectAt = { type: 0, flags: 0, size: 0 };

  /** An object header of the given type at `offset`, checked; its size in this.scratchObject. */
  private expect(offset: number, type: number): string | null {
    const o = this.scratchObject;
    const p = this.objectHeader(offset, o);
    if (p !== null) return p === "end" ? `offset ${offset} is past the end of the file` : p;
    if (o.type !== type) return o.type === 0 && o.size === 0 ? `no ${typeName(type)} object there (zeros)` : `${typeName(o.type)} object where an ${typeName(type)} object was expected`;
    return this.checkObject(offset, o);
  }

  /** The fields of the ENTRY at `offset` into `h`. */
  entryHead(offset: number, h: EntryHead): string | null {
    const p = this.expect(offset, OBJECT_ENTRY);
    if (p !== null) return p;
    const size = this.scratchObject.size;
    if ((size - ENTRY_ITEMS_OFFSET) / this.itemSize > MAX_ENTRY_ITEMS) return `ENTRY of ${size} bytes claims more than ${MAX_ENTRY_ITEMS} items`;
    if (!this.src.view(offset, ENTRY_ITEMS_OFFSET)) return `ENTRY at ${offset} is past the end of the file`;
    const b = this.src.buf;
    const at = this.src.at;
    const seqnum = u64Exact(b, at + 16);
    const realtime = u64Exact(b, at + 24);
    const monotonic = u64Exact(b, at + 32);
    if (seqnum === 0) return "ENTRY with seqnum 0";
    if (realtime === 0 || realtime >= TIMESTAMP_LIMIT) return `ENTRY with realtime ${realtime} (not a time systemd writes)`;
    if (monotonic >= TIMESTAMP_LIMIT) return `ENTRY with monotonic ${monotonic} (not a time systemd writes)`;
    h.offset = offset;
    h.size = size;
    h.seqnum = seqnum;
    h.realtime = realtime;
    h.monotonic = monotonic;
    h.bootId = id128(b, at + 40);
    h.xorLo = u32(b, at + 56);
    h.xorHi = u32(b, at + 60);
    return null;
  }

  /** The DATA offsets of the entry `h` (read with entryHead) into this.items; returns the count, or a problem. */
  entryItems(h: EntryHead): number | string {
    const n = (h.size - ENTRY_ITEMS_OFFSET) / this.itemSize;
    if (!this.src.view(h.offset, h.size)) return `ENTRY at ${h.offset} is past the end of the file`;
    if (this.items.length < n) {
      const len = Math.max(n, this.items.length * 2);
      this.items = new Float64Array(len);
      this.itemHashHi = new Uint32Array(len);
      this.itemHashLo = new Uint32Array(len);
    }
    const b = this.src.buf;
    let at = this.src.at + ENTRY_ITEMS_OFFSET;
    if (this.header.compact) {
      for (let i = 0; i < n; i++, at += 4) this.items[i] = u32(b, at);
    } else {
      for (let i = 0; i < n; i++, at += 16) {
        this.items[i] = u64(b, at);
        this.itemHashLo[i] = u32(b, at + 8);
        this.itemHashHi[i] = u32(b, at + 12);
      }
    }
    return n;
  }

  /** The ENTRY_ARRAY at `offset`: [capacity in items, next array offset], or a problem. */
  entryArray(offset: number): [number, number] | string {
    const p = this.expect(offset, OBJECT_ENTRY_ARRAY);
    if (p !== null) return p;
    const size = this.scratchObject.size;
    if (!this.src.view(offset, ENTRY_ARRAY_ITEMS_OFFSET)) return `ENTRY_ARRAY at ${offset} is past the end of the file`;
    return [(size - ENTRY_ARRAY_ITEMS_OFFSET) / this.arrayItemSize, u64(this.src.buf, this.src.at + 16)];
  }

  /**
   * Items [from, from + count) of the ENTRY_ARRAY at `offset` (count at most ARRAY_CHUNK) into this.arrayItems;
   * returns how many are used (a zero item ends them), or -1 past the end of the file.
   */
  entryArrayItems(offset: number, from: number, count: number): number {
    const start = offset + ENTRY_ARRAY_ITEMS_OFFSET + from * this.arrayItemSize;
    if (!this.src.view(start, count * this.arrayItemSize)) return -1;
    const b = this.src.buf;
    let q = this.src.at;
    let n = 0;
    if (this.header.compact) {
      for (; n < count; n++, q += 4) {
        const v = u32(b, q);
        if (v === 0) break;
        this.arrayItems[n] = v;
      }
    } else {
      for (; n < count; n++, q += 8) {
        const v = u64(b, q);
        if (v === 0) break;
        this.arrayItems[n] = v;
      }
    }
    return n;
  }

  /**
   * The payload of the DATA object at `offset` ("NAME=value", decompressed) into this.payload[start, end), its
   * n_entries into this.dataEntries; this.hashMismatch says when the stored hash does not match the bytes.
   */
  data(offset: number): string | null {
    const p = this.expect(offset, OBJECT_DATA);
    if (p !== null) return p;
    const size = this.scratchObject.size;
    const flags = this.scratchObject.flags & OBJECT_COMPRESSION_MASK;
    const stored = size - this.payloadOffset;
    if (stored > this.maxPayload && flags === 0) return `DATA payload of ${stored} bytes is past the limit of ${this.maxPayload} bytes (--max-field-size)`;
    if (!this.src.view(offset, size)) return `DATA at ${offset} is past the end of the file`;
    const b = this.src.buf;
    const at = this.src.at;
    const hashLo = u32(b, at + 16);
    const hashHi = u32(b, at + 20);
    this.dataEntries = u64(b, at + 56);
    this.dataHashHi = hashHi;
    this.dataHashLo = hashLo;
    if (flags === 0) {
      this.payload = b;
      this.payloadStart = at + this.payloadOffset;
      this.payloadEnd = at + size;
    } else {
      const codec = codecOf(flags);
      if (codec === null) return `DATA object flags 0x${flags.toString(16)} name more than one compression`;
      const limit = Math.min(this.maxPayload, this.inflateLeft);
      let out: Uint8Array;
      try {
        out = inflate(codec, b.subarray(at + this.payloadOffset, at + size), limit);
      } catch (e) {
        if (!(e instanceof PayloadError)) throw e;
        if (e.kind !== "limit") return `${codec} payload is damaged: ${e.message}`;
        return limit < this.maxPayload
          ? `${codec} payload inflates past what is left of the file's decompression budget (${inflateBudget(this.src.size)} bytes in all)`
          : `${codec} payload inflates past the limit of ${this.maxPayload} bytes (--max-field-size)`;
      }
      this.inflateLeft -= out.length;
      this.payload = out;
      this.payloadStart = 0;
      this.payloadEnd = out.length;
    }
    this.hashMismatch = this.checkHash(hashHi, hashLo);
    return null;
  }

  private checkHash(hi: number, lo: number): string | null {
    const h = this.hash;
    const len = this.payloadEnd - this.payloadStart;
    // xor_hash is of Jenkins hashes even in keyed files (JOURNAL_FILE_FORMAT.md: comparable across files)
    jenkins64(this.payload, this.payloadStart, len, h);
    this.jenkinsHi = h.hi;
    this.jenkinsLo = h.lo;
    if (this.header.keyedHash) {
      // The keyed hash costs as much again; the entry's xor_hash (of Jenkins hashes) already covers the payload,
      // so it is checked only to find which DATA object is damaged once an entry's xor_hash fails.
      if (!this.verifyKeyed) return null;
      siphash24(this.payload, this.payloadStart, len, this.header.fileId, h);
    }
    if (h.hi === hi && h.lo === lo) return null;
    return `hash ${hex64(hi, lo)} does not match the payload's (${hex64(h.hi, h.lo)}): the payload or the hash is damaged`;
  }
}

function codecOf(flags: number): Codec | null {
  switch (flags) {
    case OBJECT_COMPRESSED_XZ:
      return "xz";
    case OBJECT_COMPRESSED_LZ4:
      return "lz4";
    case OBJECT_COMPRESSED_ZSTD:
      return "zstd";
    default:
      return null;
  }
}

export function hex64(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
