// Central directory entries → what the index keeps of each member. Each entry's lengths are bounded by the
// directory (an entry never reads past it), sizes and offsets by the file, names by PATH_MAX; an entry that
// cannot be decoded ends the walk with a warning, and the entries before it are kept.
import { Timestamp } from "../../records/timestamp.js";
import type { WarningLog } from "../../util/warnings.js";
import type { FileType } from "../types.js";
import type { CentralDirectory } from "./directory.js";
import type { ByteSource } from "../tar/source.js";
import { decodeCp437 } from "./cp437.js";
import { crc32 } from "./inflate.js";
import { Window } from "./window.js";

const CD_SIG = 0x02014b50;
const CD_LEN = 46;
export const PATH_MAX = 4096;
const MAX32 = 0xffffffff;

export interface ZipEntry {
  /** The name as recorded (UTF-8 when flagged or valid, else Latin-1), not yet cleaned. */
  name: string;
  /** Offset of the entry in the central directory (messages, archive order). */
  entryOffset: number;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the local header, prepended data accounted for. */
  localOffset: number;
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  mtime: Timestamp | null;
  atime: Timestamp | null;
}

export interface EntryWalk {
  entries: ZipEntry[];
}

const S_IFMT = 0o170000;
const TYPES: Record<number, FileType> = { 0o040000: "dir", 0o120000: "symlink", 0o100000: "file", 0o010000: "fifo", 0o020000: "chardev", 0o060000: "blockdev", 0o140000: "socket" };
/** "Version made by" hosts whose external attributes carry a Unix st_mode in their high 16 bits. */
const UNIX_HOSTS = new Set([3 /* Unix */, 19 /* OS X */]);

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Hosts whose tools wrote names in the OEM code page (MS-DOS/FAT, NTFS, VFAT). */
const OEM_HOSTS = new Set([0, 11, 14]);

/** UTF-8 when flagged or valid; else CP437 from a DOS or Windows host (APPNOTE's default), else Latin-1. */
export function decodeName(b: Buffer, flagged: boolean, host: number): string {
  if (flagged) return b.toString("utf8");
  try {
    return utf8.decode(b);
  } catch {
    return OEM_HOSTS.has(host) ? decodeCp437(b) : b.toString("latin1");
  }
}

/** DOS date and time (local time of the writer, zone unknown: read as UTC). */
export function dosTime(date: number, time: number): Timestamp | null {
  if (date === 0) return null;
  const ms = Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
  return Number.isFinite(ms) ? Timestamp.fromUnixInRange(ms / 1000) : null;
}

interface Extras {
  /** Info-ZIP's Unicode path field (0x7075): the UTF-8 name, and the CRC-32 of the header name it replaces. */
  unicodeName?: { crc: number; name: Buffer };
  size?: number;
  compressedSize?: number;
  localOffset?: number;
  mtime?: Timestamp | null;
  atime?: Timestamp | null;
  uid?: number;
  gid?: number;
  problem?: string;
}

/** The extra fields quarry uses: zip64 sizes (0x0001), extended timestamp (0x5455), Info-ZIP Unix uid/gid (0x7875). */
function readExtras(x: Buffer, need: { size: boolean; csize: boolean; offset: boolean }): Extras {
  const out: Extras = {};
  for (let p = 0; p + 4 <= x.length; ) {
    const id = x.readUInt16LE(p);
    const len = x.readUInt16LE(p + 2);
    const d = x.subarray(p + 4, p + 4 + len);
    if (d.length < len) {
      out.problem = `extra field 0x${id.toString(16).padStart(4, "0")} of ${len} bytes runs past the entry's extra data`;
      break;
    }
    if (id === 0x0001) {
      let q = 0;
      const next = (what: string): number | undefined => {
        if (q + 8 > d.length) {
          out.problem = `zip64 extra field has no ${what}`;
          return undefined;
        }
        const v = d.readBigUInt64LE(q);
        q += 8;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
          out.problem = `zip64 ${what} ${v} is beyond any file`;
          return undefined;
        }
        return Number(v);
      };
      // Present in this order, and only for the fields whose 32-bit value is 0xFFFFFFFF.
      if (need.size) out.size = next("uncompressed size");
      if (need.csize && !out.problem) out.compressedSize = next("compressed size");
      if (need.offset && !out.problem) out.localOffset = next("local header offset");
    } else if (id === 0x7075 && len >= 5 && d[0] === 1) {
      out.unicodeName = { crc: d.readUInt32LE(1), name: d.subarray(5) };
    } else if (id === 0x5455 && len >= 5 && d[0]! & 1) {
      out.mtime = Timestamp.fromUnixInRange(d.readInt32LE(1));
    } else if (id === 0x7875 && len >= 3 && d[0] === 1) {
      const us = d[1]!;
      const gs = d[2 + us];
      if (us <= 4 && gs !== undefined && gs <= 4 && 3 + us + gs <= len) {
        out.uid = us === 0 ? 0 : d.readUIntLE(2, us);
        out.gid = gs === 0 ? 0 : d.readUIntLE(3 + us, gs);
      }
    }
    p += 4 + len;
  }
  return out;
}

/**
 * Walk the central directory. The data's end (the directory's start) bounds every local header offset and
 * compressed size. The claimed entry count is only an upper bound: the walk also stops at the
 * directory's end, and never allocates by the claim.
 */
export function readEntries(src: ByteSource, cd: CentralDirectory, warnings: WarningLog): EntryWalk {
  const win = new Window(src);
  const entries: ZipEntry[] = [];
  const end = cd.offset + cd.size;
  let pos = cd.offset;
  let walked = 0;
  const warn = (kind: string, at: number, what: string): void => warnings.add(kind, `central directory entry at offset ${at}: ${what}`, at);
  while (pos < end && walked < cd.claimedEntries) {
    const h = pos + CD_LEN <= end ? win.bytes(pos, CD_LEN) : null;
    if (!h || h.readUInt32LE(0) !== CD_SIG) {
      warn("damaged central directories", pos, `${h ? "no entry signature" : "the directory ends inside the entry"}; the ${cd.claimedEntries - walked} entries claimed after it are not read`);
      return { entries };
    }
    const nameLen = h.readUInt16LE(28);
    const extraLen = h.readUInt16LE(30);
    const commentLen = h.readUInt16LE(32);
    const total = CD_LEN + nameLen + extraLen + commentLen;
    if (pos + total > end) {
      warn("damaged central directories", pos, `name, extra and comment (${nameLen + extraLen + commentLen} bytes) run past the directory's end at ${end}; the rest is not read`);
      return { entries };
    }
    const entryAt = pos;
    pos += total;
    walked++;
    if (nameLen > PATH_MAX) {
      warn("unsafe member names", entryAt, `name of ${nameLen} bytes, longer than PATH_MAX (${PATH_MAX}); skipped`);
      continue;
    }
    const body = win.bytes(entryAt + CD_LEN, nameLen + extraLen)!;
    const flags = h.readUInt16LE(8);
    const made = h.readUInt16LE(4) >> 8;
    const rawName = body.subarray(0, nameLen);
    const size32 = h.readUInt32LE(24);
    const csize32 = h.readUInt32LE(20);
    const off32 = h.readUInt32LE(42);
    const x = readExtras(body.subarray(nameLen), { size: size32 === MAX32, csize: csize32 === MAX32, offset: off32 === MAX32 });
    // The Unicode path field counts only while it describes this header name (a later tool may have renamed it).
    const u = x.unicodeName;
    const name = u && u.crc === crc32(rawName) && u.name.length <= PATH_MAX ? u.name.toString("utf8") : decodeName(rawName, (flags & 0x800) !== 0, made);
    const at = `member ${JSON.stringify(name)}`;
    if (x.problem) {
      warn("damaged central directories", entryAt, `${at}: ${x.problem}; skipped`);
      continue;
    }
    const size = x.size ?? size32;
    const compressedSize = x.compressedSize ?? csize32;
    const localOffset = (x.localOffset ?? off32) + cd.shift;
    if (localOffset < 0 || localOffset + 30 + compressedSize > cd.offset) {
      warn("members past the archive's data", entryAt, `${at}: local header at offset ${localOffset} with ${compressedSize} compressed bytes runs past the data's end at ${cd.offset}; skipped`);
      continue;
    }
    const ext = h.readUInt32LE(38);
    const unixMode = UNIX_HOSTS.has(made) ? ext >>> 16 : 0;
    let type: FileType = "file";
    if (unixMode & S_IFMT) type = TYPES[unixMode & S_IFMT] ?? "other";
    if (name.endsWith("/") || (ext & 0x10 && unixMode === 0)) type = "dir";
    const mode = unixMode & 0o7777 ? unixMode & 0o7777 : type === "dir" ? 0o755 : 0o644;
    entries.push({
      name,
      entryOffset: entryAt,
      flags,
      method: h.readUInt16LE(10),
      crc: h.readUInt32LE(16),
      compressedSize,
      size,
      localOffset,
      type,
      mode,
      uid: x.uid ?? 0,
      gid: x.gid ?? 0,
      mtime: x.mtime !== undefined ? x.mtime : dosTime(h.readUInt16LE(14), h.readUInt16LE(12)),
      atime: null,
    });
  }
  if (walked < cd.claimedEntries && pos >= end) {
    warnings.add("damaged central directories", `the end record claims ${cd.claimedEntries} entries, the ${cd.size}-byte central directory at offset ${cd.offset} holds ${walked}`);
  } else if (pos < end) {
    warnings.add("damaged central directories", `the end record claims ${cd.claimedEntries} entries, but the central directory continues after them at offset ${pos}; the rest is not read`);
  }
  return { entries };
}
