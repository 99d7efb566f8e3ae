// Values as `ausearch -i` decodes them (audit-userspace 3.0.9, auparse/interpret.c and typetab.h): which fields
// are "escaped" (the kernel and libaudit write them quoted when they are plain printable text, else as hex of
// their bytes), and how the hex is turned back into bytes, quirks included: decoding stops at the first
// character that is not a hex digit, an odd last digit is the high nibble of a byte, a value starting "00" (an
// abstract unix socket's name) loses that byte, the text ends at the first NUL, except in a proctitle, whose
// NULs (between the arguments) become spaces. Only the output differs: ausearch prints control characters as
// \ooo for a terminal, quarry keeps them (its text output escapes them).
import { decodeLenient } from "quarry";
import type { RawPair } from "./line.js";

export type ValueKind = "escaped" | "proctitle" | "key" | "plain";

// typetab.h: the fields of type AUPARSE_TYPE_ESCAPED and ESCAPED_FILE (Debian builds with AppArmor's).
const ESCAPED = new Set([
  "path", "comm", "exe", "file", "name", "watch", "cwd", "cmd", "dir", "vm", "old-chardev", "new-chardev",
  "old-disk", "new-disk", "old-fs", "new-fs", "old-net", "new-net", "device", "cgroup", "old-rng", "new-rng",
  "ocomm", "grp", "new_group", "invalid_context", "sw", "root_dir",
  "apparmor", "operation", "denied_mask", "info", "profile", "requested_mask",
]);

const HEX_DIGITS = /^[0-9A-Fa-f]*$/;
const DIGITS = /^[0-9]*$/;

/** How a field of a record type is decoded (auparse_interp_adjust_type, then the type table). */
export function valueKind(recordType: string, p: RawPair): ValueKind {
  const name = p.name;
  if (recordType === "EXECVE" && name.startsWith("a") && name !== "argc" && !name.includes("_len")) return "escaped";
  if (recordType === "USER_TTY" && name === "msg") return "escaped";
  if (name === "acct") return p.quoted || HEX_DIGITS.test(p.value) ? "escaped" : "plain";
  if (recordType === "TRUSTED_APP") {
    if (p.quoted) return "escaped";
    if (DIGITS.test(p.value)) return "plain";
    return HEX_DIGITS.test(p.value) ? "escaped" : "plain";
  }
  if (name === "key") return "key";
  if (name === "proctitle") return "proctitle";
  return ESCAPED.has(name) ? "escaped" : "plain";
}

/** A field's value, decoded for its kind (the key's separators \x01 kept: see keysOf). */
export function decodeValue(kind: ValueKind, p: RawPair): string {
  if (kind === "plain" || p.quoted) return p.value;
  const v = p.value;
  if (kind === "proctitle") return proctitle(v);
  return decodeLenient(cut(escapedBytes(v)));
}

/** The bytes an escaped value stands for (before the cut at NUL), or the value's own bytes when it is no hex. */
export function escapedBytes(v: string): Uint8Array {
  if (v.startsWith("(")) {
    // "(null)" / "(none)" from the kernel: as written, up to the ")"
    const close = v.indexOf(")");
    return Buffer.from(close < 0 ? v : v.slice(0, close + 1), "latin1");
  }
  const hex = v.startsWith("00") ? v.slice(2) : v;
  return unhex(hex) ?? Buffer.from(v, "latin1");
}

/**
 * au_unescape: the leading hex digits, two per byte (an odd last digit is a high nibble); null when fewer than
 * two (ausearch then shows the value as written).
 */
export function unhex(v: string): Buffer | null {
  let n = 0;
  while (n < v.length && isHex(v.charCodeAt(n))) n++;
  if (n < 2) return null;
  const out = Buffer.alloc((n + 1) >> 1);
  for (let i = 0, o = 0; i < n; i += 2, o++) {
    const hi = nibble(v.charCodeAt(i));
    const lo = i + 1 < n ? nibble(v.charCodeAt(i + 1)) : 0;
    out[o] = (hi << 4) | lo;
  }
  return out;
}

/** The proctitle: the arguments (NUL-separated in the process's memory) joined by spaces. */
function proctitle(v: string): string {
  const bytes = Buffer.from(escapedBytes(v));
  // print_proctitle: NULs become spaces within the first strlen(value)/2 bytes; the text ends at any other NUL
  const end = Math.min(bytes.length, Math.floor(v.length / 2));
  for (let i = 0; i < end; i++) if (bytes[i] === 0) bytes[i] = 0x20;
  return decodeLenient(cut(bytes));
}

function cut(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul < 0 ? b : b.subarray(0, nul);
}

/** The keys of a key field: several are joined by \x01 (auditctl -k a -k b); "(null)" is none. */
export function keysOf(decoded: string): string[] {
  if (decoded === "(null)" || decoded === "") return [];
  return decoded.split("\x01");
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}
