import { cString, Timestamp } from "quarry";
// The glibc `struct utmp` on disk (specs/utmp.md §1): 384-byte records (x86_64, i386, biarch 64-bit ports)
// and the 400-byte aarch64/riscv64 layout (64-bit ut_session and ut_tv). Integers in the file's byte order,
// except ut_addr_v6, which is always network order. Decoding reads fixed offsets; records are never text.

export type ByteOrder = "le" | "be";

export interface Layout {
  readonly size: 384 | 400;
  readonly session: number;
  /** tv_sec / tv_usec offsets and width (4: int32 pair, tv_sec read unsigned; 8: int64 pair). */
  readonly tvSec: number;
  readonly tvUsec: number;
  readonly tvWidth: 4 | 8;
  readonly addr: number;
  readonly reserved: number;
  readonly reservedLen: number;
}

export const LAYOUT_384: Layout = { size: 384, session: 336, tvSec: 340, tvUsec: 344, tvWidth: 4, addr: 348, reserved: 364, reservedLen: 20 };
export const LAYOUT_400: Layout = { size: 400, session: 336, tvSec: 344, tvUsec: 352, tvWidth: 8, addr: 360, reserved: 376, reservedLen: 24 } // 20 reserved + 4 tail padding;

export const OFF = { type: 0, pad: 2, pid: 4, line: 8, id: 40, user: 44, host: 76, exitTermination: 332, exitStatus: 334 } as const;
export const LEN = { line: 32, id: 4, user: 32, host: 256, addr: 16 } as const;

export const UT_TYPES = [
  "EMPTY",
  "RUN_LVL",
  "BOOT_TIME",
  "NEW_TIME",
  "OLD_TIME",
  "INIT_PROCESS",
  "LOGIN_PROCESS",
  "USER_PROCESS",
  "DEAD_PROCESS",
  "ACCOUNTING",
] as const;

export const EMPTY = 0;
export const RUN_LVL = 1;
export const BOOT_TIME = 2;
export const USER_PROCESS = 7;
export const DEAD_PROCESS = 8;

export function typeName(t: number): string {
  return t >= 0 && t < UT_TYPES.length ? UT_TYPES[t]! : `UNKNOWN(${t})`;
}

/** Latest plausible tv_sec for the 64-bit layout: 9999-12-31T23:59:59Z (beyond it a datetime cannot be shown). */
const MAX_TV_SEC = Timestamp.MAX_SECONDS;

/** One record as stored, integers decoded, strings cut at the first NUL and decoded leniently. */
export interface RawUtmp {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  exitTermination: number;
  exitStatus: number;
  session: number | bigint;
  /** Seconds since the epoch: uint32 for the 384 layout (Y2038-safe to 2106), int64 for the 400 layout. */
  tvSec: number;
  tvUsec: number;
  /** Offset of the 16 address bytes (network order) in the buffer that was decoded. */
  addrAt: number;
}

let lastBuf: Uint8Array | null = null;
let lastView: DataView | null = null;

/** A DataView over a buffer, reused while the same buffer is decoded (one per chunk, not one per record). */
export function viewOf(buf: Uint8Array): DataView {
  if (buf !== lastBuf) {
    lastBuf = buf;
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return lastView!;
}

/**
 * A char[] field: cString (cut at the first NUL, lenient UTF-8, spaces kept), with a fast path for the ASCII
 * that nearly every record holds (a million records decode four fields each).
 */
export function field(buf: Uint8Array, start: number, len: number): string {
  const end = start + len;
  let stop = start;
  let ascii = true;
  for (; stop < end; stop++) {
    const c = buf[stop]!;
    if (c === 0) break;
    if (c >= 0x80) ascii = false;
  }
  if (stop === start) return "";
  if (!ascii) return cString(buf, start, len);
  if (stop - start <= 64) {
    let out = "";
    for (let i = start; i < stop; i++) out += String.fromCharCode(buf[i]!);
    return out;
  }
  return String.fromCharCode.apply(null, buf.subarray(start, stop) as unknown as number[]);
}

function i16(v: DataView, o: number, le: boolean): number {
  return v.getInt16(o, le);
}

/** tv_sec as a number (int64 in the 400 layout: exact within ±2^53, which every plausible value is). */
function readTvSec(v: DataView, base: number, layout: Layout, le: boolean): number {
  return layout.tvWidth === 4 ? v.getUint32(base + layout.tvSec, le) : Number(v.getBigInt64(base + layout.tvSec, le));
}

function readTvUsec(v: DataView, base: number, layout: Layout, le: boolean): number {
  return layout.tvWidth === 4 ? v.getInt32(base + layout.tvUsec, le) : Number(v.getBigInt64(base + layout.tvUsec, le));
}

/** A 64-bit value as a number when exact, else kept as a bigint (varint fields take both). */
function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function decodeRaw(buf: Uint8Array, base: number, layout: Layout, order: ByteOrder): RawUtmp {
  const v = viewOf(buf);
  const le = order === "le";
  return {
    type: i16(v, base + OFF.type, le),
    pid: v.getInt32(base + OFF.pid, le),
    line: field(buf, base + OFF.line, LEN.line),
    id: field(buf, base + OFF.id, LEN.id),
    user: field(buf, base + OFF.user, LEN.user),
    host: field(buf, base + OFF.host, LEN.host),
    exitTermination: i16(v, base + OFF.exitTermination, le),
    exitStatus: i16(v, base + OFF.exitStatus, le),
    session: layout.tvWidth === 4 ? v.getInt32(base + layout.session, le) : narrow(v.getBigInt64(base + layout.session, le)),
    tvSec: readTvSec(v, base, layout, le),
    tvUsec: readTvUsec(v, base, layout, le),
    addrAt: base + layout.addr,
  };
}

/**
 * How a record looks: GOOD (a known type, a valid tv_usec, and clean as glibc writers leave it: zero padding and
 * reserved bytes, strings NUL-padded, a time on anything but EMPTY), ODD (decodable but not clean: still a
 * record, and a hint that the file may be misaligned when the type is EMPTY), BAD (unknown type, tv_usec out of
 * range, impossible tv_sec: an implausible record, which the analysis functions skip).
 */
export const GOOD = 0;
export const ODD = 1;
export const BAD = 2;
export type Plausibility = typeof GOOD | typeof ODD | typeof BAD;

/** The cheap half of the test: unknown type, tv_usec out of range, impossible tv_sec. */
export function isBad(buf: Uint8Array, base: number, layout: Layout, order: ByteOrder): boolean {
  const le = order === "le";
  const t = le ? buf[base]! | (buf[base + 1]! << 8) : (buf[base]! << 8) | buf[base + 1]!;
  if (t > 9) return true;
  const v = viewOf(buf);
  const usec = readTvUsec(v, base, layout, le);
  if (usec < 0 || usec >= 1_000_000) return true;
  const sec = readTvSec(v, base, layout, le);
  return sec < 0 || sec > MAX_TV_SEC;
}

export function plausibility(buf: Uint8Array, base: number, layout: Layout, order: ByteOrder): Plausibility {
  const le = order === "le";
  const t = le ? buf[base]! | (buf[base + 1]! << 8) : (buf[base]! << 8) | buf[base + 1]!;
  if (t > 9) return BAD; // also every negative int16 (>= 0x8000)
  const v = viewOf(buf);
  const usec = readTvUsec(v, base, layout, le);
  if (usec < 0 || usec >= 1_000_000) return BAD;
  const sec = readTvSec(v, base, layout, le);
  if (sec < 0 || sec > MAX_TV_SEC) return BAD;
  if (buf[base + OFF.pad] !== 0 || buf[base + OFF.pad + 1] !== 0) return ODD;
  for (let i = base + layout.reserved, end = i + layout.reservedLen; i < end; i++) if (buf[i] !== 0) return ODD;
  if (t !== EMPTY && sec === 0) return ODD;
  if (!nulPadded(buf, base + OFF.line, LEN.line) || !nulPadded(buf, base + OFF.user, LEN.user) || !nulPadded(buf, base + OFF.host, LEN.host)) {
    return ODD;
  }
  return GOOD;
}

/** Every byte after the first NUL of a char[] field is NUL too (strncpy / memset writers). */
function nulPadded(buf: Uint8Array, start: number, len: number): boolean {
  let i = start;
  const end = start + len;
  while (i < end && buf[i] !== 0) i++;
  for (; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Why a record is BAD, for the warning that names it. */
export function badReason(buf: Uint8Array, base: number, layout: Layout, order: ByteOrder): string {
  const le = order === "le";
  const v = viewOf(buf);
  const t = v.getInt16(base, le);
  if (t < 0 || t > 9) return `unknown ut_type ${t}`;
  const usec = readTvUsec(v, base, layout, le);
  if (usec < 0 || usec >= 1_000_000) return `tv_usec out of range (${usec})`;
  return `impossible tv_sec (${readTvSec(v, base, layout, le)})`;
}

/** The int16 at offset 0, for messages about BAD records. */
export function rawType(buf: Uint8Array, base: number, order: ByteOrder): number {
  return viewOf(buf).getInt16(base, order === "le");
}
