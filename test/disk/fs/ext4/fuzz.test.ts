// Hostile ext images: seeded truncations and corruptions of the superblock, group descriptors, inode tables,
// directory blocks, extent tree and indirect blocks. Opening and walking the tree must give entries, bytes,
// DiskError or FsError — never a RangeError, a hang, or an allocation the image cannot back.
import { describe, expect, it } from "vitest";
import { ext4Type } from "../../../../src/disk/fs/ext4/index.js";
import { GroupTable } from "../../../../src/disk/fs/ext4/groups.js";
import { readSuperblock } from "../../../../src/disk/fs/ext4/superblock.js";
import { BufferSource } from "../../../../src/fs/tar/source.js";
import { FsError, type FsBackend } from "../../../../src/fs/types.js";
import { DiskError } from "../../../../src/disk/types.js";
import { prng } from "../../../helpers/prng.js";
import { PatchedSource } from "../../helpers.js";
import { debugfsStats, IMAGES, image } from "./fixtures.js";

/**
 * Byte ranges holding the structures, by kind (each kind is picked as often as the others): superblock,
 * group descriptors, inode tables, and the directory, extent tree and indirect blocks debugfs names.
 */
function hotSpots(name: string, img: Uint8Array): [number, number][][] {
  const src = new BufferSource(img);
  const sb = readSuperblock(src, name);
  const bs = sb.blockSize;
  const groups = new GroupTable(src, name, sb);
  const tables: [number, number][] = [];
  for (let g = 0; g < sb.groupCount; g++) {
    const t = groups.inodeTable(g) * bs;
    tables.push([t, t + Math.min(groups.tableBlocks * bs, 64 * sb.inodeSize)]);
  }
  const blocks: [number, number][] = [];
  // Blocks debugfs names for the chosen inodes: directory blocks, extent tree blocks (ETB), indirect blocks.
  for (const [p, text] of debugfsStats(name)) {
    const meta = /^(?:\/|\/many|\/small-dir|\/a)$/.test(p);
    for (const m of text.matchAll(/\((ETB\d|IND|DIND|TIND|\d+(?:-\d+)?)\):(\d+)/g)) {
      if (meta || !/^\d/.test(m[1]!)) blocks.push([Number(m[2]) * bs, (Number(m[2]) + 1) * bs]);
    }
  }
  const kinds = [[[1024, 2048]], [[(sb.firstDataBlock + 1) * bs, (sb.firstDataBlock + 2) * bs]], tables, blocks] as [number, number][][];
  return kinds.map((k) => k.filter(([lo, hi]) => hi <= img.length && lo < hi));
}


function mutate(img: Uint8Array, kinds: [number, number][][], rnd: () => number): PatchedSource {
  if (rnd() < 0.2) return new PatchedSource(img, [], Math.floor(rnd() * img.length));
  const patches = new Map<number, number>();
  const flips = 1 + Math.floor(rnd() * 12);
  for (let k = 0; k < flips; k++) {
    const spots = kinds[Math.floor(rnd() * kinds.length)]!;
    const [lo, hi] = spots[Math.floor(rnd() * spots.length)]!;
    const at = lo + Math.floor(rnd() * (hi - lo));
    const r = rnd();
    // a random byte, 0xff runs (huge counts, sizes and block numbers), or zeros
    if (r < 0.5) patches.set(at, Math.floor(rnd() * 256));
    else for (let i = at; i < Math.min(hi, at + 1 + Math.floor(rnd() * 8)); i++) patches.set(i, r < 0.8 ? 0xff : 0);
  }
  return new PatchedSource(img, patches);
}

/** The kinds of DiskError seen in one test. */
const messages = new Set<string>();
const expected = (e: unknown): string => {
  if (e instanceof DiskError) {
    messages.add(e.message.replace(/\d+/g, "N"));
    return "DiskError";
  }
  if (e instanceof FsError) return "FsError";
  throw e;
};

/** Walks at most `budget` entries (a corrupt entry may point back up the tree), reading some of each file. */
function walk(fs: FsBackend, rnd: () => number, seen: Map<string, number>): void {
  let budget = 600;
  const buf = new Uint8Array(40000);
  const visit = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = fs.readdir(dir);
    } catch (e) {
      seen.set(expected(e), (seen.get(expected(e)) ?? 0) + 1);
      return;
    }
    for (const e of entries) {
      if (--budget < 0) return;
      const p = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
      try {
        const st = fs.lstat(p);
        if (st?.type === "symlink") fs.readlink(p);
        if (st?.type === "file") {
          const h = fs.open(p);
          h.read(buf, 0, buf.length, 0);
          h.read(buf, 0, 1 + Math.floor(rnd() * buf.length), Math.floor(rnd() * h.size));
        }
        if (st?.type === "dir" && depth < 6) visit(p, depth + 1);
      } catch (err) {
        seen.set(expected(err), (seen.get(expected(err)) ?? 0) + 1);
      }
    }
  };
  visit("/", 0);
}

describe("hostile ext images", () => {
  for (const name of IMAGES) {
    it(`${name}: truncated and corrupted copies give entries, bytes, DiskError or FsError`, () => {
      const img = image(name);
      const spots = hotSpots(name, img);
      const rnd = prng(0xe474 + name.length * 131);
      const seen = new Map<string, number>();
      messages.clear();
      for (let k = 0; k < 250; k++) {
        const src = mutate(img, spots, rnd);
        ext4Type.probe(src);
        try {
          walk(ext4Type.open(src, "fuzz").backend, rnd, seen);
          seen.set("opened", (seen.get("opened") ?? 0) + 1);
        } catch (e) {
          seen.set(`open ${expected(e)}`, (seen.get(`open ${expected(e)}`) ?? 0) + 1);
        }
      }
      // Both outcomes happen: the mutations reach the structures, and many copies still open.
      expect(seen.get("opened") ?? 0).toBeGreaterThan(20);
      expect((seen.get("DiskError") ?? 0) + (seen.get("open DiskError") ?? 0)).toBeGreaterThan(10);
      // …and many different checks fire (digits masked), not one early refusal.
      expect(messages.size).toBeGreaterThan(8);
    }, 120_000);
  }
});
