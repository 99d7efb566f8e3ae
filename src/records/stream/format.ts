// flow.record's binary stream: constants and the ext 14 envelope subtypes (see docs/record-model.md).

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
