// One pass over a tar archive's headers: ustar, GNU (long names 'L', long links 'K', old sparse 'S'), PAX
// ('x' per member, 'g' global; path, linkpath, size, mtime/atime/ctime with fractions, uid, gid and the
// GNU.sparse.* keys of the 0.0, 0.1 and 1.0 formats). Data is never read except PAX/GNU records and sparse maps.
import { Timestamp } from "../../records/timestamp.js";
import { decodeLenient } from "../../util/text.js";
import { WarningLog } from "../../util/warnings.js";
import { PATH_MAX } from "../path.js";
import type { EntryMeta } from "../types.js";
import type { ByteSource } from "./source.js";

const BLOCK = 512;
/**
 * Largest PAX ('x', 'g') or GNU long-name ('L', 'K') header accepted: 1 MiB, as Go's archive/tar (after
 * CVE-2022-2879) and libarchive (one PAX record ≤ 1 MB). Real ones are a few hundred bytes; a larger one is
 * skipped with a warning and the scan goes on after its data.
 */
export const MAX_META = 1024 * 1024;
/**
 * Longest link target (bytes): PATH_MAX; longest member name: one byte less, since the member is mounted at
 * "/" + name and RootFilesystem refuses a path over PATH_MAX. No filesystem a tar was made from holds longer.
 */
export { PATH_MAX };
const longestFor = (key: string): number => (key === "linkpath" ? PATH_MAX : PATH_MAX - 1);

export type MemberType = "file" | "dir" | "symlink" | "hardlink" | "chardev" | "blockdev" | "fifo" | "other";

/** A run of real data inside a sparse file: `length` bytes at logical `offset`, stored at archive `dataPos`. */
export interface SparseSegment {
  offset: number;
  length: number;
  dataPos: number;
}

export interface RawMember extends EntryMeta {
  /** The member name as recorded (after PAX path / GNU long name / GNU.sparse.name), not yet cleaned. */
  name: string;
  type: MemberType;
  /** Logical size (the expanded size for a sparse file). */
  size: number;
  /** Archive offset of the member's data (after any sparse map). */
  dataOffset: number;
  linkname: string;
  headerOffset: number;
  /** The header's type flag ('0', '5', 'S', …). */
  flag: string;
  sparse?: SparseSegment[];
  /** Set when the member could not be decoded (already warned about). */
  broken?: boolean;
}

export interface HeaderScan {
  members: RawMember[];
  /** The scan's warnings, capped per kind (src/util/warnings.ts); the log itself is the caller's when given. */
  warnings: string[];
}

/** What a member's PAX attributes are looked up in: its own 'x' header first, then the global 'g' ones. */
interface Attrs {
  has(key: string): boolean;
  get(key: string): string | undefined;
}

/** The two levels without copying: a global header is never merged into each member (it may be large). */
class PaxAttrs implements Attrs {
  constructor(
    private readonly global: ReadonlyMap<string, string>,
    private readonly local: ReadonlyMap<string, string> | null,
  ) {}
  has(key: string): boolean {
    return (this.local !== null && this.local.has(key)) || this.global.has(key);
  }
  get(key: string): string | undefined {
    return this.local !== null && this.local.has(key) ? this.local.get(key) : this.global.get(key);
  }
}

/** Read every header. Corruption ends the scan with a warning; members read so far are kept. */
export function scanHeaders(src: ByteSource, log: WarningLog = new WarningLog()): HeaderScan {
  const members: RawMember[] = [];
  const reader = new BlockReader(src);
  let pos = 0;
  const globalPax = new Map<string, string>();
  let pax: PaxRecords | null = null;
  let longName: string | null = null;
  let longLink: string | null = null;
  /** Why the next member cannot be named as its meta headers say (refused as too large): it is skipped. */
  let refused: string | null = null;

  while (pos + BLOCK <= src.size) {
    const h = reader.block(pos);
    if (isZero(h)) break; // end of archive (one or two zero blocks)
    if (!checksumOk(h)) {
      log.add("corrupt tar headers", `corrupt tar header at offset ${pos} (bad checksum): the rest of the archive is ignored`);
      break;
    }
    const headerOffset = pos;
    const flag = String.fromCharCode(h[156]!);
    const magic = ascii(h, 257, 8);
    const isUstar = magic.startsWith("ustar\0");
    const isGnu = magic === "ustar  \0";
    let size = num(h, 124, 12);
    if (size < 0 || !Number.isSafeInteger(size)) {
      log.add("corrupt tar headers", `corrupt tar header at offset ${pos} (size field): the rest of the archive is ignored`);
      break;
    }
    let dataStart = pos + BLOCK;

    // Meta members: their data is a record for the next header.
    if (flag === "L" || flag === "K" || flag === "x" || flag === "g") {
      pos = dataStart + pad(size);
      if (size > MAX_META) {
        const what = `'${flag}' header at offset ${headerOffset} claims ${size} bytes (more than the ${MAX_META}-byte cap)`;
        if (flag === "g") log.add("oversized tar meta headers", `${what}: ignored`);
        else refused = what;
        continue;
      }
      const data = reader.bytes(dataStart, size);
      if (data.length < size) {
        log.add("truncated archive", `archive truncated inside a '${flag}' header at offset ${headerOffset}`);
        break;
      }
      if (flag === "L" || flag === "K") {
        const end = cstrEnd(data);
        if (end > longestFor(flag === "L" ? "path" : "linkpath")) refused = `GNU long ${flag === "L" ? "name" : "link name"} at offset ${headerOffset} is ${end} bytes, longer than PATH_MAX (${PATH_MAX})`;
        else if (flag === "L") longName = decodeLenient(data, 0, end);
        else longLink = decodeLenient(data, 0, end);
      } else {
        const recs = parsePax(data, headerOffset, log);
        if (flag === "g") {
          for (const [k, v] of recs.map) globalPax.set(k, v);
          for (const t of recs.tooLong) log.add("oversized tar meta headers", `global PAX header at offset ${headerOffset}: ${t} is longer than PATH_MAX (${PATH_MAX}); ignored`);
        } else {
          pax = recs;
          if (recs.tooLong.length) refused = `PAX ${recs.tooLong.join(", ")} at offset ${headerOffset}, longer than PATH_MAX (${PATH_MAX})`;
        }
      }
      continue;
    }

    const attrs: Attrs = globalPax.size > 0 || pax ? new PaxAttrs(globalPax, pax?.map ?? null) : NO_ATTRS;

    let name: string;
    if (longName !== null) name = longName;
    else {
      const base = field(h, 0, 100);
      const prefix = isUstar && !isGnu ? field(h, 345, 155) : "";
      name = prefix ? prefix + "/" + base : base;
    }
    let linkname = longLink ?? field(h, 157, 100);
    if (attrs.has("path")) name = attrs.get("path")!;
    if (attrs.has("linkpath")) linkname = attrs.get("linkpath")!;
    size = paxInt(attrs, "size") ?? size;

    const m: RawMember = {
      name,
      // v7 archives mark directories only by a trailing slash.
      type: (flag === "0" || flag === "\0") && name.endsWith("/") ? "dir" : typeOf(flag),
      size,
      dataOffset: dataStart,
      linkname,
      mode: num(h, 100, 8) & 0o7777,
      uid: paxInt(attrs, "uid") ?? num(h, 108, 8),
      gid: paxInt(attrs, "gid") ?? num(h, 116, 8),
      mtime: attrs.has("mtime") ? paxTime(attrs.get("mtime")!) : epoch(num(h, 136, 12)),
      atime: attrs.has("atime") ? paxTime(attrs.get("atime")!) : isGnu ? epochOrNull(num(h, 345, 12)) : null,
      ctime: attrs.has("ctime") ? paxTime(attrs.get("ctime")!) : isGnu ? epochOrNull(num(h, 357, 12)) : null,
      headerOffset,
      flag,
    };
    const storedSize = size; // bytes of data following the header in the archive

    try {
      if (flag === "S") {
        // Old GNU sparse: 4 entries in the header, more in extension blocks; realsize at 483.
        const segs: [number, number][] = [];
        readSparseEntries(h, 386, 4, segs);
        let ext = h[482] !== 0;
        while (ext) {
          const eb = reader.block(dataStart);
          if (eb.length < BLOCK) throw new Error("truncated sparse extension block");
          readSparseEntries(eb, 0, 21, segs);
          ext = eb[504] !== 0;
          dataStart += BLOCK;
        }
        m.dataOffset = dataStart;
        m.type = "file";
        m.size = num(h, 483, 12);
        m.sparse = layout(segs, dataStart, size, m.name, num(h, 483, 12));
      } else if (refused !== null) {
        // skipped below: its sparse attributes are not looked at
      } else if (attrs.has("GNU.sparse.major") || attrs.has("GNU.sparse.map") || attrs.has("GNU.sparse.size") || attrs.has("GNU.sparse.realsize") || (pax?.sparsePairs.length ?? 0) > 0) {
        const major = attrs.get("GNU.sparse.major");
        const minor = attrs.get("GNU.sparse.minor");
        if (attrs.has("GNU.sparse.name")) m.name = attrs.get("GNU.sparse.name")!;
        const real = Number(attrs.get("GNU.sparse.realsize") ?? attrs.get("GNU.sparse.size"));
        if (!Number.isSafeInteger(real) || real < 0) throw new Error("missing GNU.sparse.realsize/size");
        let segs: [number, number][];
        if (major === "1" && (minor === "0" || minor === undefined)) {
          // PAX 1.0: the map is at the start of the data, decimal numbers one per line, padded to a block.
          const { pairs, mapBytes } = readSparseMap10(reader, dataStart, size);
          segs = pairs;
          dataStart += mapBytes;
          m.dataOffset = dataStart;
          m.sparse = layout(segs, dataStart, size - mapBytes, m.name, real);
        } else if (major !== undefined && major !== "0" && major !== "1") {
          throw new Error(`unsupported GNU sparse format ${major}.${minor ?? "?"}`);
        } else {
          if (attrs.has("GNU.sparse.map")) segs = pairsOf(attrs.get("GNU.sparse.map")!.split(",").map(Number));
          else segs = pax?.sparsePairs ?? [];
          m.sparse = layout(segs, dataStart, size, m.name, real);
        }
        m.size = real;
        m.type = "file";
      }
    } catch (e) {
      log.add("sparse members that cannot be expanded", `sparse member ${JSON.stringify(m.name)} at offset ${headerOffset} cannot be expanded: ${(e as Error).message}; skipped`);
      m.type = "other";
      m.broken = true;
      m.sparse = undefined;
      m.size = 0;
    }
    if (refused !== null) {
      log.add("tar members skipped for oversized names or headers", `member at offset ${headerOffset}: ${refused}; skipped`);
      m.type = "other";
      m.broken = true;
      m.sparse = undefined;
    }
    // Like Python's tarfile: only regular files (and unknown types) are followed by data in the archive.
    const noData = flag === "1" || flag === "2" || flag === "3" || flag === "4" || flag === "5" || flag === "6";
    let next: number;
    if (flag === "S") next = dataStart + pad(size);
    else if (noData) next = headerOffset + BLOCK;
    else next = headerOffset + BLOCK + pad(storedSize);
    if (m.type !== "file") m.size = m.type === "symlink" ? Buffer.byteLength(m.linkname) : 0;
    if (m.type === "file" && !noData && headerOffset + BLOCK + storedSize > src.size && !(flag === "S" && dataStart + size <= src.size)) {
      log.add("truncated archive", `member ${JSON.stringify(m.name)} at offset ${headerOffset} is truncated (the archive ends early)`);
      // Report only the bytes that exist, so no reader sizes a buffer from a header the archive cannot back.
      if (!m.sparse) m.size = Math.max(0, src.size - m.dataOffset);
    }
    members.push(m);
    pax = null;
    longName = null;
    longLink = null;
    refused = null;
    pos = next;
  }
  if (pos + BLOCK > src.size && pos < src.size) log.add("truncated archive", `archive ends with ${src.size - pos} stray bytes`);
  return { members, warnings: log.lines() };
}

const NO_ATTRS: Attrs = new PaxAttrs(new Map(), null);

/** A non-negative decimal PAX value, or undefined when absent or malformed (the header's field is used). */
function paxInt(attrs: Attrs, key: string): number | undefined {
  const v = attrs.get(key);
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

function typeOf(flag: string): MemberType {
  switch (flag) {
    case "0":
    case "\0":
    case "7":
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "3":
      return "chardev";
    case "4":
      return "blockdev";
    case "5":
    case "D":
      return "dir";
    case "6":
      return "fifo";
    default:
      return "other";
  }
}

function pad(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** Is this 512-byte block a plausible tar header (non-zero, checksum right)? For detection by content. */
export function isTarHeader(h: Uint8Array): boolean {
  return h.length >= BLOCK && !isZero(h) && checksumOk(h);
}

function checksumOk(h: Uint8Array): boolean {
  const want = num(h, 148, 8);
  // The checksum field counts as eight spaces. Unsigned sum first (what every writer uses today).
  let u = 8 * 0x20;
  for (let i = 0; i < 148; i++) u += h[i]!;
  for (let i = 156; i < BLOCK; i++) u += h[i]!;
  if (want === u) return true;
  let high = 0; // old writers summed signed chars
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && h[i]! > 127) high++;
  return want === u - 256 * high;
}

function ascii(h: Uint8Array, off: number, len: number): string {
  return Buffer.from(h.buffer, h.byteOffset + off, len).toString("latin1");
}

function field(h: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && h[end] !== 0) end++;
  return decodeLenient(h, off, end);
}

/** Length of a NUL-terminated record (its whole length when there is no NUL). */
function cstrEnd(data: Uint8Array): number {
  const end = data.indexOf(0);
  return end < 0 ? data.length : end;
}

/** A numeric field: octal text (space/NUL terminated) or GNU base-256 (high bit set). */
export function num(h: Uint8Array, off: number, len: number): number {
  const first = h[off]!;
  if (first & 0x80) {
    let v = BigInt(first & 0x7f) - (first & 0x40 ? 0x80n : 0n);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(h[off + i]!);
    return Number(v);
  }
  let v = 0;
  let i = off;
  const end = off + len;
  while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
  for (; i < end; i++) {
    const c = h[i]!;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function epoch(s: number): Timestamp | null {
  try {
    return Timestamp.fromUnix(s);
  } catch {
    return null;
  }
}

function epochOrNull(s: number): Timestamp | null {
  return s === 0 ? null : epoch(s);
}

/** PAX time "1700000000.123456789" (or negative) → microseconds exactly, without float rounding. */
export function paxTime(v: string): Timestamp | null {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(v.trim());
  // More than 16 digits of seconds is beyond any datetime (and a megabyte of digits would cost BigInt seconds).
  if (!m || m[2]!.length > 16) return null;
  const frac = ((m[3] ?? "") + "000000").slice(0, 6);
  let us = BigInt(m[2]!) * 1_000_000n + BigInt(frac);
  if (m[1] === "-") us = -us;
  return Timestamp.fromMicrosInRange(us); // beyond years 1 … 9999 no output can carry it
}

interface PaxRecords {
  map: Map<string, string>;
  /** GNU.sparse.offset / GNU.sparse.numbytes pairs of the 0.0 format, in order. */
  sparsePairs: [number, number][];
  /** Path keys whose value was longer than PATH_MAX ("path of 16000000 bytes"): not kept. */
  tooLong: string[];
}

/** The PAX keys the index uses; every other key (xattrs, uname, comments…) is parsed over, never stored. */
const KEPT = new Set(["path", "linkpath", "size", "mtime", "atime", "ctime", "uid", "gid", "GNU.sparse.major", "GNU.sparse.minor", "GNU.sparse.name", "GNU.sparse.realsize", "GNU.sparse.size", "GNU.sparse.map"]);
const PATH_KEYS = new Set(["path", "linkpath", "GNU.sparse.name"]);
const LONGEST_KEPT = 20;

/** One pass over the "LEN key=value\n" records; only the kept keys are decoded. */
function parsePax(data: Uint8Array, at: number, log: WarningLog): PaxRecords {
  const map = new Map<string, string>();
  const sparsePairs: [number, number][] = [];
  const tooLong: string[] = [];
  let pendingOffset: number | null = null;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  while (i < buf.length) {
    if (buf[i] === 0) break;
    // The length: decimal digits (at most 7 under the 1 MiB cap), a space, and it covers the whole record.
    let len = 0;
    let sp = i;
    while (sp < buf.length && sp - i < 8 && buf[sp]! >= 0x30 && buf[sp]! <= 0x39) len = len * 10 + (buf[sp++]! - 0x30);
    if (sp === i || buf[sp] !== 0x20 || len < sp - i + 2 || i + len > buf.length) {
      log.add("malformed PAX headers", `malformed PAX record at offset ${at}: the rest of that header is ignored`);
      break;
    }
    const rec = buf.subarray(sp + 1, i + len - 1); // without the trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq > 0 && eq <= LONGEST_KEPT) {
      const key = rec.toString("latin1", 0, eq);
      if (key === "GNU.sparse.offset") pendingOffset = Number(rec.toString("latin1", eq + 1));
      else if (key === "GNU.sparse.numbytes" && pendingOffset !== null) {
        sparsePairs.push([pendingOffset, Number(rec.toString("latin1", eq + 1))]);
        pendingOffset = null;
      } else if (KEPT.has(key)) {
        const n = rec.length - eq - 1;
        if (PATH_KEYS.has(key) && n > longestFor(key)) {
          tooLong.push(`${key} of ${n} bytes`);
          map.delete(key);
        } else map.set(key, decodeLenient(rec, eq + 1, rec.length));
      }
    }
    i += len;
  }
  return { map, sparsePairs, tooLong };
}

function readSparseEntries(b: Uint8Array, off: number, count: number, out: [number, number][]): void {
  for (let k = 0; k < count; k++) {
    const o = off + k * 24;
    if (b[o] === 0) return;
    out.push([num(b, o, 12), num(b, o + 12, 12)]);
  }
}

function pairsOf(nums: number[]): [number, number][] {
  if (nums.length % 2 !== 0) throw new Error("odd number of values in the sparse map");
  const out: [number, number][] = [];
  for (let i = 0; i < nums.length; i += 2) out.push([nums[i]!, nums[i + 1]!]);
  return out;
}

function readSparseMap10(reader: BlockReader, start: number, size: number): { pairs: [number, number][]; mapBytes: number } {
  const nums: number[] = [];
  let want = -1;
  let cur = "";
  let pos = start;
  while (want < 0 || nums.length < 1 + want * 2) {
    if (pos - start >= size) throw new Error("sparse map runs past the member's data");
    const b = reader.block(pos);
    if (b.length < BLOCK) throw new Error("truncated sparse map");
    pos += BLOCK;
    for (let i = 0; i < BLOCK && (want < 0 || nums.length < 1 + want * 2); i++) {
      const c = b[i]!;
      if (c === 0x0a) {
        const v = Number(cur);
        if (cur === "" || !Number.isSafeInteger(v)) throw new Error("malformed sparse map");
        nums.push(v);
        if (nums.length === 1) want = v;
        cur = "";
      } else if (c >= 0x30 && c <= 0x39) cur += String.fromCharCode(c);
      else throw new Error("malformed sparse map");
    }
  }
  return { pairs: pairsOf(nums.slice(1)), mapBytes: pos - start };
}

function layout(segs: [number, number][], dataPos: number, stored: number, name: string, realSize: number): SparseSegment[] {
  const out: SparseSegment[] = [];
  let p = dataPos;
  let last = -1;
  for (const [offset, length] of segs) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) throw new Error("bad sparse map entry");
    if (offset < last) throw new Error("sparse map entries out of order");
    last = offset + length;
    if (length > 0) out.push({ offset, length, dataPos: p });
    p += length;
  }
  if (p - dataPos > stored) throw new Error(`sparse map needs ${p - dataPos} bytes but ${name} stores ${stored}`);
  if (last > realSize) throw new Error(`sparse map reaches offset ${last}, beyond the file's size ${realSize}`);
  return out;
}

/** Reads 512-byte blocks through a small window so that runs of small members cost one read per window. */
class BlockReader {
  private win = new Uint8Array(8 * 1024);
  private winStart = 0;
  private winLen = 0;

  constructor(private readonly src: ByteSource) {}

  block(pos: number): Uint8Array {
    if (pos < this.winStart || pos + BLOCK > this.winStart + this.winLen) {
      this.winStart = pos;
      this.winLen = this.src.read(this.win, 0, this.win.length, pos);
    }
    const o = pos - this.winStart;
    return this.win.subarray(o, Math.min(o + BLOCK, this.winLen));
  }

  bytes(pos: number, len: number): Uint8Array {
    const out = new Uint8Array(Math.min(len, Math.max(0, this.src.size - pos)));
    const n = this.src.read(out, 0, out.length, pos);
    return out.subarray(0, n);
  }
}
