// The flow.record stream writer: a header once, each descriptor before its first record, every record as
// msgpack ext 14. Encodings are the smallest ones, as Python's msgpack picks them, so that the bytes equal
// Python's for the same record. Per-descriptor encoders are built once; the packer's memory is reused.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import { parseIp } from "../ip.js";
import { civilOfDay, Timestamp } from "../timestamp.js";
import {
  EXT_TYPE,
  HEADER_FRAME,
  SUBTYPE_DATETIME,
  SUBTYPE_DESCRIPTOR,
  SUBTYPE_RECORD,
  SUBTYPE_VARINT,
  isWindowsPath,
} from "./format.js";
import { Packer } from "./msgpack.js";

type Enc = (p: Packer, v: unknown) => void;

/** A datetime as flow.record packs it ([Y, M, D, h, m, s, µs]); nil beyond years 1 … 9999 (no Python datetime). */
export function packDatetime(p: Packer, ts: Timestamp): void {
  if (!ts.inRange()) {
    p.nil();
    return;
  }
  const m = p.beginExt();
  p.byte(0x92);
  p.byte(SUBTYPE_DATETIME);
  p.byte(0x97);
  const days = Math.floor(ts.seconds / 86400);
  const civil = civilOfDay(days);
  const sod = ts.seconds - days * 86400;
  p.int(civil[0]);
  p.int(civil[1]);
  p.int(civil[2]);
  p.int(Math.floor(sod / 3600));
  p.int(Math.floor((sod % 3600) / 60));
  p.int(sod % 60);
  p.int(ts.micros);
  p.endExt(m, EXT_TYPE);
}

/** An integer outside int64/uint64: ext 14 [0x11, [negative, magnitude big-endian]]. */
export function packVarintExt(p: Packer, v: bigint): void {
  const neg = v < 0n;
  let hex = (neg ? -v : v).toString(16);
  if (hex === "0") hex = "";
  else if (hex.length & 1) hex = "0" + hex;
  const m = p.beginExt();
  p.byte(0x92);
  p.byte(SUBTYPE_VARINT);
  p.byte(0x92);
  p.bool(neg);
  p.bin(Buffer.from(hex, "hex"));
  p.endExt(m, EXT_TYPE);
}

export function packInteger(p: Packer, v: number | bigint): void {
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return p.int(v);
    if (!Number.isInteger(v)) throw new TypeError(`not an integer: ${v}`);
    v = BigInt(v);
  }
  if (Packer.fitsBigint(v)) p.bigint(v);
  else packVarintExt(p, v);
}

/** Pack values of dynamic or foreign types by their JS type (timestamps and huge ints as flow.record's exts). */
function dynamicExt(p: Packer, v: unknown): boolean {
  if (v instanceof Timestamp) {
    packDatetime(p, v);
    return true;
  }
  if (typeof v === "bigint" && !Packer.fitsBigint(v)) {
    packVarintExt(p, v);
    return true;
  }
  return false;
}

const packDynamic: Enc = (p, v) => p.value(v, dynamicExt);

// Addresses repeat (a host's logins come from a few places): their packed bytes are cached.
const ipCache = new Map<string, Uint8Array>();
const ipPacker = new Packer(64);
// Consecutive records often share an address (one attacker's run of attempts): the last one is kept at hand.
let lastIp = "";
let lastIpBytes: Uint8Array = new Uint8Array(0);

/** A canonical dotted quad ("10.0.0.1", no leading zeros) as its uint32, or -1: cheaper than a cache lookup. */
function dottedQuad(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1; // a leading zero is not canonical
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function packIp(p: Packer, v: unknown): void {
  if (typeof v !== "string") {
    if (typeof v === "number" || typeof v === "bigint") return packInteger(p, v);
    return packDynamic(p, v);
  }
  const v4 = dottedQuad(v);
  if (v4 >= 0) {
    p.int(v4);
    return;
  }
  if (v === lastIp) {
    p.raw(lastIpBytes);
    return;
  }
  let bytes = ipCache.get(v);
  if (!bytes) {
    const ip = parseIp(v);
    if (!ip) throw new TypeError(`not an IP address: ${JSON.stringify(v)}`);
    ipPacker.reset();
    if (ip.version === 4) ipPacker.int(Number(ip.value));
    else packInteger(ipPacker, ip.value);
    bytes = Uint8Array.from(ipPacker.bytes());
    if (ipCache.size >= 4096) ipCache.clear();
    ipCache.set(v, bytes);
  }
  lastIp = v;
  lastIpBytes = bytes;
  p.raw(bytes);
}

const ENCODERS: Record<string, Enc> = {
  string: (p, v) => (typeof v === "string" ? p.str(v) : packDynamic(p, v)),
  varint: (p, v) => (typeof v === "number" || typeof v === "bigint" ? packInteger(p, v) : packDynamic(p, v)),
  float: (p, v) => (typeof v === "number" || typeof v === "bigint" ? p.float64(Number(v)) : packDynamic(p, v)),
  boolean: (p, v) => (typeof v === "boolean" ? p.bool(v) : packDynamic(p, v)),
  datetime: (p, v) => {
    if (v instanceof Timestamp) packDatetime(p, v);
    else if (typeof v === "string") packDatetime(p, Timestamp.parse(v));
    else if (typeof v === "number") packDatetime(p, Timestamp.fromUnix(v));
    else packDynamic(p, v);
  },
  path: (p, v) => {
    if (typeof v !== "string") return packDynamic(p, v);
    p.byte(0x92);
    p.str(v);
    // Only "X:\\…" and "\\\\…" are windows paths; test the cheap characters before the regex.
    const windows = v.length > 2 && (v.charCodeAt(1) === 0x3a || v.charCodeAt(0) === 0x5c) && isWindowsPath(v);
    p.int(windows ? 1 : 0);
  },
  command: (p, v) => {
    if (typeof v !== "string") return packDynamic(p, v);
    p.byte(0x92);
    p.str(v);
    p.int(0);
  },
  "net.ipaddress": packIp,
  bytes: (p, v) => (v instanceof Uint8Array ? p.bin(v) : packDynamic(p, v)),
};
for (const t of ["wstring", "uri", "net.ipnetwork", "net.ipinterface", "net.IPNetwork"]) ENCODERS[t] = ENCODERS.string!;
for (const t of ["uint16", "uint32", "filesize", "unix_file_mode"]) ENCODERS[t] = ENCODERS.varint!;
ENCODERS["net.IPAddress"] = packIp;
// A nested record (flow.record's `record` type): its descriptor frame is sent before the outer record's frame.
ENCODERS.record = (p, v) => (isRecord(v) ? codecOf(v[DESCRIPTOR]).packExt(p, v) : packDynamic(p, v));

function isRecord(v: unknown): v is AnyRecord {
  return typeof v === "object" && v !== null && DESCRIPTOR in v;
}

export function encoderFor(type: string): Enc {
  if (type.endsWith("[]")) {
    const el = encoderFor(type.slice(0, -2));
    return (p, v) => {
      if (!Array.isArray(v)) return packDynamic(p, v);
      p.arrayHeader(v.length);
      for (const x of v) el(p, x);
    };
  }
  const enc = ENCODERS[type] ?? packDynamic;
  return (p, v) => (v === null || v === undefined ? p.nil() : enc(p, v));
}

const C_OTHER = 0;
const C_STRING = 1;
const C_INT = 2;
const C_DATETIME = 3;
const C_BOOL = 4;
const CODES: Record<string, number> = {
  string: C_STRING, wstring: C_STRING, uri: C_STRING,
  varint: C_INT, uint16: C_INT, uint32: C_INT, filesize: C_INT, unix_file_mode: C_INT,
  datetime: C_DATETIME, boolean: C_BOOL,
};

/**
 * The values of a descriptor's records but the last (_version), as one generated function: property names are
 * constants (monomorphic loads, where a loop over names made every load a keyed lookup) and the common types
 * take their fast path inline; any other value, or a value of an unexpected type, goes through its encoder.
 */
function valuePacker(
  desc: RecordDescriptor,
  names: readonly string[],
  codes: readonly number[],
  encoders: readonly Enc[],
): (p: Packer, rec: AnyRecord) => void {
  const lines = names.map((name, k) => {
    const load = `i = ${k}; v = r[${JSON.stringify(name)}];`;
    const other = `E[${k}](p, v)`;
    let fast: string;
    switch (codes[k]) {
      case C_STRING:
        fast = `if (typeof v === "string") p.str(v); else ${other};`;
        break;
      case C_INT:
        fast = `if (typeof v === "number" && Number.isSafeInteger(v)) p.int(v); else ${other};`;
        break;
      case C_DATETIME:
        fast = `if (v instanceof T) D(p, v); else ${other};`;
        break;
      case C_BOOL:
        fast = `if (typeof v === "boolean") p.byte(v ? 0xc3 : 0xc2); else ${other};`;
        break;
      default:
        fast = `${other};`;
    }
    return `${load} if (v === null || v === undefined) p.byte(0xc0); else ${fast}`;
  });
  const body = `let v, i = 0;\ntry {\n${lines.join("\n")}\n} catch (e) {\n  throw new TypeError(NAME + "." + N[i] + ": " + e.message);\n}`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function("E", "T", "D", "N", "NAME", `return function (p, r) {\n${body}\n};`) as (
    ...a: unknown[]
  ) => (p: Packer, rec: AnyRecord) => void;
  return make(encoders, Timestamp, packDatetime, names, desc.name);
}

/** What one descriptor needs on the wire: its descriptor frame and the constant start of each record. */
class DescriptorCodec {
  readonly descriptorFrame: Uint8Array;
  /** 92 01 92 [92 name hash] array-header(values): the bytes every record of this descriptor starts with. */
  readonly recordPrefix: Uint8Array;
  readonly names: readonly string[];
  readonly encoders: readonly Enc[];
  readonly codes: readonly number[];
  /** Fields holding records (their descriptors must be on the wire first). */
  readonly nested: readonly string[];
  /** Every value but _version, by a function generated for this descriptor (see valuePacker). */
  private readonly packValues: (p: Packer, rec: AnyRecord) => void;

  constructor(readonly desc: RecordDescriptor) {
    const p = new Packer(256);
    const f = p.beginFrame();
    const m = p.beginExt();
    p.arrayHeader(2);
    p.int(SUBTYPE_DESCRIPTOR);
    p.arrayHeader(2);
    p.str(desc.name);
    p.arrayHeader(desc.fields.length);
    for (const fd of desc.fields) {
      p.arrayHeader(2);
      p.str(fd.type);
      p.str(fd.name);
    }
    p.endExt(m, EXT_TYPE);
    p.endFrame(f);
    this.descriptorFrame = Uint8Array.from(p.bytes());

    p.reset();
    p.arrayHeader(2);
    p.int(SUBTYPE_RECORD);
    p.arrayHeader(2);
    p.arrayHeader(2);
    p.str(desc.name);
    p.int(desc.hash);
    p.arrayHeader(desc.allFields.length);
    this.recordPrefix = Uint8Array.from(p.bytes());
    this.names = desc.allFields.map((x) => x.name);
    this.encoders = desc.allFields.map((x) => encoderFor(x.type));
    this.codes = desc.allFields.map((x) => CODES[x.type] ?? C_OTHER);
    this.nested = desc.fields.filter((x) => x.type === "record" || x.type === "record[]").map((x) => x.name);
    this.packValues = valuePacker(desc, this.names.slice(0, -1), this.codes, this.encoders);
  }

  packRecord(p: Packer, rec: AnyRecord): void {
    const f = p.beginFrame();
    this.packExt(p, rec);
    p.endFrame(f);
  }

  /** The record as ext 14 [0x01, [[name, hash], values]] (a frame's value, or a nested record field). */
  packExt(p: Packer, rec: AnyRecord): void {
    const m = p.beginExt();
    p.raw(this.recordPrefix);
    this.packValues(p, rec);
    const version = rec._version;
    p.int(typeof version === "number" && Number.isSafeInteger(version) ? version : 1);
    p.endExt(m, EXT_TYPE);
  }
}

const codecs = new WeakMap<RecordDescriptor, DescriptorCodec>();

function codecOf(desc: RecordDescriptor): DescriptorCodec {
  let c = codecs.get(desc);
  if (!c) {
    c = new DescriptorCodec(desc);
    codecs.set(desc, c);
  }
  return c;
}

export interface ByteDestination {
  write(chunk: Uint8Array): void | Promise<void>;
}

const FLUSH_AT = 1 << 16;

/**
 * Writes records as one flow.record stream. Bytes are gathered in a reused buffer and handed to the
 * destination in chunks of about 64 KiB; `write` returns a promise only when the destination asks to wait.
 */
export class RecordStreamWriter {
  private readonly packer = new Packer(FLUSH_AT * 2);
  private headerWritten = false;
  private readonly sent = new Set<RecordDescriptor>();
  private readonly sentKeys = new Set<string>();
  /** Records written so far. */
  count = 0;

  constructor(private readonly dest: ByteDestination) {}

  /** Start a new stream section (a fresh header; descriptors are sent again), as dissect does per target. */
  restart(): void {
    this.headerWritten = false;
    this.sent.clear();
    this.sentKeys.clear();
  }

  write(rec: AnyRecord): void | Promise<void> {
    const p = this.packer;
    if (!this.headerWritten) {
      p.raw(HEADER_FRAME);
      this.headerWritten = true;
    }
    const desc = rec[DESCRIPTOR];
    const codec = codecOf(desc);
    if (!this.sent.has(desc)) this.sendDescriptor(desc, codec);
    if (codec.nested.length) this.sendNested(rec, codec, 0);
    const mark = p.pos;
    try {
      codec.packRecord(p, rec);
    } catch (e) {
      p.pos = mark; // drop the partial frame; the stream stays valid
      throw e;
    }
    this.count++;
    if (p.pos >= FLUSH_AT) return this.flush();
  }

  private sendDescriptor(desc: RecordDescriptor, codec: DescriptorCodec): void {
    this.sent.add(desc);
    const key = desc.name + "\0" + desc.hash;
    if (!this.sentKeys.has(key)) {
      this.sentKeys.add(key);
      this.packer.raw(codec.descriptorFrame);
    }
  }

  /** Descriptor frames for the records inside a record's `record` fields, before the record itself. */
  private sendNested(rec: AnyRecord, codec: DescriptorCodec, depth: number): void {
    if (depth > 32) throw new TypeError(`${codec.desc.name}: records nested more than 32 deep`);
    for (const name of codec.nested) {
      const v = rec[name];
      for (const inner of Array.isArray(v) ? v : [v]) {
        if (!isRecord(inner)) continue;
        const d = inner[DESCRIPTOR];
        const c = codecOf(d);
        if (c.nested.length) this.sendNested(inner, c, depth + 1);
        if (!this.sent.has(d)) this.sendDescriptor(d, c);
      }
    }
  }

  /** Hand the buffered bytes to the destination. */
  flush(): void | Promise<void> {
    const p = this.packer;
    if (p.pos === 0) return;
    return this.dest.write(p.detach());
  }

  /** Flush, writing at least a header (an empty stream is still a valid stream). */
  end(): void | Promise<void> {
    if (!this.headerWritten) {
      this.packer.raw(HEADER_FRAME);
      this.headerWritten = true;
    }
    return this.flush();
  }
}

/** The stream bytes of some records (tests, small outputs). */
export function encodeStream(records: Iterable<AnyRecord>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new RecordStreamWriter({ write: (c) => void chunks.push(c) });
  for (const r of records) void w.write(r);
  void w.end();
  return Buffer.concat(chunks);
}
