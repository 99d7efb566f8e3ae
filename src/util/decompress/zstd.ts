// zstd frames as systemd writes them (ZSTD_compress: one frame, content size in its header, no checksum) and
// as libzstd reads them: one or more frames, skippable frames skipped, raw / RLE / compressed blocks (RFC 8878).
// The whole output is in memory, so it is its own window: a match may reach back to the frame's first byte.
// Bounds: the output never passes maxOutput, a claimed content size is a hint capped by what the input can
// hold, every block inflates to at most 128 KiB, and every loop is bounded by bytes read or written.
import { DecompressError } from "./error.js";
import { Output } from "./output.js";
import { BackwardBits, zstdDamaged } from "./zstd-bits.js";
import { decodeHuffStream, type HuffTable, newHuffTable, readHuffman } from "./zstd-entropy.js";
import { SequenceState } from "./zstd-sequences.js";

const MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;
/** An RLE block: 4 bytes of input for up to 128 KiB of output. */
export const ZSTD_RATIO_MAX = BLOCK_MAX / 4;

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** Reusable per-thread state (the decoder is synchronous, so one set serves every call). */
const seq = new SequenceState();
const huff: HuffTable = newHuffTable();
const streamBits = new BackwardBits();
const literals = new Uint8Array(BLOCK_MAX + 32);

export function decompressZstd(input: Uint8Array, maxOutput: number): Uint8Array {
  if (input.length === 0) throw zstdDamaged(0, "empty payload");
  let out: Output | null = null;
  let ip = 0;
  while (ip < input.length) {
    if (input.length - ip < 4) throw zstdDamaged(ip, "frame magic cut short");
    const magic = u32(input, ip);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (input.length - ip < 8) throw zstdDamaged(ip, "skippable frame header cut short");
      const size = u32(input, ip + 4);
      if (size > input.length - ip - 8) throw zstdDamaged(ip, `skippable frame of ${size} bytes runs past the payload`);
      ip += 8 + size;
      continue;
    }
    if (magic !== MAGIC) throw zstdDamaged(ip, `no zstd frame magic (0x${magic.toString(16).padStart(8, "0")})`);
    const header = readFrameHeader(input, ip);
    if (header.contentSize > maxOutput - (out?.pos ?? 0)) {
      throw new DecompressError("zstd", ip, "limit", `frame claims ${header.contentSize} bytes, past the limit of ${maxOutput} bytes`);
    }
    out ??= new Output("zstd", maxOutput, header.contentSize, input.length, ZSTD_RATIO_MAX);
    ip = decodeFrame(input, header, out);
  }
  if (!out) throw zstdDamaged(input.length, "payload holds no zstd frame");
  return out.result();
}

interface FrameHeader {
  /** First block's offset. */
  start: number;
  /** Declared content size, or -1. */
  contentSize: number;
  blockMax: number;
  checksum: boolean;
}

function readFrameHeader(b: Uint8Array, at: number): FrameHeader {
  let ip = at + 4;
  if (ip >= b.length) throw zstdDamaged(ip, "frame header cut short");
  const fhd = b[ip++]!;
  const fcsFlag = fhd >>> 6;
  const single = (fhd >>> 5) & 1;
  if (fhd & 0x08) throw zstdDamaged(ip - 1, "frame header's reserved bit is set");
  const checksum = ((fhd >>> 2) & 1) === 1;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
  const need = (single ? 0 : 1) + dictBytes + fcsBytes;
  if (ip + need > b.length) throw zstdDamaged(ip, "frame header cut short");
  let window = 0;
  if (!single) {
    const wd = b[ip++]!;
    const base = 2 ** (10 + (wd >>> 3));
    window = base + (base / 8) * (wd & 7);
  }
  ip += dictBytes; // a dictionary id: systemd never uses one; without it a match into it fails as too far back
  let contentSize = -1;
  if (fcsBytes === 1) contentSize = b[ip]!;
  else if (fcsBytes === 2) contentSize = (b[ip]! | (b[ip + 1]! << 8)) + 256;
  else if (fcsBytes === 4) contentSize = u32(b, ip);
  else if (fcsBytes === 8) contentSize = u32(b, ip) + u32(b, ip + 4) * 2 ** 32;
  ip += fcsBytes;
  if (single) window = contentSize;
  return { start: ip, contentSize, blockMax: Math.min(window, BLOCK_MAX), checksum };
}

function decodeFrame(input: Uint8Array, h: FrameHeader, out: Output): number {
  seq.resetFrame();
  let haveHuffman = false;
  const frameStart = out.pos;
  let ip = h.start;
  for (;;) {
    if (ip + 3 > input.length) throw zstdDamaged(ip, "block header cut short");
    const bh = input[ip]! | (input[ip + 1]! << 8) | (input[ip + 2]! << 16);
    const blockAt = ip;
    ip += 3;
    const last = bh & 1;
    const type = (bh >>> 1) & 3;
    const size = bh >>> 3;
    if (type === 3) throw zstdDamaged(blockAt, "reserved block type");
    if (type === 1) {
      if (size > h.blockMax) throw zstdDamaged(blockAt, `RLE block of ${size} bytes is past the block maximum ${h.blockMax}`);
      if (ip >= input.length) throw zstdDamaged(ip, "RLE block cut short");
      out.reserve(size, blockAt);
      out.buf.fill(input[ip]!, out.pos, out.pos + size);
      out.pos += size;
      ip += 1;
    } else {
      if (size > input.length - ip) throw zstdDamaged(blockAt, `block of ${size} bytes runs past the payload`);
      if (type === 0) {
        if (size > h.blockMax) throw zstdDamaged(blockAt, `raw block of ${size} bytes is past the block maximum ${h.blockMax}`);
        out.reserve(size, blockAt);
        out.buf.set(input.subarray(ip, ip + size), out.pos);
        out.pos += size;
      } else {
        if (size > BLOCK_MAX) throw zstdDamaged(blockAt, `compressed block of ${size} bytes is past 128 KiB`);
        haveHuffman = decodeCompressedBlock(input, ip, ip + size, out, frameStart, h.blockMax, haveHuffman);
      }
      ip += size;
    }
    if (h.contentSize >= 0 && out.pos - frameStart > h.contentSize) {
      throw zstdDamaged(blockAt, `frame inflates past its declared content size ${h.contentSize}`);
    }
    if (last) break;
  }
  if (h.contentSize >= 0 && out.pos - frameStart !== h.contentSize) {
    throw zstdDamaged(ip, `frame inflates to ${out.pos - frameStart} bytes, its header says ${h.contentSize}`);
  }
  if (h.checksum) {
    // The checksum (XXH64) is not verified: systemd's frames have none (docs/compression.md).
    if (ip + 4 > input.length) throw zstdDamaged(ip, "content checksum cut short");
    ip += 4;
  }
  return ip;
}

/** One compressed block src[at, end): literals, sequences, then their execution into out. */
function decodeCompressedBlock(src: Uint8Array, at: number, end: number, out: Output, frameStart: number, blockMax: number, haveHuffman: boolean): boolean {
  if (end - at < 2) throw zstdDamaged(at, "compressed block shorter than 2 bytes");
  // Literals section.
  const b0 = src[at]!;
  const litType = b0 & 3;
  const sizeFormat = (b0 >>> 2) & 3;
  let lit: Uint8Array;
  let litStart: number;
  let litSize: number;
  let ip: number;
  if (litType < 2) {
    let hs: number;
    if ((sizeFormat & 1) === 0) {
      hs = 1;
      litSize = b0 >>> 3;
    } else if (sizeFormat === 1) {
      hs = 2;
      litSize = (b0 >>> 4) | (src[at + 1]! << 4);
    } else {
      hs = 3;
      if (end - at < 3) throw zstdDamaged(at, "literals header cut short");
      litSize = (b0 >>> 4) | (src[at + 1]! << 4) | (src[at + 2]! << 12);
    }
    if (litSize > blockMax) throw zstdDamaged(at, `${litSize} literals are past the block maximum ${blockMax}`);
    ip = at + hs;
    if (litType === 0) {
      if (ip + litSize > end) throw zstdDamaged(at, `${litSize} raw literals run past the block`);
      lit = src;
      litStart = ip;
      ip += litSize;
    } else {
      if (ip >= end || (hs === 3 && end - at < 4)) throw zstdDamaged(at, "RLE literals cut short");
      literals.fill(src[ip]!, 0, litSize);
      lit = literals;
      litStart = 0;
      ip += 1;
    }
  } else {
    if (end - at < 5) throw zstdDamaged(at, "compressed literals header cut short");
    let hs: number;
    let compSize: number;
    const b1 = src[at + 1]!;
    const b2 = src[at + 2]!;
    if (sizeFormat < 2) {
      hs = 3;
      litSize = (b0 >>> 4) | ((b1 & 0x3f) << 4);
      compSize = (b1 >>> 6) | (b2 << 2);
    } else if (sizeFormat === 2) {
      hs = 4;
      litSize = (b0 >>> 4) | (b1 << 4) | ((b2 & 3) << 12);
      compSize = (b2 >>> 2) | (src[at + 3]! << 6);
    } else {
      hs = 5;
      litSize = (b0 >>> 4) | (b1 << 4) | ((b2 & 0x3f) << 12);
      compSize = (b2 >>> 6) | (src[at + 3]! << 2) | (src[at + 4]! << 10);
    }
    const streams = sizeFormat === 0 ? 1 : 4;
    if (litSize > blockMax) throw zstdDamaged(at, `${litSize} literals are past the block maximum ${blockMax}`);
    if (streams === 4 && litSize < 6) throw zstdDamaged(at, `${litSize} literals are too few for 4 streams`);
    ip = at + hs;
    if (ip + compSize > end) throw zstdDamaged(at, `compressed literals of ${compSize} bytes run past the block`);
    const litEnd = ip + compSize;
    if (litType === 2) {
      ip += readHuffman(huff, src, ip, litEnd);
      haveHuffman = true;
    } else if (!haveHuffman) throw zstdDamaged(at, "literals reuse a Huffman table the frame never gave");
    decodeLiterals(src, ip, litEnd, litSize, streams);
    lit = literals;
    litStart = 0;
    ip = litEnd;
  }
  // Sequences section, then their execution.
  const n = seq.decode(src, ip, end);
  let total = litSize;
  for (let i = 0; i < n; i++) total += seq.matchLen[i]!;
  if (total > blockMax) throw zstdDamaged(at, `block inflates to ${total} bytes, past the block maximum ${blockMax}`);
  out.reserve(total, at);
  const o = out.buf;
  let op = out.pos;
  let lp = litStart;
  const litLimit = litStart + litSize;
  for (let i = 0; i < n; i++) {
    const ll = seq.litLen[i]!;
    const ml = seq.matchLen[i]!;
    const off = seq.offset[i]!;
    if (lp + ll > litLimit) throw zstdDamaged(at, `sequence ${i} takes more literals than the block has`);
    if (ll <= 16) for (let k = 0; k < ll; k++) o[op + k] = lit[lp + k]!;
    else o.set(lit.subarray(lp, lp + ll), op);
    op += ll;
    lp += ll;
    if (off < 1 || off > op - frameStart) throw zstdDamaged(at, `sequence ${i} reaches ${off} bytes back, before the frame's start`);
    let from = op - off;
    if (off >= ml && ml > 32) {
      o.copyWithin(op, from, from + ml);
      op += ml;
    } else for (const stop = op + ml; op < stop; ) o[op++] = o[from++]!;
  }
  const rest = litLimit - lp;
  if (rest > 0) {
    o.set(lit.subarray(lp, litLimit), op);
    op += rest;
  }
  out.pos = op;
  return haveHuffman;
}

/** Huffman-coded literals: one stream, or four with a 6-byte jump table; into `literals`. */
function decodeLiterals(src: Uint8Array, at: number, end: number, litSize: number, streams: number): void {
  if (streams === 1) {
    if (at >= end) throw zstdDamaged(at, "Huffman stream missing");
    decodeHuffStream(huff, src, at, end, literals, 0, litSize, streamBits);
    return;
  }
  if (end - at < 10) throw zstdDamaged(at, "4-stream literals shorter than their jump table");
  const l1 = src[at]! | (src[at + 1]! << 8);
  const l2 = src[at + 2]! | (src[at + 3]! << 8);
  const l3 = src[at + 4]! | (src[at + 5]! << 8);
  const s1 = at + 6;
  const s2 = s1 + l1;
  const s3 = s2 + l2;
  const s4 = s3 + l3;
  if (s4 > end) throw zstdDamaged(at, "literal streams' jump table runs past the literals");
  const seg = (litSize + 3) >>> 2;
  if (3 * seg > litSize) throw zstdDamaged(at, `${litSize} literals do not fill 4 streams`);
  decodeHuffStream(huff, src, s1, s2, literals, 0, seg, streamBits);
  decodeHuffStream(huff, src, s2, s3, literals, seg, seg, streamBits);
  decodeHuffStream(huff, src, s3, s4, literals, 2 * seg, seg, streamBits);
  decodeHuffStream(huff, src, s4, end, literals, 3 * seg, litSize - 3 * seg, streamBits);
}
