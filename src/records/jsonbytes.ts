// JSON lines written straight into a byte buffer: the hot path of `-j`. The output is Python's
// json.dumps(ensure_ascii) — pure ASCII — so a character is a byte. Per descriptor a function is generated that
// stores the constant key bytes one by one (unrolled) and the values through small helpers. Measured on btmp
// records: 0.74 µs per record against 1.5 µs for building the line as a string and encoding it (most of that was
// flattening a rope of ~45 pieces and copying it).
import type { AnyRecord, RecordDescriptor } from "./descriptor.js";
import { jsonString, jsonValue } from "./render.js";
import { civilOfDay, Timestamp } from "./timestamp.js";

/** Writes one record at b[p…]; returns the new position, or −(bytes needed) when the buffer is too small. */
export type ByteEncoder = (rec: AnyRecord, b: Uint8Array, p: number) => number;

const HEX = "0123456789abcdef";

/** Printable ASCII without a quote or a backslash: written as it is. */
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
const latin1Write = Buffer.prototype.latin1Write;

/** A JSON string literal, escaped as ensure_ascii does. */
function str(b: Uint8Array, p: number, s: string): number {
  if (s.length > 24 && PLAIN.test(s)) {
    // a long plain text (a log message) is copied by node's native writer: ~5× the loop's speed
    b[p++] = 0x22;
    p += latin1Write.call(b, s, p);
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
  if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER && v === Math.floor(v)) {
    if (v < 10) {
      b[p++] = 0x30 + v;
      return p;
    }
    // (n - n % 10) / 10 is exact for every safe integer (Math.floor(n / 10) rounds up near 2^53)
    let digits = 0;
    for (let n = v; n > 0; n = (n - (n % 10)) / 10) digits++;
    const end = p + digits;
    let q = end;
    for (let n = v; n > 0; n = (n - (n % 10)) / 10) b[--q] = 0x30 + (n % 10);
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

/** Room for a list of strings, or -1 when it is not one (then the general renderer writes it). */
function roomStrings(v: unknown): number {
  if (!Array.isArray(v)) return -1;
  let n = 2;
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== "string") return -1;
    n += s.length * 6 + 4;
  }
  return n;
}

/** A list of strings as json.dumps writes it: ["a", "b"]. */
function strings(b: Uint8Array, p: number, v: readonly string[]): number {
  b[p++] = 0x5b;
  for (let i = 0; i < v.length; i++) {
    if (i > 0) {
      b[p++] = 0x2c;
      b[p++] = 0x20;
    }
    p = str(b, p, v[i]!);
  }
  b[p++] = 0x5d;
  return p;
}

const H = { str, ascii, int, datetime, room, roomStrings, strings, jsonValue, Timestamp };
const cache = new WeakMap<RecordDescriptor, ByteEncoder>();
const cachePlain = new WeakMap<RecordDescriptor, ByteEncoder>();

function constant(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += `b[p++]=${text.charCodeAt(i)};`;
  return out;
}

/**
 * One generated function is the fastest encoder until it passes V8's bytecode limit for optimising
 * (--max-optimized-bytecode-size, 60 KB), when it runs interpreted, ~10× slower: the 96-field journal record
 * took 36 µs a record as one function. A wider descriptor is encoded by small generated functions of
 * CHUNK_FIELDS fields each (one sizing, one writing), each optimised: ~3 µs for that record.
 */
const SINGLE_MAX_FIELDS = 32;
const CHUNK_FIELDS = 16;

interface FieldCode {
  load: string;
  need: string;
  write: string;
}

/** The code of field i: `sv` names where a value rendered by jsonValue waits between sizing and writing. */
function fieldCode(name: string, type: string, i: number, key: string, sv: string): FieldCode {
  let load = `const v${i} = r[${JSON.stringify(name)}];`;
  // A value of the declared type is written by a fast path, null by its own; anything else (a wrong type from
  // a hostile stream read by rdump) is rendered by render.ts's jsonValue, which handles every value.
  const other = `v${i} === null ? 4 : (${sv} = H.jsonValue(${JSON.stringify(type)}, v${i})).length`;
  const fallback = `if (v${i} === null) {${constant("null")}} else p = H.ascii(b, p, ${sv});`;
  let need: string;
  let write: string;
  switch (type) {
    case "string":
    case "path":
    case "net.ipaddress":
      need = `(typeof v${i} === "string" ? v${i}.length * 6 + 2 : ${other})`;
      write = `if (typeof v${i} === "string") p = H.str(b, p, v${i}); else ${fallback}`;
      break;
    case "varint":
    case "uint16":
    case "uint32":
    case "filesize":
    case "unix_file_mode":
      need = `(typeof v${i} === "number" || typeof v${i} === "bigint" ? H.room(v${i}) : ${other})`;
      write = `if (typeof v${i} === "number" || typeof v${i} === "bigint") p = H.int(b, p, v${i}); else ${fallback}`;
      break;
    case "datetime":
      need = `(v${i} instanceof H.Timestamp ? 48 : ${other})`;
      write = `if (v${i} instanceof H.Timestamp) p = H.datetime(b, p, v${i}); else ${fallback}`;
      break;
    case "boolean":
      need = `(typeof v${i} === "boolean" ? 5 : ${other})`;
      write = `if (v${i} === true) {${constant("true")}} else if (v${i} === false) {${constant("false")}} else ${fallback}`;
      break;
    case "string[]":
      // a list of texts (the journal record's `fields`, in every record)
      need = `((n${i} = H.roomStrings(v${i})) >= 0 ? n${i} : ${other})`;
      load += ` let n${i} = 0;`;
      write = `if (Array.isArray(v${i}) && H.roomStrings(v${i}) >= 0) p = H.strings(b, p, v${i}); else ${fallback}`;
      break;
    default:
      // floats, bytes, other lists: rendered as a string first (rare; exact rendering lives in render.ts)
      need = `(${other})`;
      write = fallback;
  }
  return { load, need, write: constant(key) + write };
}

/** The generated encoder of one descriptor: every field, reserved included; `descriptorKeys` adds _type keys. */
export function jsonByteEncoder(desc: RecordDescriptor, descriptorKeys = true): ByteEncoder {
  const c = descriptorKeys ? cache : cachePlain;
  const known = c.get(desc);
  if (known) return known;
  const tail = (descriptorKeys ? `, "_type": "record", "_recorddescriptor": [${jsonString(desc.name)}, ${desc.hash}]` : "") + "}\n";
  const keys = desc.allFields.map((f, i) => (i === 0 ? "{" : ", ") + jsonString(f.name) + ": ");
  const fixed = keys.reduce((n, k) => n + k.length, tail.length);
  const single = desc.allFields.length <= SINGLE_MAX_FIELDS;
  const code = desc.allFields.map((f, i) => fieldCode(f.name, f.type, i, keys[i]!, single ? `s${i}` : `S[${i}]`));
  let enc: ByteEncoder;
  if (single) {
    const body =
      `${code.map((f, i) => `${f.load} let s${i} = "";`).join("\n")}\n` +
      `const need = ${fixed} + ${code.map((f) => f.need).join(" + ")};\nif (p + need > b.length) return -need;\n` +
      `${code.map((f) => f.write).join("\n")}\n${constant(tail)}\nreturn p;`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    enc = new Function("H", `return function (r, b, p) {\n${body}\n};`)(H) as ByteEncoder;
  } else {
    const needs: string[] = [];
    const writes: string[] = [];
    // A chunk whose fields are all null (a wide record is mostly empty) is one constant, copied at once.
    const nulls: Uint8Array[] = [];
    for (let k = 0; k < code.length; k += CHUNK_FIELDS) {
      const part = code.slice(k, k + CHUNK_FIELDS);
      const empty = Buffer.from(keys.slice(k, k + CHUNK_FIELDS).map((key) => key + "null").join(""), "latin1");
      const c = nulls.push(empty) - 1;
      const allNull = part.map((_, j) => `v${k + j} === null`).join(" && ");
      const loads = part.map((f) => f.load).join("\n");
      needs.push(`function (r, S) {\n${loads}\nif (${allNull}) return ${empty.length};\nreturn ${part.map((f) => f.need).join(" + ")};\n}`);
      writes.push(
        `function (r, b, p, S) {\n${loads}\nif (${allNull}) { b.set(Z[${c}], p); return p + ${empty.length}; }\n${part.map((f) => f.write).join("\n")}\nreturn p;\n}`,
      );
    }
    const body =
      `const need = ${fixed} + ${needs.map((_, k) => `N${k}(r, S)`).join(" + ")};\nif (p + need > b.length) return -need;\n` +
      `${writes.map((_, k) => `p = W${k}(r, b, p, S);`).join("\n")}\n${constant(tail)}\nreturn p;`;
    const src =
      `const S = new Array(${code.length}).fill("");\n` +
      needs.map((n, k) => `const N${k} = ${n};`).join("\n") +
      "\n" +
      writes.map((w, k) => `const W${k} = ${w};`).join("\n") +
      `\nreturn function (r, b, p) {\n${body}\n};`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    enc = new Function("H", "Z", src)(H, nulls) as ByteEncoder;
  }
  c.set(desc, enc);
  return enc;
}
