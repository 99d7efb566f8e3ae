// An LVM2 physical volume's on-disk header (lvm2 format_text/layout.h): a "LABELONE" label in one of the first
// four sectors, the PV header after it (the PV's UUID, size, and lists of data and metadata areas), and in each
// metadata area a header whose first raw location points at the newest copy of the VG metadata text. Older
// copies stay in the area's ring buffer; only the one the header points at is read. The text may wrap from the
// area's end to just past its header. Every checksum (lvm2's CRC32 variant) is checked.
import { le32, le64, readExact } from "../container/bytes.js";
import { type ByteSource, DiskError } from "../types.js";
import { SECTOR } from "./sector.js";

const LABEL_SCAN_SECTORS = 4;
const MDA_HEADER_SIZE = 512;
const MDA_MAGIC = " LVM2 x[5A%r0N*>";
/** A VG's metadata text is kilobytes; lvm2 itself refuses areas past a few hundred MiB. A documented cap. */
export const METADATA_TEXT_MAX = 16 * 1024 * 1024;
/** More areas than this in one PV header is not lvm2's writing (it makes one or two). */
const MAX_AREAS = 64;

// lvm2's calc_crc: the reflected CRC-32 table, seeded with 0xf597a6cf, without the final inversion.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}
export function lvmCrc(b: Uint8Array, crc = 0xf597a6cf): number {
  let c = crc;
  for (let i = 0; i < b.length; i++) c = (TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return c;
}

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

/** "1YpBMHbN0G…" (32 characters as the label stores it) → "1YpBMH-bN0G-…" as the metadata text writes it. */
export function formatPvUuid(raw: string): string {
  const cuts = [6, 4, 4, 4, 4, 4, 6];
  const parts: string[] = [];
  let at = 0;
  for (const n of cuts) {
    parts.push(raw.slice(at, at + n));
    at += n;
  }
  return parts.join("-");
}

export interface PvLabel {
  /** Canonical, with dashes. */
  readonly uuid: string;
  readonly deviceSize: number;
  /** The metadata text of each metadata area whose header is whole, with its byte offset on the PV. */
  readonly metadata: { readonly text: string; readonly offset: number }[];
  /** Metadata areas that could not be read: the PV is still one (another PV's copy may describe its VG). */
  readonly damage: DiskError[];
}

/** The sector (0–3) holding an LVM2 label, or null. */
export function probeLvm(pv: ByteSource): number | null {
  const b = new Uint8Array(32);
  for (let s = 0; s < LABEL_SCAN_SECTORS; s++) {
    if (pv.read(b, 0, 32, s * SECTOR) < 32) return null;
    if (ascii(b, 0, 8) === "LABELONE" && ascii(b, 24, 8) === "LVM2 001") return s;
  }
  return null;
}

/** Reads the label, PV header and metadata areas of a PV that probeLvm found. */
export function readPvLabel(pv: ByteSource, where: string): PvLabel {
  const sector = probeLvm(pv);
  if (sector === null) throw new DiskError(where, 0, "no LVM2 label in the first four sectors");
  const at = sector * SECTOR;
  const s = readExact(pv, where, at, SECTOR, "LVM2 label");
  const stored = le32(s, 16);
  const computed = lvmCrc(s.subarray(20, SECTOR));
  if (stored !== computed) throw new DiskError(where, at + 16, `LVM2 label checksum 0x${stored.toString(16)} does not match 0x${computed.toString(16)}`);
  const headerAt = le32(s, 20);
  // uuid (32) + device size (8) + at least the two list terminators (16 each)
  if (headerAt < 32 || headerAt + 72 > SECTOR) throw new DiskError(where, at + 20, `PV header offset ${headerAt} does not fit the label sector`);
  const uuid = formatPvUuid(ascii(s, headerAt, 32));
  const deviceSize = le64(s, headerAt + 32, where, at + headerAt + 32, "PV device size");
  // two lists of (offset, size) pairs, each ending with a zero offset: data areas, then metadata areas
  let p = headerAt + 40;
  const lists: { offset: number; size: number }[][] = [[], []];
  for (const list of lists) {
    for (;;) {
      if (p + 16 > SECTOR) throw new DiskError(where, at + p, "PV header area list runs past the label sector");
      const offset = le64(s, p, where, at + p, "area offset");
      const size = le64(s, p + 8, where, at + p + 8, "area size");
      p += 16;
      if (offset === 0) break;
      if (list.length >= MAX_AREAS) throw new DiskError(where, at + p, `more than ${MAX_AREAS} areas in the PV header`);
      list.push({ offset, size });
    }
  }
  const metadata: { text: string; offset: number }[] = [];
  const damage: DiskError[] = [];
  for (const mda of lists[1]!) {
    try {
      const text = readMetadataArea(pv, where, mda.offset, mda.size);
      if (text) metadata.push(text);
    } catch (e) {
      if (!(e instanceof DiskError)) throw e;
      damage.push(e);
    }
  }
  return { uuid, deviceSize, metadata, damage };
}

/** The newest metadata text of one area, or null when the area holds none (a PV not yet in a VG, or an ignored area). */
function readMetadataArea(pv: ByteSource, where: string, start: number, size: number): { text: string; offset: number } | null {
  if (size < MDA_HEADER_SIZE * 2 || start + size > pv.size) {
    throw new DiskError(where, start, `metadata area (${size} bytes at byte ${start}) does not fit the PV (${pv.size} bytes)`);
  }
  const h = readExact(pv, where, start, MDA_HEADER_SIZE, "metadata area header");
  const stored = le32(h, 0);
  const computed = lvmCrc(h.subarray(4));
  if (stored !== computed) throw new DiskError(where, start, `metadata area header checksum 0x${stored.toString(16)} does not match 0x${computed.toString(16)}`);
  if (ascii(h, 4, 16) !== MDA_MAGIC) throw new DiskError(where, start + 4, "metadata area header lacks its magic");
  const version = le32(h, 20);
  if (version !== 1) throw new DiskError(where, start + 20, `metadata area version ${version} (only 1 is known)`);
  const hStart = le64(h, 24, where, start + 24, "metadata area start");
  const hSize = le64(h, 32, where, start + 32, "metadata area size");
  if (hStart !== start || hSize !== size) throw new DiskError(where, start + 24, `metadata area header says ${hSize} bytes at ${hStart}, the PV header ${size} at ${start}`);
  // the first raw location is the current metadata; the rest of the ring holds older copies
  const offset = le64(h, 40, where, start + 40, "metadata offset");
  const length = le64(h, 48, where, start + 48, "metadata size");
  const checksum = le32(h, 56);
  const flags = le32(h, 60);
  if (offset === 0 || length === 0 || flags & 1) return null;
  if (offset < MDA_HEADER_SIZE || offset >= size || length > size - MDA_HEADER_SIZE || length > METADATA_TEXT_MAX) {
    throw new DiskError(where, start + 40, `metadata text (${length} bytes at ${offset}) does not fit its ${size}-byte area`);
  }
  const text = new Uint8Array(length);
  const first = Math.min(length, size - offset);
  text.set(readExact(pv, where, start + offset, first, "metadata text"), 0);
  // wrapped: the rest continues right after the area's header
  if (first < length) text.set(readExact(pv, where, start + MDA_HEADER_SIZE, length - first, "metadata text (wrapped)"), first);
  const sum = lvmCrc(text);
  if (sum !== checksum) throw new DiskError(where, start + offset, `metadata text checksum 0x${sum.toString(16)} does not match 0x${checksum.toString(16)}`);
  const nul = text.indexOf(0);
  return { text: Buffer.from(text.subarray(0, nul < 0 ? text.length : nul)).toString("utf8"), offset: start + offset };
}
