// Reads flow.record streams, ours and Python's: length-prefixed msgpack frames, headers anywhere (so
// concatenated streams read as one), descriptors registered as they come, records decoded per field type.
// Hostile input is expected: every length is checked against what is there, and an error names the byte offset.
import { DESCRIPTOR, RecordDescriptor, type AnyRecord, type FieldDef } from "../descriptor.js";
import { formatIpv4, formatIpv6 } from "../ip.js";
import { Timestamp } from "../timestamp.js";
import {
  EXT_TYPE,
  SUBTYPE_DATETIME,
  SUBTYPE_DESCRIPTOR,
  SUBTYPE_GROUPEDRECORD,
  SUBTYPE_RECORD,
  SUBTYPE_VARINT,
  isMagic,
} from "./format.js";
import { MsgpackError, Unpacker } from "./msgpack.js";

export class StreamError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte offset ${offset})`);
  }
}

/** Frames larger than this are taken as corruption, not buffered. */
export const MAX_FRAME = 256 * 1024 * 1024;

type Dec = (v: unknown) => unknown;

const TWO_32 = 4294967296;

const ipText = new Map<number | bigint, string>();

function decodeIp(v: unknown): unknown {
  // flow.record packs addresses as integers and reads them back with ip_address(int): below 2^32 is IPv4.
  if (typeof v !== "number" && typeof v !== "bigint") return v;
  let s = ipText.get(v);
  if (s === undefined) {
    if (typeof v === "number") s = v < TWO_32 && v >= 0 ? formatIpv4(v) : formatIpv6(BigInt(v));
    else s = v < BigInt(TWO_32) && v >= 0n ? formatIpv4(Number(v)) : formatIpv6(v);
    if (ipText.size >= 4096) ipText.clear();
    ipText.set(v, s);
  }
  return s;
}

function decodePath(v: unknown): unknown {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string") return v[0];
  return v;
}

function decoderFor(type: string): Dec | null {
  if (type.endsWith("[]")) {
    const el = decoderFor(type.slice(0, -2));
    if (!el) return null;
    return (v) => (Array.isArray(v) ? v.map((x) => (x === null ? null : el(x))) : v);
  }
  switch (type) {
    case "path":
      return decodePath;
    case "net.ipaddress":
    case "net.IPAddress":
      return decodeIp;
    case "command":
      return decodePath;
    case "boolean":
      return (v) => (typeof v === "number" ? v !== 0 : v);
    case "float":
      return (v) => (typeof v === "bigint" ? Number(v) : v);
    default:
      return null;
  }
}

/** What a value of a field type must be once decoded; sinks rely on it (null is always allowed). */
export type Check = ((v: unknown) => boolean) | null;

const isString = (v: unknown): boolean => typeof v === "string";
const isInteger = (v: unknown): boolean => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));

export function checkFor(type: string): Check {
  if (type.endsWith("[]")) return Array.isArray;
  switch (type) {
    case "string":
    case "wstring":
    case "uri":
    case "path":
    case "net.ipaddress":
    case "net.ipnetwork":
    case "net.ipinterface":
      return isString;
    case "varint":
    case "uint16":
    case "uint32":
    case "filesize":
    case "unix_file_mode":
      return isInteger;
    case "float":
      return (v) => typeof v === "number";
    case "boolean":
      return (v) => typeof v === "boolean";
    case "datetime":
      return (v) => v instanceof Timestamp;
    case "bytes":
      return (v) => v instanceof Uint8Array;
    default:
      return null;
  }
}

export function typeName(v: unknown): string {
  if (v instanceof Timestamp) return "datetime";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "array";
  if (v instanceof Map) return "map";
  if (v && typeof v === "object" && DESCRIPTOR in v) return "record";
  return typeof v;
}

class DescriptorDecoder {
  readonly names: readonly string[];
  readonly types: readonly string[];
  readonly decoders: readonly (Dec | null)[];
  readonly checks: readonly Check[];
  readonly nDeclared: number;
  count = 0;
  constructor(readonly desc: RecordDescriptor) {
    this.names = desc.allFields.map((f) => f.name);
    this.types = desc.allFields.map((f) => f.type);
    this.decoders = desc.allFields.map((f) => decoderFor(f.type));
    this.checks = desc.allFields.map((f) => (f.name === "_version" ? null : checkFor(f.type)));
    this.nDeclared = desc.fields.length;
  }

  build(values: unknown[]): AnyRecord {
    const expected = this.names.length;
    // A newer writer may add reserved fields: drop the extras but keep the last value as _version (as flow.record).
    if (values.length > expected) values = [...values.slice(0, expected - 1), values[values.length - 1]];
    const rec = (this.literal ??= this.compile())(values);
    (rec as unknown as Record<symbol, unknown>)[DESCRIPTOR] = this.desc;
    if (rec._version === null) rec._version = 1;
    return rec;
  }

  private literal: ((values: unknown[]) => AnyRecord) | null = null;

  /**
   * One object literal per descriptor, generated once: every record of it gets the same shape in one step
   * (adding 20 properties one by one to `{}` was most of rdump -s's time). Field names are identifiers
   * (FIELD_RE in descriptor.ts), so they are written into the source as they are.
   */
  private compile(): (values: unknown[]) => AnyRecord {
    const field = (i: number) => {
      const d = this.decoders[i] ?? null;
      const check = this.checks[i] ?? null;
      const name = this.names[i]!;
      return (v: unknown): unknown => {
        if (v === undefined || v === null) return null;
        const x = d ? d(v) : v;
        if (check && !check(x)) throw new TypeError(`${this.desc.name}.${name}: a ${typeName(x)} where the descriptor says ${this.types[i]}`);
        return x;
      };
    };
    const convs = this.names.map((_, i) => field(i));
    const body = this.names.map((n, i) => `${n}: c[${i}](v[${i}])`).join(", ");
    return new Function("c", `return function (v) { return { ${body} }; };`)(convs) as (values: unknown[]) => AnyRecord;
  }
}

export interface DescriptorStats {
  descriptor: RecordDescriptor;
  count: number;
}

/** A grouped record (ext 0x12, dissect's --hash/--resolve): its records, read as records of their own. */
interface Grouped {
  readonly grouped: string;
  readonly records: AnyRecord[];
}

const DESCRIPTOR_FRAME = Symbol("descriptor frame");

/**
 * Decodes frames into records. One instance per logical input: descriptors persist across repeated headers,
 * so `target-query` output (a header and descriptors per target) and concatenated files read as one.
 */
export class RecordStreamDecoder {
  private readonly byKey = new Map<string, DescriptorDecoder>();
  private readonly byName = new Map<string, DescriptorDecoder>();
  /** Descriptors in the order they were first seen. */
  readonly seen: DescriptorDecoder[] = [];
  private frameOffset = 0;
  private last: DescriptorDecoder | null = null;
  private unpacker: Unpacker | null = null;

  constructor(private readonly shared?: { intern(desc: RecordDescriptor): RecordDescriptor }) {}

  /** Descriptors seen so far with the number of records read for each. */
  stats(): DescriptorStats[] {
    return this.seen.map((d) => ({ descriptor: d.desc, count: d.count }));
  }

  private register(name: string, fields: FieldDef[]): DescriptorDecoder {
    let desc = new RecordDescriptor(name, fields);
    const key = name + "\0" + desc.hash;
    const known = this.byKey.get(key);
    if (known) {
      this.byName.set(name, known);
      return known;
    }
    if (this.shared) desc = this.shared.intern(desc);
    const d = new DescriptorDecoder(desc);
    this.byKey.set(key, d);
    this.byName.set(name, d);
    this.seen.push(d);
    return d;
  }

  private readonly ext = (u: Unpacker, type: number): unknown => {
    if (type !== EXT_TYPE) throw new StreamError(`unknown msgpack ext type ${type}`, this.frameOffset);
    // Records and datetimes in the shape writers give them are read in place, without the nested arrays the
    // walk below builds (three per record, two per datetime: rdump -s over 600,000 records spent a tenth of its
    // time collecting them). Anything else, damage included, is read again by the walk from the same place.
    const start = u.pos;
    if (start + 3 <= u.end && u.buf[start] === 0x92) {
      const sub = u.buf[start + 1];
      const fast = sub === SUBTYPE_DATETIME ? this.datetimeInPlace(u, start + 2) : sub === SUBTYPE_RECORD ? this.recordInPlace(u, start + 2) : null;
      if (fast !== null) return fast;
      u.pos = start;
    }
    const inner = u.next();
    if (!Array.isArray(inner) || inner.length !== 2) throw new StreamError("malformed flow.record ext value", this.frameOffset);
    const [subtype, value] = inner as [unknown, unknown];
    switch (subtype) {
      case SUBTYPE_DATETIME:
        return this.datetime(value);
      case SUBTYPE_VARINT: {
        if (!Array.isArray(value) || value.length !== 2 || !(value[1] instanceof Uint8Array)) {
          throw new StreamError("malformed varint ext", this.frameOffset);
        }
        let v = 0n;
        for (const b of value[1] as Uint8Array) v = (v << 8n) | BigInt(b);
        if (value[0]) v = -v;
        return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
      }
      case SUBTYPE_RECORD:
        return this.record(value);
      case SUBTYPE_DESCRIPTOR: {
        if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || !Array.isArray(value[1])) {
          throw new StreamError("malformed record descriptor", this.frameOffset);
        }
        const fields: FieldDef[] = [];
        for (const f of value[1] as unknown[]) {
          if (!Array.isArray(f) || f.length !== 2 || typeof f[0] !== "string" || typeof f[1] !== "string") {
            throw new StreamError(`malformed field in descriptor ${value[0]}`, this.frameOffset);
          }
          fields.push({ type: f[0], name: f[1] });
        }
        try {
          this.register(value[0], fields);
        } catch (e) {
          throw new StreamError(`invalid record descriptor: ${(e as Error).message}`, this.frameOffset);
        }
        return DESCRIPTOR_FRAME;
      }
      case SUBTYPE_GROUPEDRECORD: {
        if (!Array.isArray(value) || value.length !== 2 || !Array.isArray(value[1])) {
          throw new StreamError("malformed grouped record", this.frameOffset);
        }
        return { grouped: String(value[0]), records: (value[1] as unknown[]).map((r) => this.record(r)) } satisfies Grouped;
      }
      default:
        throw new StreamError(`unknown flow.record ext subtype 0x${Number(subtype).toString(16)}`, this.frameOffset);
    }
  };

  private datetime(value: unknown): Timestamp {
    if (!Array.isArray(value)) throw new StreamError("malformed datetime", this.frameOffset);
    if (value.length === 1 && typeof value[0] === "string") return Timestamp.parse(value[0]);
    const len = value.length;
    if (len < 3 || len > 7) throw new StreamError("malformed datetime", this.frameOffset);
    for (let i = 0; i < len; i++) if (typeof value[i] !== "number") throw new StreamError("malformed datetime", this.frameOffset);
    const [y, mo, d, h = 0, mi = 0, s = 0, us = 0] = value as number[];
    return this.datetimeOf(y!, mo!, d!, h, mi, s, us);
  }

  private datetimeOf(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number): Timestamp {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || us < 0 || us > 999999) throw new StreamError("malformed datetime", this.frameOffset);
    return Timestamp.fromParts(y, mo, d, h, mi, s, us);
  }

  /** A datetime's fixarray of 3 to 7 numbers at p, read in place; null for any other shape. */
  private datetimeInPlace(u: Unpacker, p: number): Timestamp | null {
    const n = u.buf[p]! - 0x90;
    if (n < 3 || n > 7) return null;
    u.pos = p + 1;
    const y = u.next();
    const mo = u.next();
    const d = u.next();
    const h = n > 3 ? u.next() : 0;
    const mi = n > 4 ? u.next() : 0;
    const s = n > 5 ? u.next() : 0;
    const us = n > 6 ? u.next() : 0;
    if (typeof y !== "number" || typeof mo !== "number" || typeof d !== "number" || typeof h !== "number" || typeof mi !== "number" || typeof s !== "number" || typeof us !== "number") return null;
    return this.datetimeOf(y, mo, d, h, mi, s, us);
  }

  /** A record's [[name, hash], values] at p, read in place; null for any other shape or an unknown descriptor. */
  private recordInPlace(u: Unpacker, p: number): AnyRecord | null {
    if (p + 2 > u.end || u.buf[p] !== 0x92 || u.buf[p + 1] !== 0x92) return null;
    u.pos = p + 2;
    const name = u.next();
    const hash = u.next();
    const last = this.last;
    const d = last && name === last.desc.name && hash === last.desc.hash ? last : this.byKey.get(String(name) + "\0" + String(hash));
    if (!d) return null;
    const values = u.next();
    if (!Array.isArray(values)) return null;
    return this.recordOf(d, values);
  }

  private record(value: unknown): AnyRecord {
    if (!Array.isArray(value) || value.length !== 2 || !Array.isArray(value[1])) {
      throw new StreamError("malformed record", this.frameOffset);
    }
    const [ident, values] = value as [unknown, unknown[]];
    let d: DescriptorDecoder | undefined;
    if (Array.isArray(ident) && ident.length === 2) {
      const last = this.last;
      if (last && ident[0] === last.desc.name && ident[1] === last.desc.hash) d = last;
      else d = this.byKey.get(String(ident[0]) + "\0" + String(ident[1]));
    } else d = this.byName.get(String(ident));
    if (!d) {
      const label = Array.isArray(ident)
        ? `${String(ident[0])} (hash 0x${Number(ident[1]).toString(16).padStart(8, "0")})`
        : String(ident);
      throw new StreamError(`record of unknown descriptor ${label}: no descriptor frame came before it`, this.frameOffset);
    }
    return this.recordOf(d, values);
  }

  private recordOf(d: DescriptorDecoder, values: unknown[]): AnyRecord {
    this.last = d;
    let rec: AnyRecord;
    try {
      rec = d.build(values);
    } catch (e) {
      throw new StreamError(`bad record: ${(e as Error).message}`, this.frameOffset);
    }
    d.count++;
    return rec;
  }

  /**
   * Decode one frame's value (without its length prefix) that started at `offset` in the input; pushes the
   * records it holds (none for headers and descriptors, several for a grouped record).
   */
  decodeFrame(buf: Uint8Array, start: number, end: number, offset: number, out: AnyRecord[]): void {
    this.frameOffset = offset;
    let v: unknown;
    try {
      let u = this.unpacker;
      if (!u) u = this.unpacker = new Unpacker(buf, start, end, this.ext);
      else u.reset(buf, start, end);
      v = u.next();
      if (u.pos !== end) throw new MsgpackError("trailing bytes after the frame's value", u.pos);
    } catch (e) {
      if (e instanceof StreamError) throw e;
      if (e instanceof MsgpackError) throw new StreamError(`corrupt frame: ${e.message}`, offset);
      throw new StreamError((e as Error).message, offset);
    }
    if (v === DESCRIPTOR_FRAME || isMagic(v)) return;
    if (v && typeof v === "object" && DESCRIPTOR in v) out.push(v as AnyRecord);
    else if (v && typeof v === "object" && "grouped" in v) out.push(...(v as Grouped).records);
    else throw new StreamError("frame holds neither a record, a descriptor nor a header", offset);
  }
}

/**
 * Split a byte stream into frames and decode them. `source` yields raw (already decompressed) chunks; the
 * records decoded from each chunk come out together (one await per chunk, not per record). Memory holds at
 * most one frame plus one chunk.
 */
export async function* readStreamBatches(
  source: AsyncIterable<Uint8Array>,
  decoder = new RecordStreamDecoder(),
  /**
   * Told about a frame that cannot be decoded (corrupt value, unknown descriptor, a value of the wrong type);
   * reading goes on with the next frame. Without it, such a frame ends the stream with the error. A broken
   * frame *length* always ends the stream: there is no way to find the next frame.
   */
  onBadFrame?: (err: StreamError) => void,
): AsyncGenerator<AnyRecord[]> {
  let buf: Buffer = Buffer.alloc(0);
  let off = 0;
  let base = 0; // absolute offset of buf[0]
  let first = true;
  for await (const chunk of source) {
    if (off < buf.length) buf = Buffer.concat([buf.subarray(off), chunk]);
    else buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    base += off;
    off = 0;
    if (first) {
      if (buf.length < 19) continue;
      first = false;
      if (!(buf[4] === 0xc4 && buf[5] === 13 && isMagic(buf.subarray(6, 19)))) {
        throw new StreamError("not a flow.record stream: the RECORDSTREAM header is missing", 0);
      }
    }
    const out: AnyRecord[] = [];
    while (buf.length - off >= 4) {
      const len = buf.readUInt32BE(off);
      if (len > MAX_FRAME) throw new StreamError(`frame length ${len} is implausible (corrupt stream)`, base + off);
      if (buf.length - off - 4 < len) break;
      const before = out.length;
      try {
        decoder.decodeFrame(buf, off + 4, off + 4 + len, base + off, out);
      } catch (e) {
        out.length = before; // a grouped record counts whole or not at all
        if (!onBadFrame || !(e instanceof StreamError)) {
          if (out.length) yield out; // what came before the bad frame still counts
          throw e;
        }
        onBadFrame(e);
      }
      off += 4 + len;
    }
    if (out.length) yield out;
  }
  if (first && buf.length > 0) throw new StreamError("not a flow.record stream: too short for a header", 0);
  if (off < buf.length) throw new StreamError(`truncated frame: ${buf.length - off} bytes at the end`, base + off);
}

/** The records of a stream one by one (see readStreamBatches). */
export async function* readStream(
  source: AsyncIterable<Uint8Array>,
  decoder = new RecordStreamDecoder(),
  onBadFrame?: (err: StreamError) => void,
): AsyncGenerator<AnyRecord> {
  for await (const batch of readStreamBatches(source, decoder, onBadFrame)) yield* batch;
}

/** Read all records of an in-memory stream (tests, small inputs). */
export async function decodeStream(bytes: Uint8Array, decoder = new RecordStreamDecoder()): Promise<AnyRecord[]> {
  const out: AnyRecord[] = [];
  async function* one(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  for await (const r of readStream(one(), decoder)) out.push(r);
  return out;
}
