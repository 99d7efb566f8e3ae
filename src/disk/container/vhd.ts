// VHD (Microsoft's Virtual Hard Disk Image Format Specification 1.0), read-only: fixed disks (the data, then
// a 512-byte footer) and dynamic disks (a footer copy at the start, the dynamic disk header, the BAT; each
// block is a sector bitmap then data; the bitmap is not needed to read). The virtual size is the footer's
// current size. A differencing disk (type 4) is refused: it needs its parent.
import { type ByteSource, type ContainerType, DiskError } from "../types.js";
import { ascii, be32, be64, readExact, TABLE_MAX } from "./bytes.js";
import { type Block, BlockSource, ZERO } from "./block.js";
import { isVhd } from "./probe.js";

const FOOTER = 512;
const BLOCK_MAX = 256 * 1024 * 1024; // a documented cap; Hyper-V and qemu write 2 MiB

interface Footer {
  at: number;
  dataOffset: number;
  currentSize: number;
  diskType: number;
}

/** The ones' complement of the byte sum with the checksum field (64..67) taken as zero. */
function checksum(b: Uint8Array, field: number, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) if (i < field || i >= field + 4) sum += b[i]!;
  return ~sum >>> 0;
}

function parseFooter(b: Uint8Array, where: string, at: number): Footer | null {
  if (ascii(b, 0, 8) !== "conectix") return null;
  if (checksum(b, 64, FOOTER) !== be32(b, 64)) throw new DiskError(where, at + 64, "VHD footer checksum does not match");
  return { at, dataOffset: be32(b, 16) === 0xffffffff ? -1 : be64(b, 16, where, at + 16, "data offset"), currentSize: be64(b, 48, where, at + 48, "current size"), diskType: be32(b, 60) };
}

function readFooter(file: ByteSource, where: string): Footer {
  if (file.size < FOOTER) throw new DiskError(where, 0, "too small for a VHD footer");
  const end = file.size - FOOTER;
  let damage: unknown = null;
  try {
    const f = parseFooter(readExact(file, where, end, FOOTER, "VHD footer"), where, end);
    if (f) return f;
  } catch (e) {
    damage = e;
  }
  // a dynamic disk keeps a copy of the footer at the start
  const copy = parseFooter(readExact(file, where, 0, FOOTER, "VHD footer copy"), where, 0);
  if (copy) return copy;
  if (damage) throw damage;
  throw new DiskError(where, end, "no VHD footer (conectix) at the end or the start");
}

class DynamicVhd extends BlockSource {
  constructor(
    file: ByteSource,
    where: string,
    size: number,
    blockSize: number,
    private readonly bat: Uint8Array,
    private readonly batOffset: number,
    private readonly bitmapBytes: number,
  ) {
    super(file, where, size, blockSize);
  }

  protected block(index: number): Block {
    const sector = be32(this.bat, index * 4);
    if (sector === 0xffffffff) return ZERO;
    const offset = sector * 512 + this.bitmapBytes;
    if (offset >= this.file.size) throw new DiskError(this.where, this.batOffset + index * 4, `block ${index} at sector ${sector} is past the end of the file (${this.file.size} bytes)`);
    return { kind: "file", offset };
  }
}

function openDynamic(file: ByteSource, where: string, f: Footer): ByteSource {
  if (f.dataOffset < 0 || f.dataOffset > file.size - 1024) throw new DiskError(where, f.at + 16, `dynamic header offset ${f.dataOffset} is outside the file`);
  const h = readExact(file, where, f.dataOffset, 1024, "VHD dynamic disk header");
  if (ascii(h, 0, 8) !== "cxsparse") throw new DiskError(where, f.dataOffset, "no dynamic disk header (cxsparse)");
  if (checksum(h, 36, 1024) !== be32(h, 36)) throw new DiskError(where, f.dataOffset + 36, "VHD dynamic header checksum does not match");
  const batOffset = be64(h, 16, where, f.dataOffset + 16, "table offset");
  const entries = be32(h, 28);
  const blockSize = be32(h, 32);
  if (blockSize < 512 || blockSize > BLOCK_MAX || (blockSize & (blockSize - 1)) !== 0) throw new DiskError(where, f.dataOffset + 32, `block size ${blockSize} is not a power of two up to ${BLOCK_MAX}`);
  const need = Math.ceil(f.currentSize / blockSize);
  if (entries < need) throw new DiskError(where, f.dataOffset + 28, `BAT of ${entries} entries cannot map ${f.currentSize} bytes`);
  if (need * 4 > TABLE_MAX || batOffset > file.size - need * 4) throw new DiskError(where, f.dataOffset + 16, `BAT (${need * 4} bytes at ${batOffset}) runs past the end of the file (${file.size} bytes)`);
  const bat = readExact(file, where, batOffset, need * 4, "BAT");
  // the sector bitmap: one bit per sector, padded to a whole sector
  const bitmapBytes = Math.ceil(blockSize / 512 / 8 / 512) * 512;
  return new DynamicVhd(file, where, f.currentSize, blockSize, bat, batOffset, bitmapBytes);
}

class FixedVhd implements ByteSource {
  constructor(private readonly file: ByteSource, readonly size: number) {}
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.size || length <= 0) return 0;
    return this.file.read(buf, offset, Math.min(length, this.size - position), position);
  }
  close(): void {
    this.file.close();
  }
}

export const vhdType: ContainerType = {
  name: "vhd",
  probe: isVhd,
  open(file: ByteSource, where: string): ByteSource {
    const f = readFooter(file, where);
    if (f.diskType === 2) {
      if (f.currentSize > file.size - FOOTER) throw new DiskError(where, f.at + 48, `fixed VHD of ${f.currentSize} bytes is larger than the file holds`);
      return new FixedVhd(file, f.currentSize);
    }
    if (f.diskType === 3) return openDynamic(file, where, f);
    if (f.diskType === 4) throw new DiskError(where, f.at + 60, "differencing VHD: it needs its parent; supply the flattened image");
    throw new DiskError(where, f.at + 60, `VHD disk type ${f.diskType} is not fixed (2) or dynamic (3)`);
  },
};
