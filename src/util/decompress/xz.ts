// One .xz stream (xz-file-format 1.1): what systemd writes for an XZ DATA payload (lzma_stream_buffer_encode:
// one block, LZMA2 with a 1 MiB dictionary, LZMA_CHECK_NONE; systemd before 208 used lzma_easy_encoder,
// preset 6, 8 MiB). Every header, size and CRC is checked as liblzma's single-stream decoder checks them;
// CRC32, CRC64 and SHA-256 checks are verified. Only the LZMA2 filter is decoded (systemd uses no other).
// After the stream only stream padding (zero bytes, a multiple of 4) may follow.
import { DecompressError } from "./error.js";
import { Output } from "./output.js";
import { Lzma2Decoder, lzma2DictSize, xzDamaged } from "./lzma2.js";
import { checkSize, computeCheck, crc32 } from "./xz-check.js";

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FILTER_LZMA2 = 0x21;
/**
 * The most an LZMA2 stream can inflate per input byte: an LZMA chunk of 2 MiB takes at least 10 bytes (control,
 * sizes, properties, a 5-byte range coder start). A claimed size is believed only up to this × the input.
 */
export const XZ_RATIO_MAX = Math.floor((2 * 1024 * 1024) / 10);

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** A variable-length integer (xz-file-format §1.2): up to 9 bytes, minimal encoding. [value, next offset]. */
function vli(b: Uint8Array, at: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) throw xzDamaged(at, "integer cut short");
    const byte = b[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw xzDamaged(at, "integer not minimally encoded");
      return [value, at + i + 1];
    }
  }
  throw xzDamaged(at, "integer longer than 9 bytes");
}

interface BlockRecord {
  unpadded: number;
  uncompressed: number;
}

export function decompressXz(input: Uint8Array, maxOutput: number): Uint8Array {
  const n = input.length;
  if (n < 12) throw xzDamaged(0, `payload of ${n} bytes is shorter than an xz stream header`);
  for (let i = 0; i < 6; i++) if (input[i] !== HEADER_MAGIC[i]) throw xzDamaged(0, "no xz stream magic");
  if (input[6] !== 0 || input[7]! > 0x0f) throw xzDamaged(6, "unsupported xz stream flags");
  if (crc32(input, 6, 8) !== u32(input, 8)) throw xzDamaged(8, "stream header CRC32 mismatch");
  const check = input[7]!;
  const checkBytes = checkSize(check);
  let out: Output | null = null;
  const records: BlockRecord[] = [];
  let ip = 12;
  for (;;) {
    if (ip >= n) throw xzDamaged(ip, "stream ends before its index");
    if (input[ip] === 0) break;
    const blockAt = ip;
    const headerSize = (input[ip]! + 1) * 4;
    if (ip + headerSize > n) throw xzDamaged(ip, `block header of ${headerSize} bytes runs past the payload`);
    const hEnd = ip + headerSize - 4;
    if (crc32(input, ip, hEnd) !== u32(input, hEnd)) throw xzDamaged(ip, "block header CRC32 mismatch");
    const flags = input[ip + 1]!;
    if (flags & 0x3c) throw xzDamaged(ip + 1, "block header's reserved flags are set");
    let hp = ip + 2;
    let compressedSize = -1;
    let uncompressedSize = -1;
    if (flags & 0x40) {
      [compressedSize, hp] = vli(input, hp, hEnd);
      if (compressedSize === 0) throw xzDamaged(blockAt, "block claims a compressed size of zero");
    }
    if (flags & 0x80) [uncompressedSize, hp] = vli(input, hp, hEnd);
    const filters = (flags & 3) + 1;
    let filterId: number;
    let propsSize: number;
    [filterId, hp] = vli(input, hp, hEnd);
    [propsSize, hp] = vli(input, hp, hEnd);
    if (filters !== 1 || filterId !== FILTER_LZMA2) {
      throw xzDamaged(blockAt, `block uses filter 0x${filterId.toString(16)}${filters > 1 ? ` and ${filters - 1} more` : ""}; only LZMA2 alone is decoded (systemd writes no other)`);
    }
    if (propsSize !== 1 || hp >= hEnd) throw xzDamaged(blockAt, "LZMA2 filter properties are not one byte");
    const dictSize = lzma2DictSize(input[hp++]!);
    if (dictSize < 0) throw xzDamaged(hp - 1, "LZMA2 dictionary size byte past 40");
    for (; hp < hEnd; hp++) if (input[hp] !== 0) throw xzDamaged(hp, "block header padding is not zero");
    if (uncompressedSize > maxOutput - (out?.pos ?? 0)) {
      throw new DecompressError("xz", blockAt, "limit", `block claims ${Number.isSafeInteger(uncompressedSize) ? uncompressedSize : "more than 2^53"} bytes, past the limit of ${maxOutput} bytes`);
    }
    out ??= new Output("xz", maxOutput, uncompressedSize >= 0 ? uncompressedSize : indexedSize(input), n, XZ_RATIO_MAX);
    const dataAt = ip + headerSize;
    const outAt = out.pos;
    const dataEnd = new Lzma2Decoder(out, dictSize).decode(input, dataAt, compressedSize >= 0 ? Math.min(n, dataAt + compressedSize) : n);
    const produced = out.pos - outAt;
    const taken = dataEnd - dataAt;
    if (compressedSize >= 0 && taken !== compressedSize) throw xzDamaged(dataAt, `block's LZMA2 data takes ${taken} bytes, its header says ${compressedSize}`);
    if (uncompressedSize >= 0 && produced !== uncompressedSize) throw xzDamaged(dataAt, `block inflates to ${produced} bytes, its header says ${uncompressedSize}`);
    ip = dataEnd;
    for (; (ip - dataAt) % 4 !== 0; ip++) {
      if (ip >= n) throw xzDamaged(ip, "block padding cut short");
      if (input[ip] !== 0) throw xzDamaged(ip, "block padding is not zero");
    }
    if (ip + checkBytes > n) throw xzDamaged(ip, "block check cut short");
    const expected = computeCheck(check, out.buf.subarray(outAt, out.pos));
    if (expected) for (let i = 0; i < checkBytes; i++) if (input[ip + i] !== expected[i]) throw xzDamaged(ip, "block check mismatch: the data is damaged");
    ip += checkBytes;
    records.push({ unpadded: headerSize + taken + checkBytes, uncompressed: produced });
  }
  const indexAt = ip;
  ip = readIndex(input, ip, records);
  ip = readFooter(input, ip, check, ip - indexAt);
  for (; ip < n; ip++) if (input[ip] !== 0) throw xzDamaged(ip, "bytes after the xz stream");
  if ((n - ip) % 4 !== 0) throw xzDamaged(ip, "stream padding is not a multiple of 4 bytes");
  return out ? out.result() : new Uint8Array(0);
}

/**
 * The uncompressed size the stream's index states (read backwards from the footer, as liblzma's seekable
 * readers do), or -1: only a hint for the first allocation when block headers carry no sizes (systemd
 * before 208 wrote such streams); the index is checked against the decoded blocks afterwards.
 */
function indexedSize(b: Uint8Array): number {
  let end = b.length;
  while (end >= 4 && b[end - 1] === 0 && b[end - 2] === 0 && b[end - 3] === 0 && b[end - 4] === 0) end -= 4;
  const at = end - 12;
  if (at < 12 || b[end - 2] !== 0x59 || b[end - 1] !== 0x5a || crc32(b, at + 4, at + 10) !== u32(b, at)) return -1;
  const size = (u32(b, at + 4) + 1) * 4;
  const start = at - size;
  if (start < 12 || b[start] !== 0 || crc32(b, start, at - 4) !== u32(b, at - 4)) return -1;
  try {
    let [count, ip] = vli(b, start + 1, at - 4);
    let total = 0;
    for (; count > 0; count--) {
      let v: number;
      [, ip] = vli(b, ip, at - 4);
      [v, ip] = vli(b, ip, at - 4);
      total += v;
    }
    return total;
  } catch {
    return -1;
  }
}

/** The index must list exactly the blocks decoded; returns the offset after it. */
function readIndex(b: Uint8Array, at: number, records: BlockRecord[]): number {
  const n = b.length;
  let ip = at + 1;
  let count: number;
  [count, ip] = vli(b, ip, n);
  if (count !== records.length) throw xzDamaged(at, `index lists ${count} blocks, the stream has ${records.length}`);
  for (const r of records) {
    let unpadded: number;
    let uncompressed: number;
    [unpadded, ip] = vli(b, ip, n);
    [uncompressed, ip] = vli(b, ip, n);
    if (unpadded !== r.unpadded || uncompressed !== r.uncompressed) throw xzDamaged(ip, "index record does not match its block");
  }
  for (; (ip - at) % 4 !== 0; ip++) {
    if (ip >= n) throw xzDamaged(ip, "index padding cut short");
    if (b[ip] !== 0) throw xzDamaged(ip, "index padding is not zero");
  }
  if (ip + 4 > n) throw xzDamaged(ip, "index CRC32 cut short");
  if (crc32(b, at, ip) !== u32(b, ip)) throw xzDamaged(ip, "index CRC32 mismatch");
  return ip + 4;
}

function readFooter(b: Uint8Array, at: number, check: number, indexSize: number): number {
  if (at + 12 > b.length) throw xzDamaged(at, "stream footer cut short");
  if (crc32(b, at + 4, at + 10) !== u32(b, at)) throw xzDamaged(at, "stream footer CRC32 mismatch");
  if ((u32(b, at + 4) + 1) * 4 !== indexSize) throw xzDamaged(at + 4, `stream footer's backward size is not the index's ${indexSize} bytes`);
  if (b[at + 8] !== 0 || b[at + 9] !== check) throw xzDamaged(at + 8, "stream footer flags differ from the header's");
  if (b[at + 10] !== 0x59 || b[at + 11] !== 0x5a) throw xzDamaged(at + 10, "no stream footer magic");
  return at + 12;
}
