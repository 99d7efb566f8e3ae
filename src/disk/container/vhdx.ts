// VHDX (Microsoft's [MS-VHDX] 2.0), read-only: the two headers (the valid one with the higher sequence number,
// CRC-32C checked), the region table (BAT and metadata regions), the metadata items (block size, virtual disk
// size, logical sector size), and the BAT, whose payload entries are interleaved with one sector-bitmap entry
// after every chunk ratio of them. Blocks NOT_PRESENT, UNDEFINED, ZERO and UNMAPPED read as zeros.
// Refused clearly: a log that still holds entries (not replayed), a differencing disk (has parent).
import { type ByteSource, type ContainerType, DiskError } from "../types.js";
import { ascii, le16, le32, le64, readExact, TABLE_MAX } from "./bytes.js";
import { type Block, BlockSource, ZERO } from "./block.js";
import { isVhdx } from "./probe.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const BAT_GUID = "2dc27766-f623-4200-9d64-115e9bfd4a08";
const METADATA_GUID = "8b7ca206-4790-4b9a-b8fe-575f050f886e";
const FILE_PARAMETERS = "caa16737-fa36-4d43-b3b6-33f0aa44e76b";
const VIRTUAL_DISK_SIZE = "2fa54224-cd1b-4876-b211-5dbed83bf4b8";
const LOGICAL_SECTOR_SIZE = "8141bf1d-a96f-4709-ba47-f233a8faab5f";

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of b with the 4-byte checksum field at `field` taken as zero. */
function crc32c(b: Uint8Array, field: number): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) {
    const byte = i >= field && i < field + 4 ? 0 : b[i]!;
    c = CRC32C[(c ^ byte) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A GUID as stored (first three fields little-endian), in canonical lower case. */
function guid(b: Uint8Array, i: number): string {
  const h = (j: number) => b[i + j]!.toString(16).padStart(2, "0");
  const order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
  return order.map((j) => (j < 0 ? "-" : h(j))).join("");
}

function readHeader(file: ByteSource, where: string): { sequence: number; logGuid: string } {
  let best: { sequence: number; logGuid: string } | null = null;
  for (const at of [64 * KiB, 128 * KiB]) {
    const h = readExact(file, where, at, 4 * KiB, "VHDX header");
    if (ascii(h, 0, 4) !== "head" || crc32c(h, 4) !== le32(h, 4)) continue;
    const sequence = le32(h, 12) * 0x100000000 + le32(h, 8);
    if (!best || sequence > best.sequence) best = { sequence, logGuid: guid(h, 48) };
  }
  if (!best) throw new DiskError(where, 64 * KiB, "neither VHDX header is valid (signature or CRC-32C)");
  return best;
}

interface Region {
  offset: number;
  length: number;
}

function readRegions(file: ByteSource, where: string): Map<string, Region> {
  for (const at of [192 * KiB, 256 * KiB]) {
    const t = readExact(file, where, at, 64 * KiB, "VHDX region table");
    if (ascii(t, 0, 4) !== "regi" || crc32c(t, 4) !== le32(t, 4)) continue;
    const count = le32(t, 8);
    if (count > 2047) throw new DiskError(where, at + 8, `region table claims ${count} entries (at most 2047)`);
    const regions = new Map<string, Region>();
    for (let k = 0; k < count; k++) {
      const e = 16 + k * 32;
      const offset = le64(t, e + 16, where, at + e + 16, "region offset");
      const length = le32(t, e + 24);
      if (offset > file.size || length > file.size - offset) throw new DiskError(where, at + e, `region of ${length} bytes at ${offset} runs past the end of the file (${file.size} bytes)`);
      const id = guid(t, e);
      if (le32(t, e + 28) & 1 && id !== BAT_GUID && id !== METADATA_GUID) throw new DiskError(where, at + e, `required region ${id} is not known`);
      regions.set(id, { offset, length });
    }
    return regions;
  }
  throw new DiskError(where, 192 * KiB, "neither VHDX region table is valid (signature or CRC-32C)");
}

interface Metadata {
  blockSize: number;
  hasParent: boolean;
  virtualSize: number;
  logicalSector: number;
}

function readMetadata(file: ByteSource, where: string, r: Region): Metadata {
  if (r.length < 64 * KiB) throw new DiskError(where, r.offset, "metadata region is smaller than its 64 KiB table");
  const t = readExact(file, where, r.offset, 64 * KiB, "VHDX metadata table");
  if (ascii(t, 0, 8) !== "metadata") throw new DiskError(where, r.offset, "no metadata table signature");
  const count = le16(t, 10);
  if (count > 2047) throw new DiskError(where, r.offset + 10, `metadata table claims ${count} entries (at most 2047)`);
  const items = new Map<string, Uint8Array>();
  const wanted = new Set([FILE_PARAMETERS, VIRTUAL_DISK_SIZE, LOGICAL_SECTOR_SIZE]);
  for (let k = 0; k < count; k++) {
    const e = 32 + k * 32;
    const offset = le32(t, e + 16);
    const length = le32(t, e + 20);
    if (offset > r.length || length > r.length - offset) throw new DiskError(where, r.offset + e, `metadata item of ${length} bytes at ${offset} runs past its region`);
    const id = guid(t, e);
    // only the fixed-size items this reader needs are read (a parent locator, say, is not)
    if (!wanted.has(id)) continue;
    if (length > 64) throw new DiskError(where, r.offset + e, `metadata item ${id} of ${length} bytes is larger than its type`);
    items.set(id, readExact(file, where, r.offset + offset, length, "metadata item"));
  }
  const item = (id: string, name: string, size: number): Uint8Array => {
    const v = items.get(id);
    if (!v || v.length < size) throw new DiskError(where, r.offset, `metadata has no ${name}`);
    return v;
  };
  const params = item(FILE_PARAMETERS, "file parameters", 8);
  return {
    blockSize: le32(params, 0),
    hasParent: (le32(params, 4) & 2) !== 0,
    virtualSize: le64(item(VIRTUAL_DISK_SIZE, "virtual disk size", 8), 0, where, r.offset, "virtual disk size"),
    logicalSector: le32(item(LOGICAL_SECTOR_SIZE, "logical sector size", 4), 0),
  };
}

class VhdxSource extends BlockSource {
  constructor(
    file: ByteSource,
    where: string,
    m: Metadata,
    private readonly bat: Uint8Array,
    private readonly batOffset: number,
    private readonly chunkRatio: number,
  ) {
    super(file, where, m.virtualSize, m.blockSize);
  }

  protected block(index: number): Block {
    const e = (index + Math.floor(index / this.chunkRatio)) * 8;
    const lo = le32(this.bat, e);
    const state = lo & 7;
    if (state === 0 || state === 1 || state === 2 || state === 3) return ZERO;
    if (state === 7) throw new DiskError(this.where, this.batOffset + e, "partially present block in a disk without a parent");
    if (state !== 6) throw new DiskError(this.where, this.batOffset + e, `BAT entry state ${state} is not defined`);
    const offset = ((lo >>> 20) + le32(this.bat, e + 4) * 4096) * MiB;
    if (offset >= this.file.size) throw new DiskError(this.where, this.batOffset + e, `block ${index} at ${offset} is past the end of the file (${this.file.size} bytes)`);
    return { kind: "file", offset };
  }
}

export const vhdxType: ContainerType = {
  name: "vhdx",
  probe: isVhdx,
  open(file: ByteSource, where: string): ByteSource {
    const header = readHeader(file, where);
    if (header.logGuid !== "00000000-0000-0000-0000-000000000000") {
      throw new DiskError(where, 64 * KiB + 48, "VHDX log holds entries that were not replayed: open and close the image in Hyper-V or qemu first");
    }
    const regions = readRegions(file, where);
    const batRegion = regions.get(BAT_GUID);
    const metaRegion = regions.get(METADATA_GUID);
    if (!batRegion || !metaRegion) throw new DiskError(where, 192 * KiB, "region table has no BAT or no metadata region");
    const m = readMetadata(file, where, metaRegion);
    if (m.hasParent) throw new DiskError(where, metaRegion.offset, "differencing VHDX: it needs its parent; supply the flattened image");
    if (m.blockSize < MiB || m.blockSize > 256 * MiB || (m.blockSize & (m.blockSize - 1)) !== 0) throw new DiskError(where, metaRegion.offset, `block size ${m.blockSize} is not a power of two from 1 to 256 MiB`);
    if (m.logicalSector !== 512 && m.logicalSector !== 4096) throw new DiskError(where, metaRegion.offset, `logical sector size ${m.logicalSector} is not 512 or 4096`);
    const chunkRatio = (2 ** 23 * m.logicalSector) / m.blockSize;
    const blocks = Math.ceil(m.virtualSize / m.blockSize);
    const entries = blocks === 0 ? 0 : blocks + Math.floor((blocks - 1) / chunkRatio);
    if (entries * 8 > batRegion.length || entries * 8 > TABLE_MAX) throw new DiskError(where, batRegion.offset, `BAT region (${batRegion.length} bytes) cannot hold ${entries} entries for ${m.virtualSize} bytes`);
    const bat = readExact(file, where, batRegion.offset, entries * 8, "BAT");
    return new VhdxSource(file, where, m, bat, batRegion.offset, chunkRatio);
  },
};
