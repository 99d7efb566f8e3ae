// flow.record field types we emit, and the TypeScript value each one holds. One table: the descriptor's
// declaration gives the record's TypeScript type (the way a zod schema gives its type).
import type { Timestamp } from "./timestamp.js";

export interface ScalarTypes {
  string: string;
  varint: number | bigint; // bigint once a value passes 2^53
  uint16: number;
  uint32: number;
  float: number;
  boolean: boolean;
  datetime: Timestamp;
  path: string; // POSIX path inside the target
  "net.ipaddress": string; // canonical text: "10.0.0.1", "2001:db8::1"
  bytes: Uint8Array;
  filesize: number | bigint;
  unix_file_mode: number;
}

export type ScalarTypeName = keyof ScalarTypes;
export type ListTypeName = `${ScalarTypeName}[]`;
export type FieldTypeName = ScalarTypeName | ListTypeName;

export const SCALAR_TYPES: readonly ScalarTypeName[] = [
  "string",
  "varint",
  "uint16",
  "uint32",
  "float",
  "boolean",
  "datetime",
  "path",
  "net.ipaddress",
  "bytes",
  "filesize",
  "unix_file_mode",
];

/** What a value of each type holds and how the formats write it: the records reference (docs/records.md) shows this. */
export const FIELD_TYPE_DOCS: Readonly<Record<ScalarTypeName, string>> = {
  string:
    "text; bytes of the evidence that are not UTF-8 are kept (Python's surrogateescape: U+DC80..U+DCFF, shown as `\\udcff` in text and JSON, written back as the raw bytes in the binary stream)",
  varint: "an integer of any size (a bigint past 2^53), exact in every format",
  uint16: "an unsigned 16-bit integer",
  uint32: "an unsigned 32-bit integer",
  float: "a float64",
  boolean: "`True` / `False`",
  datetime:
    "a UTC time with microseconds; ISO 8601 with `T` in JSON, with a space in text and CSV, `[Y, M, D, h, m, s, µs]` in the binary stream",
  path: "a POSIX path inside the target; `[text, 0]` in the binary stream (`1` for Windows paths)",
  "net.ipaddress": "an IPv4 or IPv6 address: canonical text in text, JSON and CSV, its integer in the binary stream",
  bytes: "raw bytes: `b'…'` in text, base64 in JSON",
  filesize: "a size in bytes (an integer, as varint)",
  unix_file_mode: "a unix file mode (type and permission bits)",
};

/** The value a field of type T holds: lists are arrays (never null, as flow.record defaults them to []). */
export type ValueOf<T extends FieldTypeName> = T extends `${infer S extends ScalarTypeName}[]`
  ? ScalarTypes[S][]
  : T extends ScalarTypeName
    ? ScalarTypes[T] | null
    : never;

export function isFieldTypeName(t: string): t is FieldTypeName {
  const base = t.endsWith("[]") ? t.slice(0, -2) : t;
  return (SCALAR_TYPES as readonly string[]).includes(base);
}

export function elementType(t: string): string | null {
  return t.endsWith("[]") ? t.slice(0, -2) : null;
}
