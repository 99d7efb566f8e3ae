// zstd's entropy tables (RFC 8878 §4.1, §4.2): FSE tables from normalized counts, Huffman tables from weights.
// Every count, weight and table log is checked as libzstd checks it, so a damaged header is refused before
// it can shape a table.
import { BackwardBits, zstdDamaged } from "./zstd-bits.js";

/** One FSE decoding table: per state the symbol, the bits to read, and the base of the next state. */
export interface FseTable {
  log: number;
  symbol: Uint8Array;
  bits: Uint8Array;
  base: Uint16Array;
}

export function newFseTable(maxLog: number): FseTable {
  const n = 1 << maxLog;
  return { log: 0, symbol: new Uint8Array(n), bits: new Uint8Array(n), base: new Uint16Array(n) };
}

/** A table of one symbol (the RLE mode): log 0, no bits read. */
export function rleTable(t: FseTable, symbol: number): void {
  t.log = 0;
  t.symbol[0] = symbol;
  t.bits[0] = 0;
  t.base[0] = 0;
}

const highBit = (v: number): number => 31 - Math.clz32(v);

/** Builds t from normalized counts (-1: "less than one", a state at the top of the table). */
export function buildFse(t: FseTable, norm: Int16Array, nSymbols: number, log: number, offset: number): void {
  const size = 1 << log;
  const next = new Uint16Array(nSymbols);
  let high = size - 1;
  for (let s = 0; s < nSymbols; s++) {
    if (norm[s] === -1) {
      t.symbol[high--] = s;
      next[s] = 1;
    } else next[s] = norm[s]!;
  }
  const step = (size >>> 1) + (size >>> 3) + 3;
  const mask = size - 1;
  let position = 0;
  for (let s = 0; s < nSymbols; s++) {
    const c = norm[s]!;
    for (let i = 0; i < c; i++) {
      t.symbol[position] = s;
      do position = (position + step) & mask;
      while (position > high);
    }
  }
  if (position !== 0) throw zstdDamaged(offset, "FSE counts do not spread over the table");
  for (let u = 0; u < size; u++) {
    const s = t.symbol[u]!;
    const n = next[s]!;
    next[s] = n + 1;
    const nb = log - highBit(n);
    t.bits[u] = nb;
    t.base[u] = (n << nb) - size;
  }
  t.log = log;
}

const scratchNorm = new Int16Array(256);

/**
 * Reads an FSE table description at src[at, end) (RFC 8878 §4.1.1) into t; returns the bytes it took.
 * Bits past `end` read as zero (libzstd pads a short header the same way), but the header must end inside.
 */
export function readFse(t: FseTable, src: Uint8Array, at: number, end: number, maxSymbol: number, maxLog: number): number {
  let bitPos = 0;
  // Little-endian bits from bitPos on, without consuming them; n ≤ 16.
  const bits = (n: number): number => {
    const i = at + (bitPos >>> 3);
    const b0 = i < end ? src[i]! : 0;
    const b1 = i + 1 < end ? src[i + 1]! : 0;
    const b2 = i + 2 < end ? src[i + 2]! : 0;
    return ((b0 | (b1 << 8) | (b2 << 16)) >>> (bitPos & 7)) & ((1 << n) - 1);
  };
  const log = bits(4) + 5;
  bitPos = 4;
  if (log > maxLog) throw zstdDamaged(at, `FSE table log ${log} is past the maximum ${maxLog}`);
  const limit = maxSymbol + 1;
  const norm = scratchNorm;
  norm.fill(0, 0, limit);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nbBits = log + 1;
  let symbol = 0;
  let previousZero = false;
  for (;;) {
    if (previousZero) {
      // Runs of zero counts: 2-bit repeat flags, 3 meaning "three more zeros, and another flag".
      let repeat = bits(2);
      bitPos += 2;
      while (repeat === 3 && symbol <= limit) {
        symbol += 3;
        repeat = bits(2);
        bitPos += 2;
      }
      symbol += repeat;
      if (symbol >= limit) break;
    }
    const max = 2 * threshold - 1 - remaining;
    let count = bits(nbBits - 1);
    if (count < max) bitPos += nbBits - 1;
    else {
      count = bits(nbBits);
      if (count >= threshold) count -= max;
      bitPos += nbBits;
    }
    count--;
    remaining -= count < 0 ? -count : count;
    norm[symbol++] = count;
    previousZero = count === 0;
    if (remaining < threshold) {
      if (remaining <= 1) break;
      nbBits = highBit(remaining) + 1;
      threshold = 1 << (nbBits - 1);
    }
    if (symbol >= limit) break;
  }
  if (remaining !== 1) throw zstdDamaged(at, "FSE counts do not add up to the table size");
  if (symbol > limit) throw zstdDamaged(at, `FSE table has more than ${limit} symbols`);
  const used = (bitPos + 7) >>> 3;
  if (at + used > end) throw zstdDamaged(at, "FSE table description runs past its block");
  buildFse(t, norm, symbol, log, at);
  return used;
}

/** A Huffman decoding table indexed by the next `log` bits: the symbol and the bits its code takes. */
export interface HuffTable {
  log: number;
  symbol: Uint8Array;
  bits: Uint8Array;
}

/** libzstd's HUF_TABLELOG_MAX: codes of up to 12 bits. */
const HUF_LOG_MAX = 12;

export function newHuffTable(): HuffTable {
  return { log: 0, symbol: new Uint8Array(1 << HUF_LOG_MAX), bits: new Uint8Array(1 << HUF_LOG_MAX) };
}

const weights = new Uint8Array(256);
const weightFse = newFseTable(6);
const weightBits = new BackwardBits();

/** Reads a Huffman tree description at src[at, end) (RFC 8878 §4.2.1) into t; returns the bytes it took. */
export function readHuffman(t: HuffTable, src: Uint8Array, at: number, end: number): number {
  if (at >= end) throw zstdDamaged(at, "Huffman tree description missing");
  const header = src[at]!;
  let n: number;
  let used: number;
  if (header >= 128) {
    // Weights stored directly, 4 bits each.
    n = header - 127;
    used = 1 + ((n + 1) >>> 1);
    if (at + used > end) throw zstdDamaged(at, "Huffman weights run past the block");
    for (let i = 0; i < n; i += 2) {
      const b = src[at + 1 + (i >>> 1)]!;
      weights[i] = b >>> 4;
      weights[i + 1] = b & 15;
    }
  } else {
    // Weights FSE-compressed: two interleaved states over one table, until the stream is spent.
    used = 1 + header;
    if (at + used > end) throw zstdDamaged(at, "Huffman weights run past the block");
    const hEnd = at + used;
    const taken = readFse(weightFse, src, at + 1, hEnd, 255, 6);
    const bits = weightBits;
    bits.init(src, at + 1 + taken, hEnd);
    const f = weightFse;
    let s1 = bits.read(f.log);
    let s2 = bits.read(f.log);
    n = 0;
    for (;;) {
      if (n > 253) throw zstdDamaged(at, "more than 255 Huffman weights");
      weights[n++] = f.symbol[s1]!;
      s1 = f.base[s1]! + bits.read(f.bits[s1]!);
      if (bits.pos < 0) {
        weights[n++] = f.symbol[s2]!;
        break;
      }
      if (n > 253) throw zstdDamaged(at, "more than 255 Huffman weights");
      weights[n++] = f.symbol[s2]!;
      s2 = f.base[s2]! + bits.read(f.bits[s2]!);
      if (bits.pos < 0) {
        weights[n++] = f.symbol[s1]!;
        break;
      }
    }
  }
  buildHuffman(t, n, at);
  return used;
}

const rankCount = new Uint16Array(HUF_LOG_MAX + 2);
const rankStart = new Uint32Array(HUF_LOG_MAX + 2);

/** The table from weights[0, n) plus the implied last weight (the total must close to a power of two). */
function buildHuffman(t: HuffTable, n: number, offset: number): void {
  rankCount.fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w > HUF_LOG_MAX) throw zstdDamaged(offset, `Huffman weight ${w} is past ${HUF_LOG_MAX}`);
    rankCount[w]!++;
    total += (1 << w) >>> 1;
  }
  if (total === 0) throw zstdDamaged(offset, "Huffman weights are all zero");
  const log = highBit(total) + 1;
  if (log > HUF_LOG_MAX) throw zstdDamaged(offset, `Huffman codes of ${log} bits are past ${HUF_LOG_MAX}`);
  const rest = (1 << log) - total;
  const lastWeight = highBit(rest) + 1;
  if (1 << highBit(rest) !== rest) throw zstdDamaged(offset, "Huffman weights do not close to a power of two");
  weights[n] = lastWeight;
  rankCount[lastWeight]!++;
  const nSymbols = n + 1;
  if (rankCount[1]! < 2 || rankCount[1]! & 1) throw zstdDamaged(offset, "Huffman tree is not complete");
  // Codes go to the lowest weights first, by symbol within a weight: weight w fills 2^(w-1) entries.
  let start = 0;
  for (let w = 1; w <= log; w++) {
    rankStart[w] = start;
    start += rankCount[w]! << (w - 1);
  }
  for (let s = 0; s < nSymbols; s++) {
    const w = weights[s]!;
    if (w === 0) continue;
    const len = 1 << (w - 1);
    const from = rankStart[w]!;
    const nb = log + 1 - w;
    t.symbol.fill(s, from, from + len);
    t.bits.fill(nb, from, from + len);
    rankStart[w] = from + len;
  }
  t.log = log;
}

/** Decodes count symbols of one Huffman stream src[start, end) into out[at..]; the stream must be spent exactly. */
export function decodeHuffStream(t: HuffTable, src: Uint8Array, start: number, end: number, out: Uint8Array, at: number, count: number, bits: BackwardBits): void {
  bits.init(src, start, end);
  const log = t.log;
  const sym = t.symbol;
  const nb = t.bits;
  const stop = at + count;
  for (let o = at; o < stop; o++) {
    const v = bits.peek(log);
    out[o] = sym[v]!;
    bits.pos -= nb[v]!;
  }
  if (bits.pos !== 0) throw zstdDamaged(start, `Huffman stream of ${end - start} bytes does not end with its ${count} literals`);
}
