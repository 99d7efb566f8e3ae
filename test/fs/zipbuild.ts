// Building zips in tests, byte by byte (for what no tool writes: lying sizes, overlapping members, impossible
// counts, bombs). Layout per APPNOTE.TXT: local header + data per member, central directory, (zip64 end
// record + locator,) end record. Real tools' zips are the committed fixtures (fixtures/zip/).
import zlib from "node:zlib";

export interface BuildMember {
  name: string;
  /** The member's bytes as stored in the archive (already deflated for method 8). */
  data: Buffer;
  method?: number;
  crc?: number;
  /** The uncompressed size claimed (default: data.length). */
  size?: number;
  /** Unix st_mode for the external attributes (default: a regular 0644 file). */
  mode?: number;
  /** The name's bytes, when they are not the UTF-8 of `name`. */
  rawName?: Buffer;
  /** "Version made by" host (default 3, Unix). */
  host?: number;
  /** Extra fields appended to the central directory entry's. */
  extra?: Buffer;
  /** General purpose flags (bit 0: encrypted; bit 11: UTF-8 name). */
  flags?: number;
  /** Point the central directory entry at the local header of an earlier member (overlap). */
  sameDataAs?: number;
}

export interface BuildOptions {
  zip64?: boolean;
  /** Entry count the end record claims (default: the real count). */
  claimEntries?: number;
}

const MiB = 1024 * 1024;

export function buildZip(members: readonly BuildMember[], opts: BuildOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 0;
  members.forEach((m, i) => {
    if (m.sameDataAs !== undefined) {
      offsets.push(offsets[m.sameDataAs]!);
      return;
    }
    const name = m.rawName ?? Buffer.from(m.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(m.method ?? 0, 8);
    h.writeUInt32LE(m.crc ?? 0, 14);
    h.writeUInt32LE(Math.min(m.data.length, 0xffffffff), 18);
    h.writeUInt32LE(Math.min(m.size ?? m.data.length, 0xffffffff), 22);
    h.writeUInt16LE(name.length, 26);
    offsets[i] = pos;
    parts.push(h, name, m.data);
    pos += 30 + name.length + m.data.length;
  });
  const cdStart = pos;
  members.forEach((m, i) => {
    const name = m.rawName ?? Buffer.from(m.name);
    const size = m.size ?? (m.sameDataAs !== undefined ? members[m.sameDataAs]!.size ?? members[m.sameDataAs]!.data.length : m.data.length);
    const csize = m.sameDataAs !== undefined ? members[m.sameDataAs]!.data.length : m.data.length;
    const z64 = opts.zip64 || size >= 0xffffffff || csize >= 0xffffffff;
    const z64extra = z64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0);
    const extra = Buffer.concat([z64extra, m.extra ?? Buffer.alloc(0)]);
    if (z64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(csize), 12);
      extra.writeBigUInt64LE(BigInt(offsets[i]!), 20);
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(((m.host ?? 3) << 8) | 45, 4);
    c.writeUInt16LE(45, 6);
    c.writeUInt16LE(m.flags ?? 0, 8);
    c.writeUInt16LE(m.method ?? (m.sameDataAs !== undefined ? members[m.sameDataAs]!.method ?? 0 : 0), 10);
    c.writeUInt32LE(m.crc ?? (m.sameDataAs !== undefined ? members[m.sameDataAs]!.crc ?? 0 : 0), 16);
    c.writeUInt32LE(z64 ? 0xffffffff : csize, 20);
    c.writeUInt32LE(z64 ? 0xffffffff : size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(extra.length, 30);
    c.writeUInt32LE(((m.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(z64 ? 0xffffffff : offsets[i]!, 42);
    parts.push(c, name, extra);
    pos += 46 + name.length + extra.length;
  });
  const cdSize = pos - cdStart;
  const count = opts.claimEntries ?? members.length;
  if (opts.zip64 || count > 0xffff) {
    const r = Buffer.alloc(56);
    r.writeUInt32LE(0x06064b50, 0);
    r.writeBigUInt64LE(44n, 4);
    r.writeUInt16LE(45, 12);
    r.writeUInt16LE(45, 14);
    r.writeBigUInt64LE(BigInt(count), 24);
    r.writeBigUInt64LE(BigInt(count), 32);
    r.writeBigUInt64LE(BigInt(cdSize), 40);
    r.writeBigUInt64LE(BigInt(cdStart), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(pos), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(r, loc);
  }
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(Math.min(count, 0xffff), 8);
  e.writeUInt16LE(Math.min(count, 0xffff), 10);
  e.writeUInt32LE(Math.min(cdSize, 0xffffffff), 12);
  e.writeUInt32LE(opts.zip64 ? 0xffffffff : cdStart, 16);
  parts.push(e);
  return Buffer.concat(parts);
}

export function deflated(name: string, data: Buffer | string, extra: Partial<BuildMember> = {}): BuildMember {
  const b = Buffer.from(data);
  return { name, data: zlib.deflateRawSync(b), method: 8, crc: zlib.crc32(b), size: b.length, ...extra };
}

export function stored(name: string, data: Buffer | string, extra: Partial<BuildMember> = {}): BuildMember {
  const b = Buffer.from(data);
  return { name, data: b, method: 0, crc: zlib.crc32(b), ...extra };
}

// CRC-32 of n zero bytes without touching them: the register times x^(8n) mod P (as test/hostile/gzip-bomb).
const POLY = 0xedb88320;
function mulModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}
function xPow8nModP(n: number): number {
  let sq = 0x40000000;
  for (let k = 0; k < 3; k++) sq = mulModP(sq, sq);
  let p = 0x80000000;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2) p = mulModP(sq, p);
    sq = mulModP(sq, sq);
  }
  return p;
}
export const crcOfZeros = (n: number): number => (mulModP(xPow8nModP(n), 0xffffffff) ^ 0xffffffff) >>> 0;

/** A raw deflate stream of `mib` MiB of zeros (one full-flushed chunk repeated: instant whatever the size). */
export function zerosStream(mib: number): Buffer {
  const chunk = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [];
  for (let i = 0; i < mib; i++) parts.push(chunk);
  parts.push(zlib.deflateRawSync(Buffer.alloc(0)));
  return Buffer.concat(parts);
}
