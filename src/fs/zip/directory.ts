// The end of central directory record (and its zip64 form) of a zip: where the central directory is, how large
// it claims to be and how many entries it claims to hold. Every claim is checked against the file before use.
import type { ByteSource } from "../tar/source.js";
import { Window } from "./window.js";

const EOCD_SIG = 0x06054b50;
const EOCD64_SIG = 0x06064b50;
const LOCATOR_SIG = 0x07064b50;
const EOCD_LEN = 22;
const LOCATOR_LEN = 20;
const EOCD64_LEN = 56;
/** The EOCD is followed by a comment of at most 65535 bytes: it lies in the last 65557 bytes. */
const SEARCH = EOCD_LEN + 0xffff;

/** A zip that cannot be read at all: names the file and the offset. */
export class ZipFormatError extends Error {
  constructor(
    readonly label: string,
    readonly offset: number,
    detail: string,
    /** No end record at all: the zip may be truncated (its local headers can still be walked). */
    readonly noEnd = false,
  ) {
    super(`${label}: ${detail} (at offset ${offset})`);
    this.name = "ZipFormatError";
  }
}

export interface CentralDirectory {
  /** Where the first central directory entry really is (after any prepended data was accounted for). */
  offset: number;
  size: number;
  /** Entries claimed by the EOCD (a claim: the walk stops at the directory's end whatever it says). */
  claimedEntries: number;
  /** Added to every local header offset: bytes prepended to the archive (a self-extractor stub), usually 0. */
  shift: number;
  eocdOffset: number;
  zip64: boolean;
}

/** Is there an EOCD record in the file's tail? (detection; reads at most 64 KiB) */
export function findEocd(src: ByteSource): number {
  const from = Math.max(0, src.size - SEARCH);
  const tail = Buffer.allocUnsafe(src.size - from);
  const n = src.read(tail, 0, tail.length, from);
  for (let i = n - EOCD_LEN; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIG) continue;
    // The comment must fit in what follows (a stray signature inside a comment usually does not).
    if (i + EOCD_LEN + tail.readUInt16LE(i + 20) <= n) return from + i;
  }
  return -1;
}

function u64(b: Buffer, at: number, label: string, where: number, what: string): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(label, where, `zip64 ${what} ${v} is beyond any file`);
  return Number(v);
}

export function readCentralDirectory(src: ByteSource, label: string): CentralDirectory {
  const eocd = findEocd(src);
  if (eocd < 0) {
    throw new ZipFormatError(label, src.size, `no end of central directory record in the last ${Math.min(src.size, SEARCH)} bytes: the zip is truncated, or not a zip`, true);
  }
  const win = new Window(src);
  const e = win.bytes(eocd, EOCD_LEN)!;
  const disk = e.readUInt16LE(4);
  const cdDisk = e.readUInt16LE(6);
  let entries = e.readUInt16LE(10);
  let size = e.readUInt32LE(12);
  let offset = e.readUInt32LE(16);
  let zip64 = false;
  let end = eocd; // the central directory ends where the (zip64) EOCD begins
  const loc = eocd >= LOCATOR_LEN ? win.bytes(eocd - LOCATOR_LEN, LOCATOR_LEN) : null;
  if (loc && loc.readUInt32LE(0) === LOCATOR_SIG) {
    const at = u64(loc, 8, label, eocd - LOCATOR_LEN, "EOCD offset");
    let r = at + EOCD64_LEN <= eocd - LOCATOR_LEN ? win.bytes(at, EOCD64_LEN) : null;
    let rAt = at;
    if (!r || r.readUInt32LE(0) !== EOCD64_SIG) {
      // Prepended data moves everything: the zip64 EOCD then sits right before its locator.
      rAt = eocd - LOCATOR_LEN - EOCD64_LEN;
      r = rAt >= 0 ? win.bytes(rAt, EOCD64_LEN) : null;
      if (!r || r.readUInt32LE(0) !== EOCD64_SIG) throw new ZipFormatError(label, eocd - LOCATOR_LEN, `zip64 locator points at offset ${at}, where there is no zip64 end of central directory record`);
    }
    zip64 = true;
    if (r.readUInt32LE(16) !== 0 || r.readUInt32LE(20) !== 0) throw new ZipFormatError(label, rAt, "multi-disk (split) zip archives are not supported; join the parts first (zip -s 0)");
    entries = u64(r, 32, label, rAt, "entry count");
    size = u64(r, 40, label, rAt, "central directory size");
    offset = u64(r, 48, label, rAt, "central directory offset");
    end = rAt;
  } else if (disk !== 0 || cdDisk !== 0) {
    throw new ZipFormatError(label, eocd, "multi-disk (split) zip archives are not supported; join the parts first (zip -s 0)");
  }
  if (size > end) throw new ZipFormatError(label, eocd, `central directory of ${size} bytes claimed, but only ${end} bytes precede its end record`);
  // Where the directory should be, and where it is when data was prepended (unzip does the same).
  let shift = 0;
  const sigAt = (p: number): boolean => {
    const b = win.bytes(p, 4);
    return b !== null && b.readUInt32LE(0) === 0x02014b50;
  };
  if (entries === 0 && size === 0) return { offset: end, size: 0, claimedEntries: 0, shift: 0, eocdOffset: eocd, zip64 };
  if (offset + size > end || !sigAt(offset)) {
    const real = end - size;
    if (!sigAt(real)) throw new ZipFormatError(label, eocd, `no central directory entry at offset ${offset} (claimed) nor at ${real} (before the end record)`);
    shift = real - offset;
    offset = real;
  }
  return { offset, size, claimedEntries: entries, shift, eocdOffset: eocd, zip64 };
}
