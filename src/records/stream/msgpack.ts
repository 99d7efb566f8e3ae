// A small msgpack encoder and decoder with the encodings Python's msgpack picks (the smallest one for every
// value), so that our flow.record streams are byte-identical to Python's. Strings are written through
// surrogateescape: lone surrogates U+DC80..U+DCFF become the raw bytes they stand for, as Python does.
import { decodeLenient, encodeSurrogateEscape } from "../../util/text.js";

const LONE_SURROGATE = /[\ud800-\udfff]/;
const TWO_64 = 1n << 64n;
const MIN_I64 = -(1n << 63n);

/** A growable byte buffer that packs msgpack values. Reused across records: `reset()` keeps the memory. */
export class Packer {
  buf: Buffer;
  pos = 0;
  private view: DataView;

  constructor(initial = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  reset(): void {
    this.pos = 0;
  }

  /** The bytes packed so far (a view; copy it before the next reset). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  nil(): void {
    this.byte(0xc0);
  }

  bool(v: boolean): void {
    this.byte(v ? 0xc3 : 0xc2);
  }

  /** An integer that fits in int64/uint64 (callers route larger ones to flow.record's varint ext). */
  int(v: number): void {
    this.ensure(9);
    const b = this.buf;
    let p = this.pos;
    if (v >= 0) {
      if (v < 128) b[p++] = v;
      else if (v < 256) {
        b[p++] = 0xcc;
        b[p++] = v;
      } else if (v < 65536) {
        b[p++] = 0xcd;
        b[p++] = v >>> 8;
        b[p++] = v & 255;
      } else if (v < 4294967296) {
        b[p++] = 0xce;
        this.view.setUint32(p, v);
        p += 4;
      } else {
        b[p++] = 0xcf;
        this.view.setBigUint64(p, BigInt(v));
        p += 8;
      }
    } else if (v >= -32) b[p++] = v & 0xff;
    else if (v >= -128) {
      b[p++] = 0xd0;
      b[p++] = v & 0xff;
    } else if (v >= -32768) {
      b[p++] = 0xd1;
      this.view.setInt16(p, v);
      p += 2;
    } else if (v >= -2147483648) {
      b[p++] = 0xd2;
      this.view.setInt32(p, v);
      p += 4;
    } else {
      b[p++] = 0xd3;
      this.view.setBigInt64(p, BigInt(v));
      p += 8;
    }
    this.pos = p;
  }

  /** True when `int()` can take the value (a safe JS integer). */
  static fitsInt(v: number): boolean {
    return Number.isSafeInteger(v);
  }

  /** An integer given as a bigint that fits in int64/uint64. */
  bigint(v: bigint): void {
    if (v >= -(1n << 53n) && v <= 1n << 53n) return this.int(Number(v));
    this.ensure(9);
    if (v >= 0n) {
      this.buf[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, v);
    } else {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, v);
    }
    this.pos += 8;
  }

  static fitsBigint(v: bigint): boolean {
    return v >= MIN_I64 && v < TWO_64;
  }

  float64(v: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xcb;
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  /** A str header for n bytes (use_bin_type=True: str8 exists). */
  strHeader(n: number): void {
    this.ensure(5);
    const b = this.buf;
    if (n < 32) b[this.pos++] = 0xa0 | n;
    else if (n < 256) {
      b[this.pos++] = 0xd9;
      b[this.pos++] = n;
    } else if (n < 65536) {
      b[this.pos++] = 0xda;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      b[this.pos++] = 0xdb;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  str(s: string): void {
    const n = s.length;
    // Fast path: short ASCII, written byte by byte.
    if (n < 32) {
      this.ensure(n + 1);
      const b = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        b[start] = 0xa0 | n;
        this.pos = p;
        return;
      }
    }
    if (LONE_SURROGATE.test(s)) {
      const bytes = encodeSurrogateEscape(s);
      this.strHeader(bytes.length);
      this.raw(bytes);
      return;
    }
    const len = Buffer.byteLength(s, "utf8");
    this.strHeader(len);
    this.ensure(len);
    this.buf.write(s, this.pos, len, "utf8");
    this.pos += len;
  }

  bin(v: Uint8Array): void {
    const n = v.length;
    this.ensure(5 + n);
    const b = this.buf;
    if (n < 256) {
      b[this.pos++] = 0xc4;
      b[this.pos++] = n;
    } else if (n < 65536) {
      b[this.pos++] = 0xc5;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      b[this.pos++] = 0xc6;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
    b.set(v, this.pos);
    this.pos += n;
  }

  arrayHeader(n: number): void {
    this.ensure(5);
    if (n < 16) this.buf[this.pos++] = 0x90 | n;
    else if (n < 65536) {
      this.buf[this.pos++] = 0xdc;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  mapHeader(n: number): void {
    this.ensure(5);
    if (n < 16) this.buf[this.pos++] = 0x80 | n;
    else if (n < 65536) {
      this.buf[this.pos++] = 0xde;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xdf;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  /** Start an ext value whose payload is packed next; finish with `endExt(mark)`. */
  beginExt(): number {
    this.ensure(3);
    const mark = this.pos;
    this.pos += 3; // room for the common header (ext8: c7 len type); endExt moves the payload if another fits
    return mark;
  }

  /** Close an ext started at `mark`: the smallest header for the payload length, the payload slid to fit. */
  endExt(mark: number, type: number): void {
    const start = mark + 3;
    const n = this.pos - start;
    let h: number;
    let b0: number;
    if (n === 1 || n === 2 || n === 4 || n === 8 || n === 16) {
      h = 2;
      b0 = n === 1 ? 0xd4 : n === 2 ? 0xd5 : n === 4 ? 0xd6 : n === 8 ? 0xd7 : 0xd8;
    } else if (n < 256) {
      const b = this.buf;
      b[mark] = 0xc7;
      b[mark + 1] = n;
      b[mark + 2] = type;
      return;
    } else if (n < 65536) {
      h = 4;
      b0 = 0xc8;
    } else {
      h = 6;
      b0 = 0xc9;
    }
    if (h > 3) this.ensure(h - 3);
    const b = this.buf;
    b.copyWithin(mark + h, start, this.pos);
    b[mark] = b0;
    if (h === 2) b[mark + 1] = type;
    else if (h === 4) {
      this.view.setUint16(mark + 1, n);
      b[mark + 3] = type;
    } else {
      this.view.setUint32(mark + 1, n);
      b[mark + 5] = type;
    }
    this.pos = mark + h + n;
  }

  /** Hand out the packed bytes without copying; the packer continues in a fresh buffer. */
  detach(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    return out;
  }

  /** Start a length-prefixed frame (u32 big-endian); finish with `endFrame(mark)`. */
  beginFrame(): number {
    this.ensure(4);
    const mark = this.pos;
    this.pos += 4;
    return mark;
  }

  endFrame(mark: number): void {
    this.view.setUint32(mark, this.pos - mark - 4);
  }

  /** Pack a plain JS value by its own type (for dynamic/foreign fields): the Python packer's choices. */
  value(v: unknown, ext?: (p: Packer, v: unknown) => boolean): void {
    if (v === null || v === undefined) return this.nil();
    if (ext && ext(this, v)) return;
    switch (typeof v) {
      case "boolean":
        return this.bool(v);
      case "number":
        if (Number.isSafeInteger(v)) return this.int(v);
        if (Number.isInteger(v) && Packer.fitsBigint(BigInt(v))) return this.bigint(BigInt(v));
        return this.float64(v);
      case "bigint":
        if (Packer.fitsBigint(v)) return this.bigint(v);
        throw new RangeError(`integer does not fit in 64 bits: ${v}`);
      case "string":
        return this.str(v);
    }
    if (v instanceof Uint8Array) return this.bin(v);
    if (Array.isArray(v)) {
      this.arrayHeader(v.length);
      for (const x of v) this.value(x, ext);
      return;
    }
    if (v instanceof Map) {
      this.mapHeader(v.size);
      for (const [k, x] of v) {
        this.value(k, ext);
        this.value(x, ext);
      }
      return;
    }
    if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      this.mapHeader(entries.length);
      for (const [k, x] of entries) {
        this.str(k);
        this.value(x, ext);
      }
      return;
    }
    throw new TypeError(`cannot pack a ${typeof v}`);
  }
}

const INTERN_SIZE = 4096;
const intern: (string | undefined)[] = new Array<string | undefined>(INTERN_SIZE);

/** An ext value the decoder does not interpret itself (handed to the caller's hook). */
export interface ExtValue {
  readonly type: number;
  readonly data: Uint8Array;
}

export class MsgpackError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Decodes msgpack values from a byte range. Ints become numbers when safe and bigints beyond; str is decoded
 * with surrogateescape; bin becomes a copied Uint8Array; ext values go through `ext` (or become ExtValue).
 */
/**
 * An ext hook: called with the unpacker positioned at the ext's payload (and its `end` narrowed to the
 * payload), so that the hook decodes the payload in place with `u.next()`.
 */
export type ExtHook = (u: Unpacker, type: number, length: number) => unknown;

export class Unpacker {
  pos: number;
  end: number;
  buf: Uint8Array;
  private view: DataView;

  constructor(
    buf: Uint8Array,
    start = 0,
    end = buf.length,
    private readonly ext?: ExtHook,
  ) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Point the unpacker at another range (reusing it saves an allocation per frame). */
  reset(buf: Uint8Array, start: number, end: number): void {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.pos = start;
    this.end = end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new MsgpackError("truncated msgpack value", this.pos);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  private str(n: number): string {
    this.need(n);
    const b = this.buf;
    const start = this.pos;
    this.pos += n;
    if (n <= 24) {
      // Short strings repeat (users, record types, paths, hostnames): look them up in a small table instead
      // of allocating a new string each time. ASCII only; anything else takes the lenient decoder.
      let h = n;
      let ascii = true;
      for (let i = start; i < start + n; i++) {
        const c = b[i]!;
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        h = (Math.imul(h, 31) + c) | 0;
      }
      if (ascii) {
        const slot = h & (INTERN_SIZE - 1);
        const hit = intern[slot];
        if (hit !== undefined && hit.length === n) {
          let same = true;
          for (let i = 0; i < n; i++) {
            if (hit.charCodeAt(i) !== b[start + i]) {
              same = false;
              break;
            }
          }
          if (same) return hit;
        }
        const s = decodeLenient(b, start, start + n);
        intern[slot] = s;
        return s;
      }
    }
    return decodeLenient(b, start, start + n);
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private array(n: number): unknown[] {
    if (n > this.end - this.pos) throw new MsgpackError(`array of ${n} elements exceeds the frame`, this.pos);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  private map(n: number): Map<unknown, unknown> {
    if (n * 2 > this.end - this.pos) throw new MsgpackError(`map of ${n} entries exceeds the frame`, this.pos);
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < n; i++) {
      const k = this.next();
      out.set(k, this.next());
    }
    return out;
  }

  private extValue(n: number): unknown {
    this.need(1 + n);
    const type = this.view.getInt8(this.pos);
    this.pos++;
    const stop = this.pos + n;
    if (!this.ext) {
      const data = this.buf.slice(this.pos, stop);
      this.pos = stop;
      return { type, data } satisfies ExtValue;
    }
    const outer = this.end;
    this.end = stop;
    try {
      const v = this.ext(this, type, n);
      if (this.pos !== stop) throw new MsgpackError("trailing bytes in an ext value", this.pos);
      return v;
    } finally {
      this.end = outer;
      this.pos = stop;
    }
  }

  private int64(signed: boolean): number | bigint {
    this.need(8);
    const v = signed ? this.view.getBigInt64(this.pos) : this.view.getBigUint64(this.pos);
    this.pos += 8;
    return v >= -(1n << 53n) + 1n && v <= (1n << 53n) - 1n ? Number(v) : v;
  }

  next(): unknown {
    const at = this.pos;
    const t = this.u8();
    if (t < 0x80) return t;
    if (t >= 0xe0) return t - 256;
    if (t >= 0xa0 && t <= 0xbf) return this.str(t & 0x1f);
    if (t >= 0x90 && t <= 0x9f) return this.array(t & 0x0f);
    if (t >= 0x80 && t <= 0x8f) return this.map(t & 0x0f);
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bytes(this.u8());
      case 0xc5:
        return this.bytes(this.u16());
      case 0xc6:
        return this.bytes(this.u32());
      case 0xc7:
        return this.extValue(this.u8());
      case 0xc8:
        return this.extValue(this.u16());
      case 0xc9:
        return this.extValue(this.u32());
      case 0xca: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        return this.int64(false);
      case 0xd0: {
        const v = this.u8();
        return v >= 128 ? v - 256 : v;
      }
      case 0xd1: {
        const v = this.u16();
        return v >= 32768 ? v - 65536 : v;
      }
      case 0xd2: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xd3:
        return this.int64(true);
      case 0xd4:
        return this.extValue(1);
      case 0xd5:
        return this.extValue(2);
      case 0xd6:
        return this.extValue(4);
      case 0xd7:
        return this.extValue(8);
      case 0xd8:
        return this.extValue(16);
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16());
      case 0xdd:
        return this.array(this.u32());
      case 0xde:
        return this.map(this.u16());
      case 0xdf:
        return this.map(this.u32());
    }
    throw new MsgpackError(`invalid msgpack type byte 0x${t.toString(16)}`, at);
  }
}
