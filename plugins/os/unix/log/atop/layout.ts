// Per-version struct layouts (generated tables) and the primitive readers that decode through them.
export type ScalarCode = "i8" | "u8" | "i16" | "i32" | "u32" | "i64" | "u64" | "f32";
export type Member =
  | readonly [offset: number, type: ScalarCode]
  | readonly [offset: number, type: "str", length: number]
  | readonly [base: number, type: "arr", count: number, stride: number];

export interface VersionLayout {
  readonly major: number;
  readonly minor: number;
  readonly sizes: { readonly tstat: number; readonly sstat: number; readonly cstat: number };
  readonly tstat: Readonly<Record<string, Member>>;
  readonly sstat: Readonly<Record<string, Member>>;
  readonly cstat: Readonly<Record<string, Member>>;
}

/** A resolved scalar field: absolute (or element-relative) offset and type; offset -1 = not in this version. */
export interface Field {
  readonly off: number;
  readonly type: ScalarCode | "str";
  readonly len: number;
}

export const ABSENT: Field = Object.freeze({ off: -1, type: "i32", len: 0 });

export function field(table: Readonly<Record<string, Member>>, path: string): Field {
  const m = table[path];
  if (!m || m[1] === "arr") return ABSENT;
  if (m[1] === "str") return { off: m[0], type: "str", len: m[2] };
  return { off: m[0], type: m[1], len: 0 };
}

export interface ArrayMember {
  readonly base: number;
  readonly count: number;
  readonly stride: number;
}

export function arrayOf(table: Readonly<Record<string, Member>>, path: string): ArrayMember | null {
  const m = table[path];
  return m && m[1] === "arr" ? { base: m[0], count: m[2], stride: m[3] } : null;
}

const TWO32 = 4294967296;

/** A signed 64-bit little-endian integer: a number when exact, else a bigint. */
export function readI64(b: Buffer, pos: number): number | bigint {
  const lo = b.readUInt32LE(pos);
  const hi = b.readInt32LE(pos + 4);
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO32 + lo;
  return b.readBigInt64LE(pos);
}

export function readU64(b: Buffer, pos: number): number | bigint {
  const lo = b.readUInt32LE(pos);
  const hi = b.readUInt32LE(pos + 4);
  if (hi < 0x200000) return hi * TWO32 + lo;
  return b.readBigUInt64LE(pos);
}

/** Read a scalar field at base + field offset; null when the version lacks it. */
export function readNum(b: Buffer, base: number, f: Field): number | bigint | null {
  if (f.off < 0) return null;
  const p = base + f.off;
  switch (f.type) {
    case "i8":
      return b.readInt8(p);
    case "u8":
      return b[p]!;
    case "i16":
      return b.readInt16LE(p);
    case "i32":
      return b.readInt32LE(p);
    case "u32":
      return b.readUInt32LE(p);
    case "i64":
      return readI64(b, p);
    case "u64":
      return readU64(b, p);
    case "f32":
      return b.readFloatLE(p);
    default:
      return null;
  }
}

/** A number field that is always present in practice (i32 and friends) — 0 when absent. */
export function readInt(b: Buffer, base: number, f: Field): number {
  const v = readNum(b, base, f);
  return typeof v === "bigint" ? Number(v) : (v ?? 0);
}
