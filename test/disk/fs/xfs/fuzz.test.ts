// Seeded fuzzing of the XFS fixture's metadata: copies with random bytes and fields overwritten in the
// superblock, the inodes, the directory, symlink and B+tree blocks (located from xfs_db's prints), or cut
// short, are opened and walked. The only errors allowed out are DiskError and FsError: no RangeError, no
// TypeError, no hang, no allocation of what a damaged field claims.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { xfsType } from "../../../../src/disk/fs/xfs/index.js";
import { DiskError, type ByteSource } from "../../../../src/disk/types.js";
import { FsError, type FsBackend } from "../../../../src/fs/types.js";
import { FIXTURES, PatchedSource, superblockPrint, xfsImage } from "./fixture.js";

const sb = superblockPrint();
const BS = Number(sb.get("blocksize"));
const AGBLOCKS = Number(sb.get("agblocks"));
const AGBLKLOG = Number(sb.get("agblklog"));
const INOPBLOG = Number(sb.get("inopblog"));
const ISIZE = Number(sb.get("inodesize"));

const fsbAt = (fsb: number): number => (Math.floor(fsb / 2 ** AGBLKLOG) * AGBLOCKS + (fsb % 2 ** AGBLKLOG)) * BS;

/** [offset, length] of the metadata worth damaging. */
function regions(): [number, number][] {
  const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
  const out: [number, number][] = [[0, 512]];
  for (const m of text.matchAll(/^== \S+ inode (\d+)$/gm)) {
    const ino = Number(m[1]);
    out.push([fsbAt(ino >> INOPBLOG) + (ino & (2 ** INOPBLOG - 1)) * ISIZE, ISIZE]);
  }
  // The first blocks of each mapping (directory data and leaf blocks, the remote symlink, file data).
  for (const m of text.matchAll(/startblock \d+ \((\d+)\/(\d+)\) count (\d+)/g)) {
    out.push([(Number(m[1]) * AGBLOCKS + Number(m[2])) * BS, BS]);
  }
  // BMBT blocks below the roots: "u3.bmbt.ptrs[1-2] = 1:721 2:723".
  for (const m of text.matchAll(/^u3\.bmbt\.ptrs\[[^\]]*\] = (.*)$/gm)) {
    for (const p of m[1]!.split(" ")) out.push([fsbAt(Number(p.split(":")[1])), BS]);
  }
  return out;
}

/** mulberry32: a small seeded generator, so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function damaged(seed: number, targets: [number, number][]): ByteSource {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const image = xfsImage();
  if (r() < 0.15) {
    const [at, len] = targets[pick(targets.length)]!;
    return new PatchedSource(image, [], at + pick(len));
  }
  const patches: [number, number][] = [];
  const edits = 1 + pick(6);
  for (let i = 0; i < edits; i++) {
    const [at, len] = targets[pick(targets.length)]!;
    const pos = at + pick(len);
    const kind = pick(4);
    // a random byte; a field of all ones; a small count; a large power of two
    const width = [1, 2, 4, 8][pick(4)]!;
    for (let j = 0; j < width; j++) {
      const v = kind === 0 ? pick(256) : kind === 1 ? 0xff : kind === 2 ? (j === width - 1 ? pick(8) : 0) : j === 0 ? 1 << pick(8) : 0;
      patches.push([pos + j, v]);
    }
  }
  return new PatchedSource(image, patches);
}

/** Every call an analyst's walk makes, bounded: each directory listed, some entries of each stat'ed and read. */
function walk(b: FsBackend): void {
  const buf = new Uint8Array(65536);
  let budget = 400;
  const visit = (p: string, depth: number): void => {
    if (budget-- <= 0 || depth > 8) return;
    const st = b.lstat(p);
    if (!st) return;
    if (st.type === "dir") {
      for (const e of b.readdir(p).slice(0, 25)) tolerate(() => visit(p === "/" ? `/${e.name}` : `${p}/${e.name}`, depth + 1));
    } else if (st.type === "symlink") {
      b.readlink(p);
    } else if (st.type === "file") {
      const h = b.open(p);
      for (let pos = 0; pos < Math.min(h.size, 1 << 20); pos += buf.length) h.read(buf, 0, buf.length, pos);
      h.read(buf, 0, 100, Math.max(0, h.size - 50));
      h.close();
    }
  };
  visit("/", 0);
}

const unexpected: string[] = [];
let seen = { disk: 0, fs: 0, clean: 0 };

function tolerate(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof DiskError) seen.disk++;
    else if (e instanceof FsError) seen.fs++;
    else unexpected.push(String((e as Error)?.stack ?? e));
  }
}

describe("XFS fuzz", () => {
  it("damaged copies give only DiskError or FsError", () => {
    const targets = regions();
    expect(targets.length).toBeGreaterThan(40);
    seen = { disk: 0, fs: 0, clean: 0 };
    const seeds = Number(process.env.XFS_FUZZ_SEEDS ?? 400);
    for (let seed = 1; seed <= seeds; seed++) {
      const before = unexpected.length;
      tolerate(() => {
        walk(xfsType.open(damaged(seed, targets), `fuzz ${seed}`).backend);
        seen.clean++;
      });
      if (unexpected.length > before) unexpected[unexpected.length - 1] = `seed ${seed}: ${unexpected.at(-1)}`;
    }
    if (process.env.XFS_FUZZ_SEEDS) console.log(seen);
    expect(unexpected.slice(0, 3)).toEqual([]);
    // The damage must reach the reader: most seeds should be refused somewhere.
    expect(seen.disk).toBeGreaterThan(100);
  }, 120_000);
});
