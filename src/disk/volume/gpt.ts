// The GUID partition table (UEFI spec, ch. 5): a header at LBA 1 and an array of partition entries, both
// CRC32-checked, with a backup header at the disk's last LBA whose entries lie just before it. The primary is
// used when it is whole; when its header or its entries fail a check, the backup is (and `damage` says why).
// Logical sectors of 512 bytes, or 4096 when the header is found at byte 4096 instead.
import { crc32 } from "../../util/decompress/xz-check.js";
import { le32, le64, readExact } from "../container/bytes.js";
import { type ByteSource, DiskError } from "../types.js";
import { gptTypeName } from "./gpt-types.js";
import { guidAt, ZERO_GUID } from "./sector.js";

/** The entries array read at once: 128 entries of 128 bytes is the norm; this allows 32768 of them. */
export const GPT_ENTRIES_MAX = 4 * 1024 * 1024;
const SIGNATURE = "EFI PART";

export interface GptEntry {
  /** The entry's index + 1, as sgdisk and Linux number partitions. */
  readonly number: number;
  /** Lower case. */
  readonly typeGuid: string;
  readonly typeName: string;
  readonly partGuid: string;
  readonly name: string;
  readonly firstLba: number;
  readonly lastLba: number;
  /** Byte offset and size in the disk. */
  readonly offset: number;
  readonly size: number;
}

export interface GptTable {
  readonly diskGuid: string;
  readonly sectorSize: number;
  readonly entries: readonly GptEntry[];
  /** Which copy was read. */
  readonly copy: "primary" | "backup";
  /** Why the primary was not used, when the backup was. */
  readonly damage: string | null;
  /** Partitions skipped or cut at the end of the disk (a truncated image). */
  readonly problems: readonly DiskError[];
}

interface Header {
  lba: number;
  alternateLba: number;
  firstUsable: number;
  lastUsable: number;
  diskGuid: string;
  entriesLba: number;
  count: number;
  entrySize: number;
  entriesCrc: number;
}

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

/** The logical sector size of a GPT disk (512 or 4096), or null when neither place holds a GPT header. */
export function probeGpt(disk: ByteSource): number | null {
  for (const ss of [512, 4096]) {
    if (disk.size < ss * 3) continue;
    const b = new Uint8Array(8);
    if (disk.read(b, 0, 8, ss) === 8 && ascii(b, 0, 8) === SIGNATURE) return ss;
  }
  return null;
}

/** A damaged copy: a reason, not an exception, so the other copy can be tried. */
class Damage {
  constructor(readonly at: number, readonly reason: string) {}
}

function readHeader(disk: ByteSource, where: string, lba: number, ss: number): Header | Damage {
  const at = lba * ss;
  if (lba < 1 || at + ss > disk.size) return new Damage(at, `header LBA ${lba} is outside the disk`);
  const b = readExact(disk, where, at, ss, "GPT header");
  if (ascii(b, 0, 8) !== SIGNATURE) return new Damage(at, `no "EFI PART" signature at LBA ${lba}`);
  const headerSize = le32(b, 12);
  if (headerSize < 92 || headerSize > ss) return new Damage(at + 12, `header size ${headerSize} is not within 92..${ss}`);
  const stored = le32(b, 16);
  const copy = b.slice(0, headerSize);
  copy.fill(0, 16, 20);
  const computed = crc32(copy, 0, headerSize);
  if (computed !== stored) return new Damage(at + 16, `header CRC32 0x${stored.toString(16)} does not match 0x${computed.toString(16)}`);
  let h: Header;
  try {
    h = {
      lba: le64(b, 24, where, at + 24, "MyLBA"),
      alternateLba: le64(b, 32, where, at + 32, "AlternateLBA"),
      firstUsable: le64(b, 40, where, at + 40, "FirstUsableLBA"),
      lastUsable: le64(b, 48, where, at + 48, "LastUsableLBA"),
      diskGuid: guidAt(b, 56),
      entriesLba: le64(b, 72, where, at + 72, "PartitionEntryLBA"),
      count: le32(b, 80),
      entrySize: le32(b, 84),
      entriesCrc: le32(b, 88),
    };
  } catch (e) {
    if (e instanceof DiskError) return new Damage(e.offset ?? at, e.message);
    throw e;
  }
  if (h.lba !== lba) return new Damage(at + 24, `header at LBA ${lba} says it is at LBA ${h.lba}`);
  if (h.entrySize < 128 || h.entrySize % 8 !== 0 || h.entrySize > 4096) return new Damage(at + 84, `partition entry size ${h.entrySize} is not a multiple of 8 within 128..4096`);
  const bytes = h.count * h.entrySize;
  if (bytes > GPT_ENTRIES_MAX) return new Damage(at + 80, `${h.count} entries of ${h.entrySize} bytes exceed the ${GPT_ENTRIES_MAX}-byte cap`);
  if (h.entriesLba * ss + bytes > disk.size || h.entriesLba < 1) return new Damage(at + 72, `partition entries at LBA ${h.entriesLba} (${bytes} bytes) lie outside the disk`);
  // LastUsableLBA past the disk is a truncated image (or one grown later), not a damaged header
  if (h.firstUsable > h.lastUsable + 1) return new Damage(at + 40, `usable LBAs ${h.firstUsable}..${h.lastUsable} are reversed`);
  return h;
}

function utf16Name(b: Uint8Array, at: number): string {
  let s = "";
  for (let i = 0; i < 72; i += 2) {
    const c = b[at + i]! | (b[at + i + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function readEntries(disk: ByteSource, where: string, h: Header, ss: number, problems: DiskError[]): GptEntry[] | Damage {
  const at = h.entriesLba * ss;
  const b = readExact(disk, where, at, h.count * h.entrySize, "GPT partition entries");
  const computed = crc32(b, 0, b.length);
  if (computed !== h.entriesCrc) return new Damage(at, `partition entries CRC32 0x${computed.toString(16)} does not match the header's 0x${h.entriesCrc.toString(16)}`);
  const sectors = Math.floor(disk.size / ss);
  const out: GptEntry[] = [];
  for (let i = 0; i < h.count; i++) {
    const e = i * h.entrySize;
    const typeGuid = guidAt(b, e);
    if (typeGuid === ZERO_GUID) continue;
    const firstLba = le64(b, e + 32, where, at + e + 32, "StartingLBA");
    const lastLba = le64(b, e + 40, where, at + e + 40, "EndingLBA");
    // the CRC matched, so a bad range is how the table was written: damage that the backup will share
    if (firstLba > lastLba || firstLba < 1) throw new DiskError(where, at + e + 32, `partition ${i + 1} has LBAs ${firstLba}..${lastLba}`);
    // past the end of the disk: a truncated image; as Linux, skipped or cut there, with a problem
    if (firstLba >= sectors) {
      problems.push(new DiskError(where, at + e + 32, `partition ${i + 1} (LBAs ${firstLba}..${lastLba}) starts past the end of the disk (${sectors} sectors; a truncated image?): skipped`));
      continue;
    }
    let end = lastLba;
    if (lastLba >= sectors) {
      end = sectors - 1;
      problems.push(new DiskError(where, at + e + 40, `partition ${i + 1} (LBAs ${firstLba}..${lastLba}) runs past the end of the disk (${sectors} sectors; a truncated image?): cut at LBA ${end}`));
    }
    out.push({
      number: i + 1,
      typeGuid,
      typeName: gptTypeName(typeGuid),
      partGuid: guidAt(b, e + 16),
      name: utf16Name(b, e + 56),
      firstLba,
      lastLba,
      offset: firstLba * ss,
      size: (end - firstLba + 1) * ss,
    });
  }
  return out;
}

/** The partition table of a disk that probeGpt recognised; DiskError when neither copy is whole. */
export function readGpt(disk: ByteSource, where: string): GptTable {
  const ss = probeGpt(disk) ?? 512;
  const sectors = Math.floor(disk.size / ss);
  const primary = readHeader(disk, where, 1, ss);
  let damage: Damage;
  if (primary instanceof Damage) damage = primary;
  else {
    const problems: DiskError[] = [];
    const entries = readEntries(disk, where, primary, ss, problems);
    if (!(entries instanceof Damage)) return { diskGuid: primary.diskGuid, sectorSize: ss, entries, copy: "primary", damage: null, problems };
    damage = entries;
  }
  // The backup is where a whole primary header says, else at the last LBA.
  const backupLbas = [sectors - 1];
  if (!(primary instanceof Damage) && primary.alternateLba !== sectors - 1 && primary.alternateLba > 1) backupLbas.unshift(primary.alternateLba);
  const reasons = [`primary GPT at byte ${damage.at}: ${damage.reason}`];
  for (const lba of backupLbas) {
    const backup = readHeader(disk, where, lba, ss);
    if (backup instanceof Damage) {
      reasons.push(`backup GPT at byte ${backup.at}: ${backup.reason}`);
      continue;
    }
    const problems: DiskError[] = [];
    const entries = readEntries(disk, where, backup, ss, problems);
    if (entries instanceof Damage) {
      reasons.push(`backup GPT at byte ${entries.at}: ${entries.reason}`);
      continue;
    }
    return { diskGuid: backup.diskGuid, sectorSize: ss, entries, copy: "backup", damage: reasons[0]!, problems };
  }
  throw new DiskError(where, damage.at, `no usable GPT: ${reasons.join("; ")}`);
}
