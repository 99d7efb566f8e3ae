// zstd's sequences section (RFC 8878 §3.1.1.3.2): the three FSE tables (predefined, RLE, described or repeated
// from the previous block) and the decoding of every (literal length, offset, match length) triple.
import { BackwardBits, zstdDamaged } from "./zstd-bits.js";
import { buildFse, type FseTable, newFseTable, readFse, rleTable } from "./zstd-entropy.js";

const LL_BASE = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024,
  2048, 4096, 8192, 16384, 32768, 65536,
];
const LL_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const ML_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
  35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
];
const ML_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3,
  3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const LL_DEFAULT = [4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1];
const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];
const LL_MAX = 35;
const ML_MAX = 52;
/** libzstd decodes offset codes up to 31 (offsets below 2^32). */
const OF_MAX = 31;

function predefined(dist: number[], log: number): FseTable {
  const t = newFseTable(log);
  buildFse(t, Int16Array.from(dist), dist.length, log, 0);
  return t;
}
const LL_PREDEFINED = predefined(LL_DEFAULT, 6);
const ML_PREDEFINED = predefined(ML_DEFAULT, 6);
const OF_PREDEFINED = predefined(OF_DEFAULT, 5);

/** The decoding state a frame carries from block to block: tables for "repeat" and the three repeat offsets. */
export class SequenceState {
  private readonly llSpace = newFseTable(9);
  private readonly ofSpace = newFseTable(8);
  private readonly mlSpace = newFseTable(9);
  ll: FseTable | null = null;
  of: FseTable | null = null;
  ml: FseTable | null = null;
  rep1 = 1;
  rep2 = 4;
  rep3 = 8;
  /** The decoded sequences of the current block. */
  litLen = new Int32Array(1024);
  matchLen = new Int32Array(1024);
  offset = new Float64Array(1024);
  private readonly bits = new BackwardBits();

  resetFrame(): void {
    this.ll = this.of = this.ml = null;
    this.rep1 = 1;
    this.rep2 = 4;
    this.rep3 = 8;
  }

  /**
   * Decodes the sequences section src[at, end); returns their count (their fields are in litLen, offset,
   * matchLen; offsets already resolved from the repeat codes).
   */
  decode(src: Uint8Array, at: number, end: number): number {
    if (at >= end) throw zstdDamaged(at, "block has no sequences header");
    let ip = at;
    let n = src[ip++]!;
    if (n === 0) {
      if (ip !== end) throw zstdDamaged(ip, "bytes after a sequences header of zero sequences");
      return 0;
    }
    if (n === 255) {
      if (ip + 2 > end) throw zstdDamaged(ip, "sequences header cut short");
      n = src[ip]! + (src[ip + 1]! << 8) + 0x7f00;
      ip += 2;
    } else if (n >= 128) {
      if (ip >= end) throw zstdDamaged(ip, "sequences header cut short");
      n = ((n - 128) << 8) + src[ip++]!;
    }
    if (ip >= end) throw zstdDamaged(ip, "sequences header has no compression modes");
    const modes = src[ip++]!;
    // libzstd ignores the two reserved bits; so do we (the same payloads decode the same way).
    ip += this.table("ll", modes >>> 6, src, ip, end);
    ip += this.table("of", (modes >>> 4) & 3, src, ip, end);
    ip += this.table("ml", (modes >>> 2) & 3, src, ip, end);
    this.ensure(n);
    this.run(src, ip, end, n);
    return n;
  }

  private table(kind: "ll" | "of" | "ml", mode: number, src: Uint8Array, at: number, end: number): number {
    const space = kind === "ll" ? this.llSpace : kind === "of" ? this.ofSpace : this.mlSpace;
    const max = kind === "ll" ? LL_MAX : kind === "of" ? OF_MAX : ML_MAX;
    let t: FseTable;
    let used = 0;
    switch (mode) {
      case 0:
        t = kind === "ll" ? LL_PREDEFINED : kind === "of" ? OF_PREDEFINED : ML_PREDEFINED;
        break;
      case 1: {
        if (at >= end) throw zstdDamaged(at, `${kind} RLE symbol missing`);
        const s = src[at]!;
        if (s > max) throw zstdDamaged(at, `${kind} RLE symbol ${s} is past ${max}`);
        rleTable(space, s);
        t = space;
        used = 1;
        break;
      }
      case 2:
        used = readFse(space, src, at, end, max, kind === "of" ? 8 : 9);
        t = space;
        break;
      default: {
        const previous = this[kind];
        if (!previous) throw zstdDamaged(at, `${kind} table repeated with no table before it in the frame`);
        t = previous;
      }
    }
    this[kind] = t;
    return used;
  }

  private ensure(n: number): void {
    if (this.litLen.length >= n) return;
    let size = this.litLen.length;
    while (size < n) size *= 2;
    this.litLen = new Int32Array(size);
    this.matchLen = new Int32Array(size);
    this.offset = new Float64Array(size);
  }

  private run(src: Uint8Array, at: number, end: number, n: number): void {
    const bits = this.bits;
    bits.init(src, at, end);
    const ll = this.ll!;
    const of = this.of!;
    const ml = this.ml!;
    let sLL = bits.read(ll.log);
    let sOF = bits.read(of.log);
    let sML = bits.read(ml.log);
    let r1 = this.rep1;
    let r2 = this.rep2;
    let r3 = this.rep3;
    const litLen = this.litLen;
    const matchLen = this.matchLen;
    const offsets = this.offset;
    for (let i = 0; i < n; i++) {
      const llCode = ll.symbol[sLL]!;
      const mlCode = ml.symbol[sML]!;
      const ofCode = of.symbol[sOF]!;
      // Offset bits first, then match length, then literal length (RFC 8878 §3.1.1.3.2.1).
      let ofValue: number;
      if (ofCode <= 24) ofValue = 2 ** ofCode + bits.read(ofCode);
      else {
        const high = bits.read(ofCode - 24);
        ofValue = 2 ** ofCode + high * 16777216 + bits.read(24);
      }
      const mLen = ML_BASE[mlCode]! + bits.read(ML_BITS[mlCode]!);
      const lLen = LL_BASE[llCode]! + bits.read(LL_BITS[llCode]!);
      let off: number;
      if (ofValue > 3) {
        off = ofValue - 3;
        r3 = r2;
        r2 = r1;
        r1 = off;
      } else {
        // Repeat offsets; with no literals before the match they shift by one.
        const idx = lLen === 0 ? ofValue : ofValue - 1;
        if (idx === 0) off = r1;
        else {
          off = idx === 1 ? r2 : idx === 2 ? r3 : r1 - 1;
          if (off === 0) off = -1; // libzstd: offset 0 is invalid, refused when the match runs
          if (idx !== 1) r3 = r2;
          r2 = r1;
          r1 = off;
        }
      }
      litLen[i] = lLen;
      matchLen[i] = mLen;
      offsets[i] = off;
      if (i + 1 < n) {
        // State updates: literal length, match length, offset.
        sLL = ll.base[sLL]! + bits.read(ll.bits[sLL]!);
        sML = ml.base[sML]! + bits.read(ml.bits[sML]!);
        sOF = of.base[sOF]! + bits.read(of.bits[sOF]!);
      }
    }
    if (bits.pos !== 0) {
      throw zstdDamaged(at, bits.pos < 0 ? "sequences read past the start of their bitstream" : "bits left over after the last sequence");
    }
    this.rep1 = r1;
    this.rep2 = r2;
    this.rep3 = r3;
  }
}
