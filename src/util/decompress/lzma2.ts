// LZMA2 (the one filter systemd's xz payloads use) and the LZMA decoder under it, into one Output that is
// also the dictionary. Checked as liblzma checks: the first chunk resets the dictionary, an LZMA chunk after
// a dictionary reset brings properties, lc + lp ≤ 4, every range coder starts with a zero byte, a chunk yields
// exactly its unpacked size and takes exactly its packed size, a match reaches no further back than the bytes
// since the last dictionary reset (nor past the dictionary size), and no end marker inside a chunk.
import { DecompressError } from "./error.js";
import type { Output } from "./output.js";

export function xzDamaged(offset: number, what: string): DecompressError {
  return new DecompressError("xz", offset, "damaged", what);
}

// Probability array layout (11-bit probabilities, all reset to one half).
const IS_MATCH = 0;
const IS_REP = 192;
const IS_REP_G0 = 204;
const IS_REP_G1 = 216;
const IS_REP_G2 = 228;
const IS_REP0_LONG = 240;
const POS_SLOT = 432;
const SPEC_POS = 688;
const ALIGN = 802;
const LEN = 818;
const REP_LEN = 1332;
const LITERAL = 1846;
const PROBS = LITERAL + 0x300 * 16;
const LEN_MID = 130;
const LEN_HIGH = 258;

/** The dictionary size an LZMA2 property byte gives (≤ 40), or -1. */
export function lzma2DictSize(b: number): number {
  if (b > 40) return -1;
  return b === 40 ? 0xffffffff : (2 | (b & 1)) * 2 ** ((b >>> 1) + 11);
}

export class Lzma2Decoder {
  private readonly p = new Uint16Array(PROBS);
  private src: Uint8Array = new Uint8Array(0);
  private ip = 0;
  private end = 0;
  private range = 0;
  private code = 0;
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;
  /** Output position of the last dictionary reset. */
  private dictStart = 0;
  /** How far back liblzma's dictionary reaches: the dictionary size, at least 4 KiB, rounded up to 16. */
  private readonly dictReach: number;

  constructor(
    private readonly out: Output,
    dictSize: number,
  ) {
    this.dictReach = Math.ceil(Math.max(4096, dictSize) / 16) * 16;
  }

  /** Decodes the LZMA2 stream src[at, end) into the output; returns the offset after its end marker. */
  decode(src: Uint8Array, at: number, end: number): number {
    this.src = src;
    let ip = at;
    let needDictReset = true;
    let needProps = true;
    const out = this.out;
    for (;;) {
      if (ip >= end) throw xzDamaged(ip, "LZMA2 stream ends without its end marker");
      const chunkAt = ip;
      const control = src[ip++]!;
      if (control === 0) return ip;
      if (control >= 0xe0 || control === 1) {
        needProps = true;
        needDictReset = false;
        this.dictStart = out.pos;
      } else if (needDictReset) throw xzDamaged(chunkAt, `LZMA2 chunk 0x${control.toString(16)} does not reset the dictionary first`);
      if (control < 0x80) {
        if (control > 2) throw xzDamaged(chunkAt, `invalid LZMA2 control byte 0x${control.toString(16)}`);
        if (ip + 2 > end) throw xzDamaged(chunkAt, "LZMA2 chunk header cut short");
        const size = ((src[ip]! << 8) | src[ip + 1]!) + 1;
        ip += 2;
        if (ip + size > end) throw xzDamaged(chunkAt, `uncompressed LZMA2 chunk of ${size} bytes runs past the payload`);
        out.reserve(size, chunkAt);
        out.buf.set(src.subarray(ip, ip + size), out.pos);
        out.pos += size;
        ip += size;
        continue;
      }
      if (ip + 4 > end) throw xzDamaged(chunkAt, "LZMA2 chunk header cut short");
      const unpacked = (control & 0x1f) * 65536 + ((src[ip]! << 8) | src[ip + 1]!) + 1;
      const packed = ((src[ip + 2]! << 8) | src[ip + 3]!) + 1;
      ip += 4;
      if (control >= 0xc0) {
        if (ip >= end) throw xzDamaged(chunkAt, "LZMA2 chunk header cut short");
        this.setProps(src[ip++]!, ip - 1);
        needProps = false;
        this.resetState();
      } else if (needProps) throw xzDamaged(chunkAt, "LZMA chunk without properties after a dictionary reset");
      else if (control >= 0xa0) this.resetState();
      if (ip + packed > end) throw xzDamaged(chunkAt, `LZMA chunk of ${packed} bytes runs past the payload`);
      out.reserve(unpacked, chunkAt);
      this.chunk(ip, ip + packed, unpacked, chunkAt);
      ip += packed;
    }
  }

  private setProps(d: number, at: number): void {
    if (d >= 225) throw xzDamaged(at, `LZMA properties byte ${d} is past 224`);
    this.lc = d % 9;
    d = Math.floor(d / 9);
    this.lp = d % 5;
    this.pb = Math.floor(d / 5);
    if (this.lc + this.lp > 4) throw xzDamaged(at, `LZMA2 needs lc + lp ≤ 4 (lc ${this.lc}, lp ${this.lp})`);
  }

  private resetState(): void {
    this.p.fill(1024);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /** One LZMA chunk: the range coder over src[start, end), exactly `unpacked` bytes of output. */
  private chunk(start: number, end: number, unpacked: number, chunkAt: number): void {
    const src = this.src;
    if (end - start < 5 || src[start] !== 0) throw xzDamaged(start, "LZMA range coder does not start with a zero byte");
    this.code = ((src[start + 1]! << 24) | (src[start + 2]! << 16) | (src[start + 3]! << 8) | src[start + 4]!) >>> 0;
    this.range = 0xffffffff;
    this.ip = start + 5;
    this.end = end;
    const out = this.out;
    const buf = out.buf;
    const p = this.p;
    let pos = out.pos;
    const stop = pos + unpacked;
    const dictStart = this.dictStart;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    const lc = this.lc;
    let state = this.state;
    while (pos < stop) {
      const rel = pos - dictStart;
      const posState = rel & pbMask;
      if (this.bit(IS_MATCH + (state << 4) + posState) === 0) {
        const prev = rel > 0 ? buf[pos - 1]! : 0;
        const base = LITERAL + 0x300 * (((rel & lpMask) << lc) + (prev >>> (8 - lc)));
        let sym = 1;
        if (state < 7) while (sym < 0x100) sym = (sym << 1) | this.bit(base + sym);
        else {
          let matchByte = buf[pos - this.rep0 - 1]!;
          while (sym < 0x100) {
            const matchBit = (matchByte >>> 7) & 1;
            matchByte <<= 1;
            const b = this.bit(base + ((1 + matchBit) << 8) + sym);
            sym = (sym << 1) | b;
            if (matchBit !== b) {
              while (sym < 0x100) sym = (sym << 1) | this.bit(base + sym);
              break;
            }
          }
        }
        buf[pos++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (this.bit(IS_REP + state) === 1) {
        if (rel === 0) throw xzDamaged(this.ip, "LZMA repeated match with an empty dictionary");
        if (this.bit(IS_REP_G0 + state) === 0) {
          if (this.bit(IS_REP0_LONG + (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            buf[pos] = buf[pos - this.rep0 - 1]!;
            pos++;
            continue;
          }
        } else {
          let dist: number;
          if (this.bit(IS_REP_G1 + state) === 0) dist = this.rep1;
          else {
            if (this.bit(IS_REP_G2 + state) === 0) dist = this.rep2;
            else {
              dist = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = this.rep0;
          this.rep0 = dist;
        }
        len = this.length(REP_LEN, posState);
        state = state < 7 ? 8 : 11;
      } else {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        len = this.length(LEN, posState);
        state = state < 7 ? 7 : 10;
        this.rep0 = this.distance(len);
      }
      len += 2;
      const dist = this.rep0 + 1;
      if (dist > rel || dist > this.dictReach) {
        throw xzDamaged(this.ip, dist === 0x100000000 ? "LZMA end marker inside an LZMA2 chunk" : `LZMA match reaches ${dist} bytes back, past the ${rel} bytes of its dictionary`);
      }
      if (pos + len > stop) throw xzDamaged(this.ip, `LZMA match of ${len} bytes runs past its chunk's ${unpacked} bytes`);
      let from = pos - dist;
      if (dist >= len && len > 32) {
        buf.copyWithin(pos, from, from + len);
        pos += len;
      } else for (const e = pos + len; pos < e; ) buf[pos++] = buf[from++]!;
    }
    this.state = state;
    out.pos = pos;
    // The coder is left normalized after the last symbol, so a chunk takes its last byte; its code is then 0.
    if (this.range < 0x1000000) {
      if (this.ip >= end) throw xzDamaged(chunkAt, "LZMA chunk needs more bytes than its packed size");
      this.code = ((this.code << 8) | src[this.ip++]!) >>> 0;
    }
    if (this.ip !== end) throw xzDamaged(this.ip, `LZMA chunk took ${this.ip - start} of its ${end - start} packed bytes`);
    if (this.code !== 0) throw xzDamaged(end - 1, "LZMA chunk's range coder does not finish clean");
  }

  /** One bit with probability p[i] (normalizing first, as liblzma does, so a chunk takes exactly its bytes). */
  private bit(i: number): number {
    let range = this.range;
    let code = this.code;
    if (range < 0x1000000) {
      if (this.ip >= this.end) throw xzDamaged(this.ip, "LZMA chunk needs more bytes than its packed size");
      range = (range << 8) >>> 0;
      code = ((code << 8) | this.src[this.ip++]!) >>> 0;
    }
    const prob = this.p[i]!;
    const bound = (range >>> 11) * prob;
    if (code < bound) {
      this.range = bound;
      this.code = code;
      this.p[i] = prob + ((2048 - prob) >>> 5);
      return 0;
    }
    this.range = range - bound;
    this.code = code - bound;
    this.p[i] = prob - (prob >>> 5);
    return 1;
  }

  private tree(base: number, n: number): number {
    let sym = 1;
    for (let i = 0; i < n; i++) sym = (sym << 1) | this.bit(base + sym);
    return sym - (1 << n);
  }

  private reverse(base: number, n: number): number {
    let sym = 1;
    let result = 0;
    for (let i = 0; i < n; i++) {
      const b = this.bit(base + sym);
      sym = (sym << 1) | b;
      result |= b << i;
    }
    return result;
  }

  private direct(n: number): number {
    let result = 0;
    for (let i = 0; i < n; i++) {
      let range = this.range;
      let code = this.code;
      if (range < 0x1000000) {
        if (this.ip >= this.end) throw xzDamaged(this.ip, "LZMA chunk needs more bytes than its packed size");
        range = (range << 8) >>> 0;
        code = ((code << 8) | this.src[this.ip++]!) >>> 0;
      }
      range >>>= 1;
      if (code >= range) {
        code -= range;
        result = result * 2 + 1;
      } else result *= 2;
      this.range = range;
      this.code = code;
    }
    return result;
  }

  private length(base: number, posState: number): number {
    if (this.bit(base) === 0) return this.tree(base + 2 + posState * 8, 3);
    if (this.bit(base + 1) === 0) return 8 + this.tree(base + LEN_MID + posState * 8, 3);
    return 16 + this.tree(base + LEN_HIGH, 8);
  }

  /** A new match's distance minus one (0xffffffff: the end marker). */
  private distance(len: number): number {
    const slot = this.tree(POS_SLOT + ((len < 4 ? len : 3) << 6), 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** direct;
    if (slot < 14) return dist + this.reverse(SPEC_POS + dist - slot - 1, direct);
    dist += this.direct(direct - 4) * 16;
    return dist + this.reverse(ALIGN, 4);
  }
}
