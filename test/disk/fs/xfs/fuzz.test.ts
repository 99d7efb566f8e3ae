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
import { gunzipSync } from "node:zlib";
import { prng } from "../../../helpers/prng.js";

interface Geometry {
  bs: number;
  agblocks: number;
  agblklog: number;
  inopblog: number;
  isize: number;
}

function geometry(sb: Map<string, string>): Geometry {
  const n = (k: string) => Number(sb.get(k));
  return { bs: n("blocksize"), agblocks: n("agblocks"), agblklog: n("agblklog"), inopblog: n("inopblog"), isize: n("inodesize") };
}

const fsbAt = (g: Geometry, fsb: number): number => (Math.floor(fsb / 2 ** g.agblklog) * g.agblocks + (fsb % 2 ** g.agblklog)) * g.bs;
const inodeAt = (g: Geometry, ino: number): number => fsbAt(g, Math.floor(ino / 2 ** g.inopblog)) + (ino % 2 ** g.inopblog) * g.isize;

/** [offset, length] of the metadata worth damaging in the v5 fixture, from xfs_db's inode and bmap prints. */
function regions(): [number, number][] {
  const g = geometry(superblockPrint());
  const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
  const out: [number, number][] = [[0, 512]];
  for (const m of text.matchAll(/^== \S+ inode (\d+)$/gm)) out.push([inodeAt(g, Number(m[1])), g.isize]);
  // The first blocks of each mapping (directory data and leaf blocks, the remote symlink, file data).
  for (const m of text.matchAll(/startblock \d+ \((\d+)\/(\d+)\) count (\d+)/g)) {
    out.push([(Number(m[1]) * g.agblocks + Number(m[2])) * g.bs, g.bs]);
  }
  // BMBT blocks below the roots: "u3.bmbt.ptrs[1-2] = 1:721 2:723".
  for (const m of text.matchAll(/^u3?\.bmbt\.ptrs\[[^\]]*\] = (.*)$/gm)) {
    for (const p of m[1]!.split(" ")) out.push([fsbAt(g, Number(p.split(":").at(-1))), g.bs]);
  }
  return out;
}

/** The same for the v4 fixture: inodes by the numbers `xfs_db ls` gives, blocks from "u.bmx" extent lines. */
function regionsV4(): [number, number][] {
  const v4 = path.join(FIXTURES, "v4");
  const sb = new Map(fs.readFileSync(path.join(v4, "xfs_db-sb.txt"), "utf8").split("\n").filter((l) => l.includes(" = ")).map((l) => l.split(" = ") as [string, string]));
  const g = geometry(sb);
  const out: [number, number][] = [[0, 512]];
  for (const m of fs.readFileSync(path.join(v4, "xfs_db-ls.txt"), "utf8").matchAll(/^\d+\s+(\d+)\s+\S+\s+0x[0-9a-f]+\s+\d+ (\S+) \(good\)$/gm)) {
    if (!m[2]!.startsWith("node-entry-") && !m[2]!.startsWith("leaf-entry-") && !m[2]!.startsWith("entry-name-")) out.push([inodeAt(g, Number(m[1])), g.isize]);
  }
  const text = fs.readFileSync(path.join(v4, "xfs_db-inodes.txt"), "utf8");
  for (const m of text.matchAll(/^\d+:\[\d+,(\d+),(\d+),\d\]/gm)) out.push([fsbAt(g, Number(m[1])), g.bs * Math.min(2, Number(m[2]))]);
  for (const m of text.matchAll(/^u\.bmbt\.ptrs\[[^\]]*\] = (.*)$/gm)) {
    for (const p of m[1]!.split(" ")) out.push([fsbAt(g, Number(p.split(":").at(-1))), g.bs]);
  }
  return out;
}

function damaged(image: Uint8Array, seed: number, targets: [number, number][]): ByteSource {
  const r = prng(seed);
  const pick = (n: number) => Math.floor(r() * n);
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

function fuzz(image: Uint8Array, targets: [number, number][], seeds: number): void {
  seen = { disk: 0, fs: 0, clean: 0 };
  unexpected.length = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const before = unexpected.length;
    tolerate(() => {
      walk(xfsType.open(damaged(image, seed, targets), `fuzz ${seed}`).backend);
      seen.clean++;
    });
    if (unexpected.length > before) unexpected[unexpected.length - 1] = `seed ${seed}: ${unexpected.at(-1)}`;
  }
  if (process.env.XFS_FUZZ_SEEDS) console.log(seen);
  expect(unexpected.slice(0, 3)).toEqual([]);
  // The damage must reach the reader: many seeds should be refused somewhere.
  expect(seen.disk).toBeGreaterThan(seeds / 4);
}

const SEEDS = Number(process.env.XFS_FUZZ_SEEDS ?? 300);

describe("XFS fuzz", () => {
  it("damaged copies of the v5 fixture give only DiskError or FsError", () => {
    const targets = regions();
    expect(targets.length).toBeGreaterThan(40);
    fuzz(xfsImage(), targets, SEEDS);
  }, 120_000);

  it("damaged copies of the v4 fixture give only DiskError or FsError", () => {
    const targets = regionsV4();
    expect(targets.length).toBeGreaterThan(20);
    fuzz(new Uint8Array(gunzipSync(fs.readFileSync(path.join(FIXTURES, "v4", "xfs-v4.img.gz")))), targets, SEEDS);
  }, 120_000);
});
