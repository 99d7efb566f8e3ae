// The DOS partition table (MBR) in sector 0: four primary entries, and an extended partition whose extended
// boot records (EBRs) form a chain, each holding one logical partition and a link to the next EBR. Logical
// partitions are numbered from 5 in chain order, as Linux and sfdisk number them. A chain that loops or runs
// on past MAX_LOGICAL records is damage. 512-byte sectors (a table on 4Kn media names 4 KiB sectors; not read).
import { le32 } from "../container/bytes.js";
import { type ByteSource, DiskError } from "../types.js";
import { readSector, SECTOR } from "./sector.js";

/** Linux stops following an EBR chain after about a hundred links; a real disk has a few dozen at most. */
export const MAX_LOGICAL = 256;

export const MBR_PROTECTIVE = 0xee;
const EXTENDED = new Set([0x05, 0x0f, 0x85]);

const TYPE_NAMES: Record<number, string> = {
  0x01: "FAT12",
  0x04: "FAT16 <32M",
  0x05: "Extended",
  0x06: "FAT16",
  0x07: "HPFS/NTFS/exFAT",
  0x0b: "W95 FAT32",
  0x0c: "W95 FAT32 (LBA)",
  0x0e: "W95 FAT16 (LBA)",
  0x0f: "W95 Ext'd (LBA)",
  0x82: "Linux swap",
  0x83: "Linux",
  0x85: "Linux extended",
  0x8e: "Linux LVM",
  0xa5: "FreeBSD",
  0xee: "GPT",
  0xef: "EFI (FAT-12/16/32)",
  0xfd: "Linux raid autodetect",
};

/** "0x83 (Linux)": the type byte as the table holds it, and the name fdisk gives it. */
export function mbrTypeName(type: number): string {
  const hex = `0x${type.toString(16).padStart(2, "0")}`;
  const name = TYPE_NAMES[type];
  return name ? `${hex} (${name})` : hex;
}

export interface MbrEntry {
  /** 1–4 for a primary entry, 5… for a logical partition. */
  readonly number: number;
  readonly type: number;
  readonly bootable: boolean;
  /** Byte offset and size in the disk. */
  readonly offset: number;
  readonly size: number;
}

export interface MbrTable {
  /** The 32-bit disk signature at byte 440 (Windows' disk id; fstab may name PARTUUID=<sig>-<nn>). */
  readonly diskSignature: number;
  /** Primary entries that are in use (extended ones included, a protective one not), then the logical partitions. */
  readonly entries: readonly MbrEntry[];
  /** Sector 0 holds a protective entry (type 0xEE): the disk is GPT. */
  readonly protective: boolean;
  /** Partitions skipped or cut at the end of the disk, an EBR chain cut by it. */
  readonly problems: readonly DiskError[];
}

interface RawEntry {
  status: number;
  type: number;
  startLba: number;
  sectors: number;
}

function rawEntries(sector: Uint8Array): RawEntry[] {
  const out: RawEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const at = 446 + 16 * i;
    out.push({ status: sector[at]!, type: sector[at + 4]!, startLba: le32(sector, at + 8), sectors: le32(sector, at + 12) });
  }
  return out;
}

const hasBootSignature = (s: Uint8Array): boolean => s[510] === 0x55 && s[511] === 0xaa;
const ascii = (s: Uint8Array, at: number, n: number): string => String.fromCharCode(...s.subarray(at, at + n));

/**
 * Sector 0 looks like a partition table: the boot signature, every status byte 0x00 or 0x80, at least one entry
 * in use, and not the boot sector of a bare FAT or NTFS filesystem (which also ends in 55 AA).
 */
export function looksLikeMbr(sector0: Uint8Array): boolean {
  if (sector0.length < SECTOR || !hasBootSignature(sector0)) return false;
  if (ascii(sector0, 3, 8) === "NTFS    " || ascii(sector0, 54, 3) === "FAT" || ascii(sector0, 82, 3) === "FAT") return false;
  const entries = rawEntries(sector0);
  if (entries.some((e) => e.status !== 0 && e.status !== 0x80)) return false;
  return entries.some((e) => e.type !== 0 && e.sectors !== 0);
}

/**
 * One entry as a partition. Past the end of the disk (a truncated image) it is not fatal, as in Linux: a
 * partition starting past the end is skipped, one running past it is cut there, each with a problem.
 */
function entry(disk: ByteSource, where: string, number: number, e: RawEntry, baseLba: number, at: number, problems: DiskError[]): MbrEntry | null {
  const offset = (baseLba + e.startLba) * SECTOR;
  let size = e.sectors * SECTOR;
  if (e.startLba === 0 && baseLba === 0) throw new DiskError(where, at, `partition ${number} starts at sector 0, over the partition table`);
  if (offset >= disk.size) {
    problems.push(new DiskError(where, at, `partition ${number} (sectors ${baseLba + e.startLba}+${e.sectors}) starts past the end of the disk (${disk.size} bytes; a truncated image?): skipped`));
    return null;
  }
  if (offset + size > disk.size) {
    problems.push(new DiskError(where, at, `partition ${number} (sectors ${baseLba + e.startLba}+${e.sectors}) runs past the end of the disk (${disk.size} bytes; a truncated image?): cut to ${disk.size - offset} bytes`));
    size = disk.size - offset;
  }
  return { number, type: e.type, bootable: e.status === 0x80, offset, size };
}

/** The partition table of a disk whose sector 0 passed looksLikeMbr; DiskError for a broken EBR chain. */
export function readMbr(disk: ByteSource, where: string): MbrTable {
  const s0 = readSector(disk, where, 0, "MBR");
  const primaries = rawEntries(s0);
  const entries: MbrEntry[] = [];
  const extended: MbrEntry[] = [];
  const problems: DiskError[] = [];
  let protective = false;
  primaries.forEach((e, i) => {
    if (e.type === 0 || e.sectors === 0) return;
    // a protective entry covers the disk as the GPT writer saw it (0xFFFFFFFF sectors past 2 TiB): not a volume
    if (e.type === MBR_PROTECTIVE) {
      protective = true;
      return;
    }
    const p = entry(disk, where, i + 1, e, 0, 446 + 16 * i, problems);
    if (!p) return;
    entries.push(p);
    if (EXTENDED.has(e.type)) extended.push(p);
  });
  let next = 5;
  for (const ext of extended) next = readLogical(disk, where, ext, next, entries, problems);
  return { diskSignature: le32(s0, 440), entries, protective, problems };
}

/** Follows the EBR chain of one extended partition; returns the next logical number. */
function readLogical(disk: ByteSource, where: string, ext: MbrEntry, number: number, out: MbrEntry[], problems: DiskError[]): number {
  const extLba = ext.offset / SECTOR;
  const seen = new Set<number>();
  let ebrLba = extLba;
  for (let links = 0; ; links++) {
    const at = ebrLba * SECTOR;
    if (seen.has(ebrLba)) throw new DiskError(where, at, `the extended partition's EBR chain loops back to sector ${ebrLba}`);
    if (links >= MAX_LOGICAL) throw new DiskError(where, at, `the extended partition's EBR chain is longer than ${MAX_LOGICAL} records`);
    seen.add(ebrLba);
    if (at + SECTOR > disk.size) {
      problems.push(new DiskError(where, at, `EBR at sector ${ebrLba} lies past the end of the disk (a truncated image?): the logical partitions after it are not read`));
      return number;
    }
    if (at + SECTOR > ext.offset + ext.size) throw new DiskError(where, at, `EBR at sector ${ebrLba} lies outside the extended partition`);
    const ebr = readSector(disk, where, ebrLba, "EBR");
    if (!hasBootSignature(ebr)) throw new DiskError(where, at + 510, `EBR at sector ${ebrLba} lacks the 55 AA signature`);
    const [data, link] = rawEntries(ebr) as [RawEntry, RawEntry];
    // The logical partition is relative to its own EBR; an EBR may hold none (an emptied slot keeps the chain).
    if (data.type !== 0 && data.sectors !== 0 && !EXTENDED.has(data.type)) {
      const p = entry(disk, where, number, data, ebrLba, at + 446, problems);
      if (p) out.push(p);
      number++;
    }
    // The link is relative to the start of the outermost extended partition.
    if (link.sectors === 0 || !EXTENDED.has(link.type)) return number;
    ebrLba = extLba + link.startLba;
  }
}
