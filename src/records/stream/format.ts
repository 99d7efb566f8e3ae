// flow.record's binary stream: constants and the ext 14 envelope subtypes (see docs/records.md).

/** The magic every stream starts with, packed as msgpack bin8 in the first frame. */
export const MAGIC = new TextEncoder().encode("RECORDSTREAM\n");
/** The complete header frame: u32be(15) c4 0d "RECORDSTREAM\n". */
export const HEADER_FRAME = new Uint8Array([0, 0, 0, 15, 0xc4, 13, ...MAGIC]);

export const EXT_TYPE = 0x0e;
export const SUBTYPE_RECORD = 0x01;
export const SUBTYPE_DESCRIPTOR = 0x02;
export const SUBTYPE_FIELDTYPE = 0x03;
export const SUBTYPE_DATETIME = 0x10;
export const SUBTYPE_VARINT = 0x11;
export const SUBTYPE_GROUPEDRECORD = 0x12;

export function isMagic(v: unknown): boolean {
  if (!(v instanceof Uint8Array) || v.length !== MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (v[i] !== MAGIC[i]) return false;
  return true;
}

/** Does this prefix look like the start of a flow.record stream (header frame)? */
export function startsWithHeader(b: Uint8Array): boolean {
  if (b.length < HEADER_FRAME.length) return false;
  for (let i = 0; i < HEADER_FRAME.length; i++) if (b[i] !== HEADER_FRAME[i]) return false;
  return true;
}

/** Windows-style path text ("C:\\x", "\\\\server\\share") is written with flow.record's windows path flag. */
export function isWindowsPath(s: string): boolean {
  return /^[a-zA-Z]:[\\/]|^\\\\/.test(s);
}

/** UTC calendar parts of seconds since the epoch, without a Date: [Y, M, D, h, m, s]. */
export function civil(seconds: number): [number, number, number, number, number, number] {
  const days = Math.floor(seconds / 86400);
  let sod = seconds - days * 86400;
  const h = Math.floor(sod / 3600);
  sod -= h * 3600;
  const mi = Math.floor(sod / 60);
  const s = sod - mi * 60;
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d, h, mi, s];
}

/** Days since the epoch of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
