// VMDK (VMware's Virtual Disk Format 5.0), read-only: a hosted sparse extent (monolithicSparse: grain directory
// and grain tables; streamOptimized: zlib grains behind markers, the grain directory reached through the footer
// when the header says GD_AT_END), and a descriptor file whose extents are FLAT/VMFS files, ZERO, or sparse
// files. Extent files are resolved only next to the descriptor, never outside its directory. A disk with a
// parent (parentCID) is refused.
import fs from "node:fs";
import path from "node:path";
import { FdSource } from "../../fs/tar/source.js";
import { type ByteSource, type ContainerType, DiskError } from "../types.js";
import { le32, le64, readExact, TABLE_MAX } from "./bytes.js";
import { type Block, BlockSource, Lru, ZERO } from "./block.js";
import { ConcatSource, type Piece } from "./concat.js";
import { inflateBlock } from "./inflate.js";
import { isVmdk, VMDK_SPARSE_MAGIC as SPARSE_MAGIC } from "./probe.js";

const GD_AT_END = -1;
const GRAIN_MAX_SECTORS = 4096; // 2 MiB: a documented cap (VMware writes 128)
const DESCRIPTOR_MAX = 1024 * 1024;
const CACHE_BYTES = 16 * 1024 * 1024;

interface SparseHeader {
  capacity: number; // sectors
  grainSectors: number;
  gtes: number;
  gdOffset: number; // sectors, or GD_AT_END
  compressed: boolean;
  markers: boolean;
  descriptorOffset: number;
  descriptorSize: number;
}

function parseSparse(b: Uint8Array, where: string, at: number): SparseHeader {
  if (le32(b, 0) !== SPARSE_MAGIC) throw new DiskError(where, at, "no VMDK sparse header magic (KDMV)");
  const version = le32(b, 4);
  if (version < 1 || version > 3) throw new DiskError(where, at + 4, `VMDK sparse version ${version} is not 1..3`);
  const flags = le32(b, 8);
  const gdHi = le32(b, 60);
  const gdLo = le32(b, 56);
  return {
    capacity: le64(b, 12, where, at + 12, "capacity"),
    grainSectors: le64(b, 20, where, at + 20, "grainSize"),
    descriptorOffset: le64(b, 28, where, at + 28, "descriptorOffset"),
    descriptorSize: le64(b, 36, where, at + 36, "descriptorSize"),
    gtes: le32(b, 44),
    gdOffset: gdHi === 0xffffffff && gdLo === 0xffffffff ? GD_AT_END : le64(b, 56, where, at + 56, "gdOffset"),
    compressed: (flags & 0x10000) !== 0,
    markers: (flags & 0x20000) !== 0,
  };
}

class SparseExtent extends BlockSource {
  private readonly gd: Uint8Array;
  private readonly gtCache: Lru<Uint8Array>;
  private readonly grainCache: Lru<Uint8Array>;

  constructor(file: ByteSource, where: string, private readonly h: SparseHeader) {
    super(file, where, h.capacity * 512, h.grainSectors * 512);
    const gdEntries = Math.ceil(h.capacity / (h.grainSectors * h.gtes));
    this.gd = readExact(file, where, h.gdOffset * 512, gdEntries * 4, "grain directory");
    this.gtCache = new Lru(CACHE_BYTES);
    this.grainCache = new Lru(CACHE_BYTES);
  }

  protected block(index: number): Block {
    const gdIndex = Math.floor(index / this.h.gtes);
    const gtSector = le32(this.gd, gdIndex * 4);
    if (gtSector === 0) return ZERO;
    const gt = this.gtCache.get(gtSector, () => readExact(this.file, this.where, gtSector * 512, this.h.gtes * 4, "grain table"));
    const at = gtSector * 512 + (index % this.h.gtes) * 4;
    const grain = le32(gt, (index % this.h.gtes) * 4);
    if (grain === 0 || grain === 1) return ZERO; // unallocated, or a zeroed grain (version 2 and later)
    const offset = grain * 512;
    if (offset >= this.file.size) throw new DiskError(this.where, at, `grain at sector ${grain} is past the end of the file (${this.file.size} bytes)`);
    if (!this.h.compressed) return { kind: "file", offset };
    const bytes = this.grainCache.get(grain, () => {
      // a compressed grain: lba (8) and size (4) of the zlib data that follows
      const head = readExact(this.file, this.where, offset, 12, "grain marker");
      const size = le32(head, 8);
      if (size > this.file.size - offset - 12) throw new DiskError(this.where, offset + 8, `compressed grain of ${size} bytes runs past the end of the file`);
      return inflateBlock("zlib", readExact(this.file, this.where, offset + 12, size, "compressed grain"), this.blockSize, this.where, offset);
    });
    return { kind: "data", bytes };
  }
}

function openSparse(file: ByteSource, where: string): SparseExtent {
  let h = parseSparse(readExact(file, where, 0, 512, "VMDK sparse header"), where, 0);
  if (h.gdOffset === GD_AT_END) {
    // streamOptimized: footer marker, footer (a copy of the header with the real gdOffset), end-of-stream marker
    if (file.size < 1536) throw new DiskError(where, 0, "grain directory is at the end but the file has no footer");
    h = parseSparse(readExact(file, where, file.size - 1024, 512, "VMDK footer"), where, file.size - 1024);
    if (h.gdOffset === GD_AT_END) throw new DiskError(where, file.size - 1024, "footer has no grain directory offset");
  }
  const { grainSectors: g, gtes } = h;
  if (g < 1 || g > GRAIN_MAX_SECTORS || (g & (g - 1)) !== 0) throw new DiskError(where, 20, `grain size ${g} sectors is not a power of two up to ${GRAIN_MAX_SECTORS}`);
  if (gtes < 1 || gtes * 4 > TABLE_MAX || gtes * 4 > file.size) throw new DiskError(where, 44, `numGTEsPerGT ${gtes} is out of range`);
  if (h.compressed && !h.markers) throw new DiskError(where, 8, "compressed grains without markers are not supported");
  const gdBytes = Math.ceil(h.capacity / (g * gtes)) * 4;
  if (gdBytes > TABLE_MAX || gdBytes > file.size || h.gdOffset * 512 > file.size - gdBytes) {
    throw new DiskError(where, 56, `grain directory (${gdBytes} bytes at sector ${h.gdOffset}) runs past the end of the file (${file.size} bytes)`);
  }
  checkEmbeddedDescriptor(file, where, h);
  return new SparseExtent(file, where, h);
}

/** A sparse file made as a snapshot delta names its parent in its embedded descriptor: refuse it. */
function checkEmbeddedDescriptor(file: ByteSource, where: string, h: SparseHeader): void {
  if (h.descriptorOffset === 0 || h.descriptorSize === 0) return;
  const size = Math.min(h.descriptorSize * 512, DESCRIPTOR_MAX);
  if (h.descriptorOffset * 512 > file.size - size) throw new DiskError(where, 28, `embedded descriptor at sector ${h.descriptorOffset} runs past the end of the file`);
  const text = new TextDecoder("latin1").decode(readExact(file, where, h.descriptorOffset * 512, size, "embedded descriptor"));
  const parent = /^\s*parentCID\s*=\s*"?([0-9a-fA-F]+)"?/m.exec(text);
  if (parent && parent[1]!.toLowerCase() !== "ffffffff") throw new DiskError(where, h.descriptorOffset * 512, "VMDK with a parent disk (parentCID): supply the flattened image");
}

interface ExtentLine {
  sectors: number;
  type: string;
  file: string | null;
  offset: number;
}

/** The extent lines of a descriptor: `RW 16384 FLAT "name-flat.vmdk" 0`. */
function parseDescriptor(text: string, where: string): ExtentLine[] {
  const extents: ExtentLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\0+$/, "").trim();
    const parent = /^parentCID\s*=\s*"?([0-9a-fA-F]+)"?/.exec(line);
    if (parent && parent[1]!.toLowerCase() !== "ffffffff") throw new DiskError(where, null, "VMDK with a parent disk (parentCID): supply the flattened image");
    const m = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+(\w+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?/.exec(line);
    if (!m) continue;
    extents.push({ sectors: Number(m[2]), type: m[3]!.toUpperCase(), file: m[4] ?? null, offset: Number(m[5] ?? 0) });
  }
  if (extents.length === 0) throw new DiskError(where, null, "VMDK descriptor lists no extents");
  return extents;
}

/** An extent file next to the descriptor; a name with a directory part or `..` is refused. */
function extentPath(descriptorPath: string, name: string, where: string): string {
  if (name === "" || name !== path.basename(name) || name === "." || name === ".." || name.includes("\\")) {
    throw new DiskError(where, null, `extent file ${JSON.stringify(name)} is not a plain name next to the descriptor`);
  }
  return path.join(path.dirname(descriptorPath), name);
}

function openDescriptor(text: string, descriptorPath: string, where: string): ByteSource {
  const pieces: Piece[] = [];
  try {
    for (const e of parseDescriptor(text, where)) {
      if (!Number.isSafeInteger(e.sectors * 512)) throw new DiskError(where, null, `extent of ${e.sectors} sectors is too large`);
      const size = e.sectors * 512;
      if (e.type === "ZERO") {
        pieces.push({ size, source: zeros(size) });
        continue;
      }
      if (!e.file) throw new DiskError(where, null, `${e.type} extent names no file`);
      const p = extentPath(descriptorPath, e.file, where);
      if (!fs.existsSync(p)) throw new DiskError(where, null, `extent file ${JSON.stringify(e.file)} is not beside the descriptor`);
      const f = FdSource.open(p);
      if (e.type === "FLAT" || e.type === "VMFS") pieces.push({ size, source: f, offset: e.offset * 512 });
      else if (e.type === "SPARSE" || e.type === "VMFSSPARSE") {
        try {
          pieces.push({ size, source: openSparse(f, p) });
        } catch (err) {
          f.close();
          throw err;
        }
      } else {
        f.close();
        throw new DiskError(where, null, `VMDK extent type ${e.type} is not supported`);
      }
    }
  } catch (err) {
    for (const p of pieces) p.source.close();
    throw err;
  }
  return new ConcatSource(pieces);
}

function zeros(size: number): ByteSource {
  return {
    size,
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, size - position));
      buf.fill(0, offset, offset + n);
      return n;
    },
    close() {},
  };
}

export const vmdkType: ContainerType = {
  name: "vmdk",
  probe: isVmdk,
  open(file: ByteSource, where: string): ByteSource {
    const head = readExact(file, where, 0, Math.min(512, file.size), "VMDK header");
    if (head.length >= 4 && le32(head, 0) === SPARSE_MAGIC) return openSparse(file, where);
    if (file.size > DESCRIPTOR_MAX) throw new DiskError(where, 0, `VMDK descriptor larger than ${DESCRIPTOR_MAX} bytes`);
    const text = new TextDecoder("latin1").decode(readExact(file, where, 0, file.size, "VMDK descriptor"));
    file.close(); // the descriptor is read; only its extents stay open
    return openDescriptor(text, where, where);
  },
};
