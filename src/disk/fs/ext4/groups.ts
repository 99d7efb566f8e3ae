// Block group descriptors: where each group's inode table starts. Read one descriptor at a time when an inode of
// that group is first needed (a large volume has hundreds of thousands of groups and a lookup touches few).
import { readExact, le32 } from "../../container/bytes.js";
import { type ByteSource, DiskError } from "../../types.js";
import { INCOMPAT_META_BG, RO_COMPAT_SPARSE_SUPER, type Superblock } from "./superblock.js";

export class GroupTable {
  private readonly inodeTables = new Map<number, number>();
  /** Blocks one group's inode table spans. */
  readonly tableBlocks: number;

  constructor(
    private readonly volume: ByteSource,
    private readonly where: string,
    private readonly sb: Superblock,
  ) {
    this.tableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
  }

  /** Byte offset of group `g`'s descriptor in the volume. */
  descriptorOffset(g: number): number {
    const { sb } = this;
    const perBlock = sb.blockSize / sb.descSize;
    const metaGroup = Math.floor(g / perBlock);
    if (sb.featureIncompat & INCOMPAT_META_BG && metaGroup >= sb.firstMetaBg) {
      // META_BG: each meta group's descriptors sit in its first group, after that group's superblock copy.
      const first = metaGroup * perBlock;
      const block = sb.firstDataBlock + first * sb.blocksPerGroup + (this.hasSuperblock(first) ? 1 : 0);
      return block * sb.blockSize + (g % perBlock) * sb.descSize;
    }
    return (sb.firstDataBlock + 1) * sb.blockSize + g * sb.descSize;
  }

  /** Whether group g holds a superblock backup (sparse_super: groups 0, 1 and powers of 3, 5 and 7). */
  private hasSuperblock(g: number): boolean {
    if (!(this.sb.featureRoCompat & RO_COMPAT_SPARSE_SUPER) || g <= 1) return true;
    for (const base of [3, 5, 7]) {
      let p = base;
      while (p < g) p *= base;
      if (p === g) return true;
    }
    return false;
  }

  /** First block of group g's inode table, checked to lie inside the filesystem. */
  inodeTable(g: number): number {
    const known = this.inodeTables.get(g);
    if (known !== undefined) return known;
    const { sb } = this;
    if (!(g >= 0 && g < sb.groupCount)) throw new DiskError(this.where, null, `ext: block group ${g} is past the ${sb.groupCount} groups`);
    const at = this.descriptorOffset(g);
    const d = readExact(this.volume, this.where, at, sb.descSize, `ext group descriptor ${g}`);
    const hi = sb.descSize >= 64 ? le32(d, 0x28) : 0;
    if (hi > 0x1fffff) throw new DiskError(this.where, at + 0x28, `ext group descriptor ${g}: bg_inode_table_hi is past 2^53`);
    const table = hi * 0x100000000 + le32(d, 0x08);
    if (table <= sb.firstDataBlock || table + this.tableBlocks > sb.blocksCount) {
      throw new DiskError(this.where, at + 0x08, `ext group descriptor ${g}: inode table at block ${table} (${this.tableBlocks} blocks) is outside the ${sb.blocksCount} blocks`);
    }
    this.inodeTables.set(g, table);
    return table;
  }
}
