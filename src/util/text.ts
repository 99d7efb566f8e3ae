// Lenient text from binary evidence. Undecodable bytes become lone surrogates U+DC80..U+DCFF, exactly as
// Python's "surrogateescape" does, so the raw bytes survive a round trip through the flow.record stream
// (which writes them back as the original bytes) and render the way rdump renders them ('\udcff').

import { isUtf8 } from "node:buffer";

// ignoreBOM: a leading U+FEFF is text of the evidence, kept (the default decoder would drop it silently)
const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode bytes as UTF-8; every byte of an invalid sequence becomes U+DC00+byte (Python surrogateescape). */
export function decodeLenient(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1(bytes, start, end);
  const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  // Checked first: a decoder that throws costs microseconds per invalid value (binary journal fields).
  return isUtf8(view) ? utf8Fatal.decode(view) : decodeSurrogateEscape(view);
}

/** Decode a C string: cut at the first NUL (or the field's end), then decode leniently. */
export function cString(bytes: Uint8Array, start: number, length: number): string {
  const end = Math.min(start + length, bytes.length);
  let stop = start;
  while (stop < end && bytes[stop] !== 0) stop++;
  return decodeLenient(bytes, start, stop);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.toString("latin1", start, end);
}

function decodeSurrogateEscape(b: Uint8Array): string {
  const out: number[] = [];
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      out.push(c);
      i++;
      continue;
    }
    const cp = validSequenceAt(b, i);
    if (cp < 0) {
      out.push(0xdc00 + c);
      i++;
      continue;
    }
    const len = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      out.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    } else out.push(cp);
    i += len;
  }
  let s = "";
  for (let k = 0; k < out.length; k += 8192) s += String.fromCharCode(...out.slice(k, k + 8192));
  return s;
}

/** The code point of a well-formed UTF-8 sequence at i (RFC 3629, no overlongs, no surrogates), or -1. */
function validSequenceAt(b: Uint8Array, i: number): number {
  const c0 = b[i]!;
  const cont = (k: number): number => {
    const v = b[i + k];
    return v !== undefined && (v & 0xc0) === 0x80 ? v & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? -1 : ((c0 & 0x1f) << 6) | c1;
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return -1;
    const cp = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
    return cp;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return -1;
    const cp = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (cp < 0x10000 || cp > 0x10ffff) return -1;
    return cp;
  }
  return -1;
}

const LONE_SURROGATE = /[\ud800-\udfff]/;

/** Encode a string to UTF-8, turning U+DC80..U+DCFF back into the raw bytes they stand for. */
export function encodeSurrogateEscape(s: string): Buffer {
  if (!LONE_SURROGATE.test(s)) return Buffer.from(s, "utf8");
  const parts: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xdc80 && cp <= 0xdcff) parts.push(cp - 0xdc00);
    else if (cp >= 0xd800 && cp <= 0xdfff) parts.push(0xef, 0xbf, 0xbd);
    else if (cp < 0x80) parts.push(cp);
    else if (cp < 0x800) parts.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) parts.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else parts.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Buffer.from(parts);
}

/** True when the string holds escaped raw bytes (lone surrogates). */
export function hasRawBytes(s: string): boolean {
  return LONE_SURROGATE.test(s);
}
