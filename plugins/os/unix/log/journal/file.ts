// One open journal file: its header checked, its entries in order (arrays.ts), and an entry made a record:
// each item's DATA object read (or found in the cache), decoded, and put in its record field.
import type { AnyRecord, FileHandle } from "quarry";
import { fileEntries } from "./arrays.js";
import type { DataCache } from "./cache.js";
import { blankDecoded, BROKEN, decodeField, KNOWN_FIELDS, pairOf, SLOT_BOOT_ID, SLOT_BROKEN, SLOT_FIELDS, type Decoded } from "./fields.js";
import { HEADER_READ, parseHeader, stateName, type JournalHeader } from "./header.js";
import { u64Exact } from "./format.js";
import { hex64, ObjectReader, type EntryHead } from "./objects.js";
import { buildRecord } from "./record.js";
import type { FileReport } from "./report.js";
import { ByteSource, type BlockCache } from "./source.js";
import { XOR_ITEMS_MAX, xorOfSome } from "./xor.js";

/** A DATA object referenced by more entries than this is cached. */
export const SHARED_MIN = 16;

export interface Shared {
  blocks: BlockCache;
  data: DataCache;
  /** The most one field's payload may be, in bytes. */
  maxPayload: number;
}

export class JournalFile {
  private readonly base: number;
  private readonly slots: unknown[] = new Array<unknown>(KNOWN_FIELDS.length).fill(null);
  /** The decoding of a DATA object no other entry references (used at once, never cached). */
  private readonly once: Decoded = blankDecoded();
  /** The Jenkins hashes of the last entry's items (to explain an xor_hash that differs). */
  private jHi = new Uint32Array(64);
  private jLo = new Uint32Array(64);

  private constructor(
    readonly path: string,
    readonly header: JournalHeader,
    readonly reader: ObjectReader,
    readonly report: FileReport,
    private readonly shared: Shared,
  ) {
    this.base = shared.data.fileIndex();
  }

  /** Open a file already opened as `handle`; null (the reason reported) when it is no journal that can be read. */
  static open(path: string, handle: FileHandle, shared: Shared, report: FileReport): JournalFile | null {
    const size = handle.size;
    const src = new ByteSource(handle, size, shared.blocks);
    const first = src.copy(0, Math.min(size, HEADER_READ));
    const got = first ?? new Uint8Array(0);
    const res = parseHeader(got, size);
    if (!res.ok) {
      report.error(0, res.reason);
      src.close();
      return null;
    }
    const h = res.header;
    for (const w of res.warnings) report.warn(w, 0);
    for (const p of res.problems) report.error(p.offset, p.message);
    if (h.truncatedAt !== null) {
      const claimed = BigInt(h.headerSize) + BigInt(u64Exact(got, 96));
      report.warn(`truncated: the file is ${size} bytes, its header says ${claimed}; every complete entry before the cut is read`, size);
    }
    return new JournalFile(path, h, new ObjectReader(src, h, shared.maxPayload), report, shared);
  }

  /** The file's entries in order; each head is valid until the next is asked for. */
  entries(): Generator<EntryHead> {
    return fileEntries(this.reader, this.report);
  }

  describe(): string {
    const h = this.header;
    return `${stateName(h.state)}, ${h.compact ? "compact" : "regular"}, ${h.keyedHash ? "keyed" : "jenkins"} hash`;
  }

  /** The record of the entry `h` (read by entries()). */
  record(h: EntryHead): AnyRecord {
    const r = this.reader;
    const rep = this.report;
    const slots = this.slots;
    slots.fill(null);
    const fields: string[] = [];
    const n = r.entryItems(h);
    if (typeof n === "string") rep.error(h.offset, `damaged ENTRY: ${n}`);
    else {
      const compact = this.header.compact;
      if (this.jHi.length < n) {
        this.jHi = new Uint32Array(n);
        this.jLo = new Uint32Array(n);
      }
      let xHi = 0;
      let xLo = 0;
      let broken = false;
      // With this many items nearly any xor_hash difference is "explained" (xor.ts): each DATA object's own
      // hash is checked instead (a regular file's is checked always, for free)
      const many = n > XOR_ITEMS_MAX;
      if (many) r.verifyKeyed = true;
      for (let i = 0; i < n; i++) {
        const off = r.items[i]!;
        let d = this.shared.data.get(this.base, off);
        if (d === undefined) d = this.decode(h, off);
        if (d.slot === SLOT_BROKEN) broken = true;
        else {
          xHi ^= d.jenkinsHi;
          xLo ^= d.jenkinsLo;
          this.jHi[i] = d.jenkinsHi;
          this.jLo[i] = d.jenkinsLo;
        }
        if (!compact && d.slot !== SLOT_BROKEN && (d.hashHi !== r.itemHashHi[i] || d.hashLo !== r.itemHashLo[i])) {
          rep.error(h.offset, `damaged ENTRY: item ${i} says DATA at ${off} has another hash than the object holds`);
        }
        const slot = d.slot;
        if (slot >= 0) {
          if (slots[slot] === null) slots[slot] = d.value;
          else fields.push(pairOf(d));
        } else if (slot === SLOT_FIELDS) fields.push(pairOf(d));
        else if (slot === SLOT_BOOT_ID) {
          if (d.value !== h.bootId) fields.push(pairOf(d));
        }
      }
      r.verifyKeyed = false;
      const dHi = (xHi ^ h.xorHi) >>> 0;
      const dLo = (xLo ^ h.xorLo) >>> 0;
      if (!broken && !many && (dHi | dLo) !== 0 && !xorOfSome(dHi, dLo, this.jHi, this.jLo, n)) {
        rep.error(h.offset, `damaged ENTRY: its xor_hash ${hex64(h.xorHi, h.xorLo)} is not that of its ${n} items (${hex64(xHi >>> 0, xLo >>> 0)}): an item or the hash is damaged`);
        if (this.header.keyedHash) this.findDamagedData(h, n);
      }
    }
    return buildRecord(h, this.header.seqnumId, slots, fields, this.path);
  }

  /** After an entry's xor_hash failed in a keyed-hash file: each of its DATA objects checked against its SipHash. */
  private findDamagedData(h: EntryHead, n: number): void {
    const r = this.reader;
    const offsets = Array.from(r.items.subarray(0, n));
    r.verifyKeyed = true;
    try {
      for (const off of offsets) {
        if (r.data(off) === null && r.hashMismatch !== null) this.report.error(off, `damaged DATA object (of the entry at ${h.offset}): ${r.hashMismatch}`);
      }
    } finally {
      r.verifyKeyed = false;
    }
  }

  /** The DATA object at `off`, decoded (and cached when other entries share it); BROKEN when it cannot be read. */
  private decode(h: EntryHead, off: number): Decoded {
    const r = this.reader;
    if (!r.placeable(off)) {
      this.report.error(h.offset, `damaged ENTRY: an item's offset ${off} is not an object offset`);
      return BROKEN;
    }
    const p = r.data(off);
    if (p !== null) {
      this.report.error(off, `damaged DATA object (of the entry at ${h.offset}): ${p}`);
      this.shared.data.put(this.base, off, BROKEN);
      return BROKEN;
    }
    // Cached when many entries share it (the DATA object counts them): a hostname, a unit, a uid. A value few
    // entries share (a pid) only in the small recent table: in the generations, the churn of such values
    // promoted to the old heap raised the bench's peak RSS from ~140 to ~170 MB.
    const shared = r.dataEntries > SHARED_MIN;
    const few = !shared && r.dataEntries > 1;
    const d = decodeField(r.payload, r.payloadStart, r.payloadEnd, r.dataHashHi, r.dataHashLo, r.jenkinsHi, r.jenkinsLo, shared || few ? undefined : this.once);
    if (d === null) {
      this.report.error(off, `damaged DATA object (of the entry at ${h.offset}): the payload has no '=' (not NAME=value)`);
      this.shared.data.put(this.base, off, BROKEN);
      return BROKEN;
    }
    if (r.hashMismatch !== null) this.report.error(off, `damaged DATA object (of the entry at ${h.offset}): ${r.hashMismatch}`);
    if (shared) this.shared.data.put(this.base, off, d);
    else if (few) this.shared.data.putRecent(this.base, off, d);
    return d;
  }

  close(): void {
    this.shared.data.drop(this.base);
    this.reader.src.close();
    this.report.close();
  }
}
