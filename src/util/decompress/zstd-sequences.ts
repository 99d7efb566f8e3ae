// zstd's sequences section (RFC 8878 §3.1.1.3.2): the three FSE tables (predefined, RLE, described or repeated
// from the previous block) and the decoding of every (literal length, offset, match length) triple.
import { DecompressError } from "./error.js";
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

/** Where a block's sequences run: the output (its bytes from frameStart on are the window) and the literals. */
export interface Execution {
  out: Uint8Array;
  op: number;
  /** The block may write up to here: the first of its maximum size, the frame's content size, the caller's limit. */
  opLimit: number;
  /** Which of those opLimit is: the caller's limit is a "limit" error, the others damage. */
  overflow: "block" | "content" | "limit";
  frameStart: number;
  lit: Uint8Array;
  lp: number;
  litLimit: number;
}

/** The error for a block that would write past x.opLimit. */
export function overflow(x: Execution, at: number): DecompressError {
  if (x.overflow === "limit") return new DecompressError("zstd", at, "limit", `output would pass the limit of ${x.opLimit} bytes`);
  return zstdDamaged(at, x.overflow === "content" ? "block inflates past the frame's declared content size" : "block inflates past the block maximum size");
}

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
  private readonly bits = new BackwardBits();

  resetFrame(): void {
    this.ll = this.of = this.ml = null;
    this.rep1 = 1;
    this.rep2 = 4;
    this.rep3 = 8;
  }

  /**
   * Decodes the sequences section src[at, end) and runs each sequence as it is decoded (as libzstd does):
   * literals copied, then the match; x.op and x.lp advance. Returns the count of sequences.
   */
  decode(src: Uint8Array, at: number, end: number, x: Execution): number {
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
    this.run(src, ip, end, n, x);
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

  private run(src: Uint8Array, at: number, end: number, n: number, x: Execution): void {
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
    const o = x.out;
    const lit = x.lit;
    let op = x.op;
    let lp = x.lp;
    const litLimit = x.litLimit;
    const opLimit = x.opLimit;
    const frameStart = x.frameStart;
    const llSym = ll.symbol;
    const llBits = ll.bits;
    const llBase = ll.base;
    const mlSym = ml.symbol;
    const mlBits = ml.bits;
    const mlBase = ml.base;
    const ofSym = of.symbol;
    const ofBits = of.bits;
    const ofBase = of.base;
    // The bit position is kept here; a read of n ≤ 24 bits past the stream's start goes through `bits`.
    const base = at * 8;
    let pos = bits.pos;
    const read = (n: number): number => {
      const p = pos - n;
      pos = p;
      if (p >= 0 && n <= 24) {
        const q = base + p;
        const i = q >>> 3;
        return ((src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> (q & 7)) & ((1 << n) - 1);
      }
      bits.pos = p + n;
      const v = bits.read(n);
      return v;
    };
    for (let i = 0; i < n; i++) {
      const llCode = llSym[sLL]!;
      const mlCode = mlSym[sML]!;
      const ofCode = ofSym[sOF]!;
      // Offset bits first, then match length, then literal length (RFC 8878 §3.1.1.3.2.1).
      let ofValue: number;
      if (ofCode <= 24) ofValue = (1 << ofCode) + read(ofCode);
      else {
        const high = read(ofCode - 24);
        ofValue = 2 ** ofCode + high * 16777216 + read(24);
      }
      const mLen = ML_BASE[mlCode]! + read(ML_BITS[mlCode]!);
      const lLen = LL_BASE[llCode]! + read(LL_BITS[llCode]!);
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
      // Run it: the literals, then the match (which may overlap its own output).
      if (lp + lLen > litLimit) throw zstdDamaged(at, `sequence ${i} takes more literals than the block has`);
      if (op + lLen + mLen > opLimit) throw overflow(x, at);
      if (lLen < 64) for (let k = 0; k < lLen; k++) o[op + k] = lit[lp + k]!;
      else o.set(lit.subarray(lp, lp + lLen), op);
      op += lLen;
      lp += lLen;
      if (off < 1 || off > op - frameStart) throw zstdDamaged(at, `sequence ${i} reaches ${off} bytes back, before the frame's start`);
      let from = op - off;
      if (off >= mLen && mLen >= 64) {
        o.copyWithin(op, from, from + mLen);
        op += mLen;
      } else for (const stop = op + mLen; op < stop; ) o[op++] = o[from++]!;
      if (i + 1 < n) {
        // State updates: literal length, match length, offset.
        sLL = llBase[sLL]! + read(llBits[sLL]!);
        sML = mlBase[sML]! + read(mlBits[sML]!);
        sOF = ofBase[sOF]! + read(ofBits[sOF]!);
      }
    }
    if (pos !== 0) {
      throw zstdDamaged(at, pos < 0 ? "sequences read past the start of their bitstream" : "bits left over after the last sequence");
    }
    this.rep1 = r1;
    this.rep2 = r2;
    this.rep3 = r3;
    x.op = op;
    x.lp = lp;
  }
}
