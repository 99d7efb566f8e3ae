// qcow2 (QEMU's docs/interop/qcow2.txt), versions 2 and 3, read-only: the header, the L1 table, L2 tables
// (cached), standard clusters, zero clusters (v3 bit 0), and compressed clusters (deflate, or zstd when the
// header's compression type says so). Refused clearly: encryption, an external backing file or data file,
// extended L2 entries, unknown incompatible features. Snapshots are not read: the active L1 is the disk.
import { type ByteSource, type ContainerType, DiskError } from "../types.js";
import { ascii, be32, be64, readExact } from "./bytes.js";
import { type Block, BlockSource, Lru, ZERO } from "./block.js";
import { inflateBlock } from "./inflate.js";
import { isQcow2, QCOW2_MAGIC as MAGIC } from "./probe.js";

/** qemu's QCOW_MAX_L1_SIZE: 32 MiB of L1 entries. */
const L1_MAX_BYTES = 32 * 1024 * 1024;
const OFFSET_MASK_HI = 0x00ffffff; // bits 32..55 of a standard L1/L2 entry
const CACHE_BYTES = 32 * 1024 * 1024;

interface Qcow2Header {
  version: number;
  clusterBits: number;
  size: number;
  l1Size: number;
  l1Offset: number;
  compression: "deflate-raw" | "zstd";
}

function parseHeader(file: ByteSource, where: string): Qcow2Header {
  const h = readExact(file, where, 0, Math.min(file.size, 112), "qcow2 header");
  if (h.length < 72 || be32(h, 0) !== MAGIC) throw new DiskError(where, 0, "not a qcow2 image (header cut short or no magic)");
  const version = be32(h, 4);
  if (version !== 2 && version !== 3) throw new DiskError(where, 4, `qcow2 version ${version} is not 2 or 3`);
  const backingOffset = be64(h, 8, where, 8, "backing_file_offset");
  if (backingOffset !== 0) {
    const len = Math.min(be32(h, 16), 1023);
    let name = "?";
    if (backingOffset + len <= file.size) name = ascii(readExact(file, where, backingOffset, len, "backing file name"), 0, len);
    throw new DiskError(where, backingOffset, `external backing file ${JSON.stringify(name)}: supply the flattened image (qemu-img convert -O qcow2)`);
  }
  const clusterBits = be32(h, 20);
  if (clusterBits < 9 || clusterBits > 21) throw new DiskError(where, 20, `cluster_bits ${clusterBits} is outside 9..21`);
  const size = be64(h, 24, where, 24, "size");
  if (be32(h, 32) !== 0) throw new DiskError(where, 32, "encrypted qcow2 (crypt_method " + be32(h, 32) + "): supply the decrypted image");
  const l1Size = be32(h, 36);
  const l1Offset = be64(h, 40, where, 40, "l1_table_offset");
  let compression: Qcow2Header["compression"] = "deflate-raw";
  if (version === 3) {
    if (h.length < 104) throw new DiskError(where, 0, "qcow2 v3 header cut short");
    const incompatHi = be32(h, 72);
    const incompat = be32(h, 76);
    // bit 0 dirty and bit 1 corrupt only concern writers' refcounts; the mapping is still read as it is
    if (incompat & 4) throw new DiskError(where, 72, "qcow2 with an external data file: supply the flattened image");
    if (incompat & 16) throw new DiskError(where, 72, "qcow2 with extended L2 entries (subclusters) is not supported");
    if (incompatHi !== 0 || (incompat & ~0x1f) !== 0) throw new DiskError(where, 72, `unknown qcow2 incompatible features 0x${incompatHi.toString(16)}${incompat.toString(16).padStart(8, "0")}`);
    const headerLength = be32(h, 100);
    if (incompat & 8) {
      if (headerLength < 105 || h.length < 105) throw new DiskError(where, 100, "compression type bit set but the header has no compression_type field");
      const type = h[104]!;
      if (type === 1) compression = "zstd";
      else if (type !== 0) throw new DiskError(where, 104, `unknown qcow2 compression type ${type}`);
    }
  }
  const clusterSize = 2 ** clusterBits;
  const l2Entries = clusterSize / 8;
  const needL1 = Math.ceil(size / (clusterSize * l2Entries));
  if (l1Size < needL1) throw new DiskError(where, 36, `l1_size ${l1Size} cannot map ${size} bytes (needs ${needL1})`);
  if (l1Size * 8 > L1_MAX_BYTES) throw new DiskError(where, 36, `l1_size ${l1Size} is past qemu's limit of ${L1_MAX_BYTES / 8}`);
  if (needL1 > 0 && (l1Offset % clusterSize !== 0 || l1Offset + needL1 * 8 > file.size)) {
    throw new DiskError(where, 40, `L1 table at ${l1Offset} is unaligned or runs past the end of the file (${file.size} bytes)`);
  }
  return { version, clusterBits, size, l1Size, l1Offset, compression };
}

class Qcow2Source extends BlockSource {
  private readonly l1: Uint8Array;
  private readonly l2Cache: Lru<Uint8Array>;
  private readonly dataCache: Lru<Uint8Array>;
  private readonly l2Bits: number;

  constructor(file: ByteSource, where: string, private readonly header: Qcow2Header) {
    super(file, where, header.size, 2 ** header.clusterBits);
    this.l2Bits = header.clusterBits - 3;
    const needL1 = Math.ceil(header.size / 2 ** (header.clusterBits + this.l2Bits));
    this.l1 = needL1 === 0 ? new Uint8Array(0) : readExact(file, where, header.l1Offset, needL1 * 8, "L1 table");
    this.l2Cache = new Lru(Math.max(CACHE_BYTES, this.blockSize));
    this.dataCache = new Lru(Math.max(CACHE_BYTES / 4, this.blockSize));
  }

  protected block(index: number): Block {
    const l1Index = Math.floor(index / 2 ** this.l2Bits);
    const l1At = this.header.l1Offset + l1Index * 8;
    const l2Offset = this.hostOffset(be32(this.l1, l1Index * 8), be32(this.l1, l1Index * 8 + 4), l1At, "L2 table");
    if (l2Offset === 0) return ZERO;
    const l2 = this.l2Cache.get(l2Offset, () => readExact(this.file, this.where, l2Offset, this.blockSize, "L2 table"));
    const l2Index = index % 2 ** this.l2Bits;
    const hi = be32(l2, l2Index * 8);
    const lo = be32(l2, l2Index * 8 + 4);
    const at = l2Offset + l2Index * 8;
    if (hi & 0x40000000) return this.compressed(hi, lo, at);
    if (lo & 1 && this.header.version === 3) return ZERO; // a zero cluster, whatever its offset says
    const offset = this.hostOffset(hi, lo, at, "data cluster");
    return offset === 0 ? ZERO : { kind: "file", offset };
  }

  /** A standard entry's host offset (bits 9..55), checked against the file. */
  private hostOffset(hi: number, lo: number, at: number, what: string): number {
    const offset = (hi & OFFSET_MASK_HI) * 0x100000000 + ((lo & ~0x1ff) >>> 0);
    if (offset === 0) return 0;
    if (offset % this.blockSize !== 0) throw new DiskError(this.where, at, `${what} offset ${offset} is not cluster aligned`);
    if (offset >= this.file.size) throw new DiskError(this.where, at, `${what} offset ${offset} is past the end of the file (${this.file.size} bytes)`);
    return offset;
  }

  /** A compressed entry: x = 62 - (cluster_bits - 8) bits of host offset, then the count of extra sectors. */
  private compressed(hi: number, lo: number, at: number): Block {
    const x = 62 - (this.header.clusterBits - 8);
    const entry = (BigInt(hi & 0x3fffffff) << 32n) | BigInt(lo);
    const offset = Number(entry & ((1n << BigInt(x)) - 1n));
    const sectors = Number(entry >> BigInt(x)) + 1;
    if (offset >= this.file.size) throw new DiskError(this.where, at, `compressed cluster at ${offset} is past the end of the file (${this.file.size} bytes)`);
    const length = Math.min(sectors * 512 - (offset % 512), this.file.size - offset);
    const bytes = this.dataCache.get(offset, () =>
      inflateBlock(this.header.compression, readExact(this.file, this.where, offset, length, "compressed cluster"), this.blockSize, this.where, offset),
    );
    return { kind: "data", bytes };
  }
}

export const qcow2Type: ContainerType = {
  name: "qcow2",
  probe: isQcow2,
  open(file: ByteSource, path: string): ByteSource {
    return new Qcow2Source(file, path, parseHeader(file, path));
  },
};

