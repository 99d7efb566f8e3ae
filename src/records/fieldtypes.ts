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
