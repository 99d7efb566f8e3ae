// JSON lines written straight into a byte buffer: the hot path of `-j`. The output is Python's
// json.dumps(ensure_ascii) — pure ASCII — so a character is a byte. Per descriptor a function is generated that
// stores the constant key bytes one by one (unrolled) and the values through small helpers. Measured on btmp
// records: 0.74 µs per record against 1.5 µs for building the line as a string and encoding it (most of that was
// flattening a rope of ~45 pieces and copying it).
import { jsonFormatter } from "./compiled.js";
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "./descriptor.js";
import { jsonString, jsonValue } from "./render.js";
import { civilOfDay, Timestamp } from "./timestamp.js";

/** Writes one record at b[p…]; returns the new position, or −(bytes needed) when the buffer is too small. */
export type ByteEncoder = (rec: AnyRecord, b: Uint8Array, p: number) => number;

const HEX = "0123456789abcdef";

/** Printable ASCII without a quote or backslash: written as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal, escaped as ensure_ascii does. */
function str(b: Uint8Array, p: number, s: string): number {
  // A longer plain string is copied natively: half the time of the loop below for an 80-character message
  if (s.length >= 16 && b instanceof Buffer && PLAIN.test(s)) {
    b[p++] = 0x22;
    p += b.write(s, p, "latin1");
    b[p++] = 0x22;
    return p;
  }
  b[p++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) b[p++] = c;
    else p = escape(b, p, c);
  }
  b[p++] = 0x22;
  return p;
}

function escape(b: Uint8Array, p: number, c: number): number {
  b[p++] = 0x5c;
  if (c === 0x22) b[p++] = 0x22;
  else if (c === 0x5c) b[p++] = 0x5c;
  else if (c === 0x0a) b[p++] = 0x6e;
  else if (c === 0x0d) b[p++] = 0x72;
  else if (c === 0x09) b[p++] = 0x74;
  else if (c === 0x08) b[p++] = 0x62;
  else if (c === 0x0c) b[p++] = 0x66;
  else {
    b[p++] = 0x75;
    b[p++] = HEX.charCodeAt((c >> 12) & 15);
    b[p++] = HEX.charCodeAt((c >> 8) & 15);
    b[p++] = HEX.charCodeAt((c >> 4) & 15);
    b[p++] = HEX.charCodeAt(c & 15);
  }
  return p;
}

/** ASCII text as it is (numbers, rendered values). */
function ascii(b: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
  return p;
}

function int(b: Uint8Array, p: number, v: number | bigint): number {
  // Most values are small: the digits are counted by comparisons and written with 32-bit division (half the
  // time of the general loop below, which takes the rest up to 2^32).
  if (typeof v === "number" && v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
    if (v < 10) {
      b[p] = 0x30 + v;
      return p + 1;
    }
    const end = p + (v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : v < 1000000000 ? 9 : 10);
    let q = end;
    let n = v;
    do {
      const t = (n / 10) | 0;
      b[--q] = 0x30 + n - t * 10;
      n = t;
    } while (n !== 0);
    return end;
  }
  if (typeof v === "number" && v >= 0 && v <= 0xffffffff && v === Math.floor(v)) {
    let digits = 0;
    for (let n = v; n > 0; n = Math.floor(n / 10)) digits++;
    const end = p + digits;
    let q = end;
    for (let n = v; n > 0; n = Math.floor(n / 10)) b[--q] = 0x30 + (n % 10);
    return end;
  }
  return ascii(b, p, String(v));
}

function two(b: Uint8Array, p: number, n: number): number {
  b[p] = 0x30 + Math.floor(n / 10);
  b[p + 1] = 0x30 + (n % 10);
  return p + 2;
}

/** "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" in quotes, as Timestamp.isoformat("T") gives it; null beyond year 1 … 9999. */
function datetime(b: Uint8Array, p: number, ts: Timestamp): number {
  if (!ts.inRange()) return ascii(b, p, "null");
  const days = Math.floor(ts.seconds / 86400);
  const civil = civilOfDay(days);
  const y = civil[0];
  const sod = ts.seconds - days * 86400;
  b[p++] = 0x22;
  p = two(b, p, Math.floor(y / 100));
  p = two(b, p, y % 100);
  b[p++] = 0x2d;
  p = two(b, p, civil[1]);
  b[p++] = 0x2d;
  p = two(b, p, civil[2]);
  b[p++] = 0x54;
  p = two(b, p, Math.floor(sod / 3600));
  b[p++] = 0x3a;
  p = two(b, p, Math.floor((sod % 3600) / 60));
  b[p++] = 0x3a;
  p = two(b, p, sod % 60);
  const us = ts.micros;
  if (us) {
    b[p++] = 0x2e;
    p = two(b, p, Math.floor(us / 10000));
    p = two(b, p, Math.floor(us / 100) % 100);
    p = two(b, p, us % 100);
  }
  return ascii(b, p, '+00:00"');
}

/** Room a value may take at most (strings escape to 6 bytes a character at worst). */
function room(v: unknown): number {
  if (typeof v === "string") return v.length * 6 + 2;
  if (typeof v === "bigint") return String(v).length + 2;
  return 48;
}

const isRecord = (v: unknown): v is AnyRecord => typeof v === "object" && v !== null && DESCRIPTOR in v;
const nested = (v: AnyRecord): string => jsonFormatter(v[DESCRIPTOR], false)(v);
const H = { str, ascii, int, datetime, room, jsonValue, Timestamp, isRecord, nested };
const cache = new WeakMap<RecordDescriptor, ByteEncoder>();
const cachePlain = new WeakMap<RecordDescriptor, ByteEncoder>();

/** Constant byte runs longer than this are copied (TypedArray set) rather than stored byte by byte. */
const COPY_AT = 12;

/** In the functions of a many-field descriptor (each of FIELDS_PER_PART fields), keys up to this long are stored
 *  byte by byte: 3.5 → 2.6 µs a journal record (measured on its ~100-field descriptor). */
const COPY_AT_PARTS = 40;

function constant(text: string, consts?: Uint8Array[], copyAt = COPY_AT): string {
  if (consts && text.length > copyAt) {
    consts.push(Buffer.from(text, "latin1"));
    return `b.set(K[${consts.length - 1}], p); p += ${text.length};`;
  }
  let out = "";
  for (let i = 0; i < text.length; i++) out += `b[p++]=${text.charCodeAt(i)};`;
  return out;
}

/** Fields per generated function: V8 leaves a function of too much bytecode unoptimized (a journal record's
 *  ~100 fields in one function ran at ~30 µs a record; in functions of this many fields, a few µs). */
const FIELDS_PER_PART = 16;

interface Part {
  load: string[];
  need: string[];
  write: string[];
  fixed: number;
}

/** The generated encoder of one descriptor: every field, reserved included; `descriptorKeys` adds _type keys. */
export function jsonByteEncoder(desc: RecordDescriptor, descriptorKeys = true): ByteEncoder {
  const c = descriptorKeys ? cache : cachePlain;
  const known = c.get(desc);
  if (known) return known;
  const consts: Uint8Array[] = [];
  const parts: Part[] = [];
  const copyAt = desc.allFields.length > FIELDS_PER_PART ? COPY_AT_PARTS : COPY_AT;
  desc.allFields.forEach((f, i) => {
    if (i % FIELDS_PER_PART === 0) parts.push({ load: [], need: [], write: [], fixed: 0 });
    const { load, need, write } = parts[parts.length - 1]!;
    const key = (i === 0 ? "{" : ", ") + jsonString(f.name) + ": ";
    parts[parts.length - 1]!.fixed += key.length;
    write.push(constant(key, consts, copyAt));
    load.push(`const v${i} = r[${JSON.stringify(f.name)}]; let s${i} = "";`);
    // A value of the declared type is written by a fast path; anything else (null, or a wrong type from a hostile
    // stream read by rdump) is rendered by render.ts's jsonValue, which handles every value.
    // null (a nullable field left empty: most of the typed fields of a text-log record) costs four stores
    const other = `(v${i} === null ? 4 : (s${i} = H.jsonValue(${JSON.stringify(f.type)}, v${i})).length)`;
    const fallback = `if (v${i} === null) {${constant("null")}} else p = H.ascii(b, p, s${i});`;
    switch (f.type) {
      case "string":
      case "path":
      case "net.ipaddress":
        need.push(`(typeof v${i} === "string" ? v${i}.length * 6 + 2 : ${other})`);
        write.push(`if (typeof v${i} === "string") p = H.str(b, p, v${i}); else ${fallback}`);
        break;
      case "varint":
      case "uint16":
      case "uint32":
      case "filesize":
      case "unix_file_mode":
        need.push(`(typeof v${i} === "number" ? 48 : typeof v${i} === "bigint" ? H.room(v${i}) : ${other})`);
        write.push(`if (typeof v${i} === "number" || typeof v${i} === "bigint") p = H.int(b, p, v${i}); else ${fallback}`);
        break;
      case "datetime":
        need.push(`(v${i} instanceof H.Timestamp ? 48 : ${other})`);
        write.push(`if (v${i} instanceof H.Timestamp) p = H.datetime(b, p, v${i}); else ${fallback}`);
        break;
      case "boolean":
        need.push(`(typeof v${i} === "boolean" ? 5 : ${other})`);
        write.push(`if (v${i} === true) {${constant("true")}} else if (v${i} === false) {${constant("false")}} else ${fallback}`);
        break;
      case "record":
        // a nested record (a timeline entry's): its descriptor's generated formatter, as jsonValue would write it
        need.push(`(s${i} = H.isRecord(v${i}) ? H.nested(v${i}) : H.jsonValue("record", v${i})).length`);
        write.push(fallback);
        break;
      default:
        // floats, bytes, lists: rendered as a string first (rare; exact rendering lives in render.ts)
        need.push(other);
        write.push(fallback);
    }
  });
  if (parts.length === 0) parts.push({ load: [], need: [], write: [], fixed: 0 });
  const tail = (descriptorKeys ? `, "_type": "record", "_recorddescriptor": [${jsonString(desc.name)}, ${desc.hash}]` : "") + "}\n";
  const last = parts[parts.length - 1]!;
  last.fixed += tail.length;
  last.write.push(constant(tail, consts, copyAt));
  const bodyOf = (x: Part) => `${x.load.join("\n")}\nconst need = ${x.fixed}${x.need.map((n) => " + " + n).join("")};\nif (p + need > b.length) return -need;\n${x.write.join("\n")}\nreturn p;`;
  let enc: ByteEncoder;
  if (parts.length === 1) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    enc = new Function("H", "K", `return function (r, b, p) {\n${bodyOf(parts[0]!)}\n};`)(H, consts) as ByteEncoder;
  } else {
    // One function per part, each checking its own room; when one lacks room, the parts' needs are summed (by
    // running each on an empty buffer) so the caller gets a buffer that holds the whole record.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fns = parts.map((x) => new Function("H", "K", `return function encodePart(r, b, p) {\n${bodyOf(x)}\n};`)(H, consts) as ByteEncoder);
    const empty = new Uint8Array(0);
    const needAll = (r: AnyRecord) => fns.reduce((n, f) => n - f(r, empty, 0), 0);
    enc = (r, b, p) => {
      for (const f of fns) {
        p = f(r, b, p);
        if (p < 0) return -needAll(r);
      }
      return p;
    };
  }
  c.set(desc, enc);
  return enc;
}
