// Hand-made damage to the fixture: each patch makes a field claim something past the filesystem, the volume
// or its own structure, and must come out as a DiskError naming the byte offset of the field, before anything
// of the claimed size is read or allocated. Offsets are computed from xfs_db's prints, not by the reader.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { xfsType } from "../../../../src/disk/fs/xfs/index.js";
import { DiskError, type ByteSource } from "../../../../src/disk/types.js";
import { readAll } from "../../../../src/fs/read.js";
import { FIXTURES, PatchedSource, be, findRows, sha256s, superblockPrint, xfsImage } from "./fixture.js";

const sb = superblockPrint();
const BS = Number(sb.get("blocksize"));
const AGBLOCKS = Number(sb.get("agblocks"));
const AGBLKLOG = Number(sb.get("agblklog"));
const INOPBLOG = Number(sb.get("inopblog"));
const ISIZE = Number(sb.get("inodesize"));
const FORK = 176; // v3 dinode core

/** Byte offset of an inode: AG number above agblklog + inopblog bits, block within the AG, slot in the block. */
function inodeAt(ino: number): number {
  const agno = Math.floor(ino / 2 ** (AGBLKLOG + INOPBLOG));
  const agbno = (ino >> INOPBLOG) & (2 ** AGBLKLOG - 1);
  return (agno * AGBLOCKS + agbno) * BS + (ino & (2 ** INOPBLOG - 1)) * ISIZE;
}

const ino = (p: string): number => findRows().find((r) => r.path === p)!.ino;

/** Byte offset of the first block xfs_db's bmap lists for the inode at `p` ("startblock N (ag/agbno)"). */
function firstBlockAt(p: string): number {
  const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
  const m = new RegExp(`== \\.${p.replace(/\./g, "\\.")} inode \\d+ bmap\\ndata offset 0 startblock \\d+ \\((\\d+)/(\\d+)\\)`).exec(text)!;
  return (Number(m[1]) * AGBLOCKS + Number(m[2])) * BS;
}

function patched(patches: [number, number][], size?: number): ByteSource {
  return new PatchedSource(xfsImage(), patches, size);
}

function refuse(f: () => unknown, pattern: RegExp): DiskError {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DiskError);
  expect((err as Error).message).toMatch(pattern);
  return err as DiskError;
}

const open = (src: ByteSource) => xfsType.open(src, "hostile");

describe("hostile XFS superblocks", () => {
  it("refuses impossible geometry, naming the field", () => {
    expect(refuse(() => open(patched(be(88, 2 ** 31, 4))), /allocation groups/).offset).toBe(88);
    expect(refuse(() => open(patched(be(4, 3000, 4))), /block size 3000/).offset).toBe(4);
    expect(refuse(() => open(patched(be(84, 100_000, 4))), /blocks per allocation group/).offset).toBe(84);
    expect(refuse(() => open(patched(be(104, 4096, 2))), /inode size/).offset).toBe(104);
    // A plausible AG size that is not this filesystem's: the AGF of AG 1 is not where it would put it.
    expect(refuse(() => open(patched(be(84, 5000, 4))), /no AGF of allocation group 1/).offset).toBe(5000 * BS + 512);
    expect(refuse(() => open(patched(be(102, 3, 2))), /sector size 3/).offset).toBe(102);
    expect(refuse(() => open(patched(be(8, 2n ** 62n, 8))), /data blocks/).offset).toBe(8);
    expect(refuse(() => open(patched(be(216, 0x80, 4))), /unknown incompatible features 0x80/).offset).toBe(216);
  });

  it("refuses version 1 directories, an unknown version and a volume too short for the superblock", () => {
    expect(refuse(() => open(patched(be(100, 0x94b4, 2))), /version 1 directories/).offset).toBe(100);
    expect(refuse(() => open(patched(be(100, 0xb4b6, 2))), /version 6 filesystem/).offset).toBe(100);
    expect(xfsType.probe(patched([], 100))).toBe(false);
    refuse(() => open(patched([], 100)), /run past the end of the volume/);
  });

  it("refuses a root inode outside the filesystem or not a directory", () => {
    refuse(() => open(patched(be(56, 2n ** 60n, 8))), /inode \d+ is outside the filesystem/);
    expect(refuse(() => open(patched(be(56, ino("/etc/hostname"), 8))), /not a directory/).offset).toBe(inodeAt(ino("/etc/hostname")));
  });

  it("a filesystem cut short reads what it holds and refuses the rest", () => {
    const b = open(patched([], 8 * 1024 * 1024)).backend;
    expect(b.readdir("/etc").map((e) => e.name).sort()).toEqual(["hostname", "passwd"]);
    refuse(() => b.readdir("/blockdir"), /run past the end of the volume|outside the filesystem or the volume/);
  });
});

describe("hostile XFS inodes and extent maps", () => {
  it("an inode that is not where its number says, or claims more extents than blocks", () => {
    const at = inodeAt(ino("/etc/hostname"));
    expect(refuse(() => open(patched(be(at + 152, 7, 8))).backend.lstat("/etc/hostname"), /records itself as inode 7/).offset).toBe(at + 152);
    expect(refuse(() => open(patched(be(at, 0, 2))).backend.lstat("/etc/hostname"), /no IN magic/).offset).toBe(at);
    expect(refuse(() => open(patched(be(at + 76, 2 ** 32 - 1, 4))).backend.lstat("/etc/hostname"), /extents in a filesystem/).offset).toBe(at + 76);
    expect(refuse(() => open(patched(be(at + 56, 2n ** 62n, 8))).backend.lstat("/etc/hostname"), /size/).offset).toBe(at + 56);
  });

  it("a regular file whose fork is not an extent map, and an unknown di_format", () => {
    const at = inodeAt(ino("/etc/hostname"));
    expect(refuse(() => open(patched([[at + 5, 1]])).backend.open("/etc/hostname"), /regular file with di_format 1/).offset).toBe(at + 5);
    const dir = inodeAt(ino("/blockdir"));
    expect(refuse(() => open(patched([[dir + 5, 7]])).backend.readdir("/blockdir"), /di_format 7/).offset).toBe(dir + 5);
  });

  it("a file on the realtime device is refused, not read from the data device", () => {
    const at = inodeAt(ino("/etc/hostname"));
    const b = open(patched(be(at + 90, 1, 2))).backend;
    expect(b.lstat("/etc/hostname")!.size).toBe(8);
    expect(refuse(() => b.open("/etc/hostname"), /realtime device/).offset).toBe(at + 90);
  });

  it("nrext64: the extent count is di_big_nextents (a 64-bit field at byte 24) when di_flags2 says so", () => {
    const at = inodeAt(ino("/fragmented.bin"));
    const count = new DataView(xfsImage().buffer, xfsImage().byteOffset).getUint32(at + 76);
    const flags2 = new DataView(xfsImage().buffer, xfsImage().byteOffset).getBigUint64(at + 120);
    const moved = [...be(at + 24, count, 8), ...be(at + 76, 0, 4), ...be(at + 120, flags2 | 0x10n, 8)];
    const want = sha256s().get("/fragmented.bin");
    const sha = (src: ByteSource) => crypto.createHash("sha256").update(readAll(open(src).backend.open("/fragmented.bin"))).digest("hex");
    expect(sha(patched(moved))).toBe(want);
    // Without the flag the count at 76 (now 0) is used, and the tree's 300 records are more than it says.
    refuse(() => sha(patched(moved.slice(0, 12))), /more extents than di_nextents \(0\)/);
  });

  it("an extent past the volume", () => {
    const at = inodeAt(ino("/etc/hostname")) + FORK;
    // startblock's low 43 bits are the top of the second word: AG 3, block 4000 (inside the AG, past the end).
    const b = open(patched(be(at + 8, ((3n << BigInt(AGBLKLOG)) | 4600n) << 21n | 100n, 8))).backend;
    expect(refuse(() => b.open("/etc/hostname"), /outside the filesystem or the volume/).offset).toBe(at);
  });

  it("BMBT: a block reached twice, a pointer outside the filesystem, a child of the wrong level", () => {
    const at = inodeAt(ino("/fragmented.bin")) + FORK;
    // The root's pointers follow as many keys as fit in the data fork, which ends at di_forkoff (in 8 bytes).
    const forkoff = xfsImage()[at - FORK + 82]! * 8;
    const maxrecs = Math.floor(((forkoff || ISIZE - FORK) - 4) / 16);
    const ptr0 = at + 4 + maxrecs * 8;
    const root = new PatchedSource(xfsImage());
    const first = new DataView(new Uint8Array(8).buffer);
    root.read(new Uint8Array(first.buffer), 0, 8, ptr0);
    expect(refuse(() => readAll(open(patched(be(ptr0 + 8, first.getBigUint64(0), 8))).backend.open("/fragmented.bin")), /reached twice/).offset).toBe(ptr0 + 8);
    expect(refuse(() => open(patched(be(ptr0, 2n ** 50n, 8))).backend.open("/fragmented.bin"), /outside the filesystem/).offset).toBe(ptr0);
    const child = (Number(first.getBigUint64(0) >> BigInt(AGBLKLOG)) * AGBLOCKS + Number(first.getBigUint64(0) & BigInt(2 ** AGBLKLOG - 1))) * BS;
    expect(refuse(() => open(patched(be(child + 4, 1, 2))).backend.open("/fragmented.bin"), /level 1 where 0/).offset).toBe(child + 4);
    expect(refuse(() => open(patched(be(child + 6, 9999, 2))).backend.open("/fragmented.bin"), /9999 records/).offset).toBe(child + 6);
    expect(refuse(() => open(patched(be(at, 50, 2))).backend.open("/fragmented.bin"), /B\+tree root of level 50/).offset).toBe(at);
  });
});

describe("hostile XFS directories and symlinks", () => {
  it("a short-form entry whose name runs past the directory", () => {
    const at = inodeAt(ino("/short")) + FORK;
    // header: count, i8count, 4-byte parent; the first entry's namelen follows
    expect(refuse(() => open(patched([[at + 6, 250]])).backend.readdir("/short"), /runs past the directory/).offset).toBe(at + 6);
  });

  it("a directory entry leading back to an ancestor or to the root is a loop, refused before a walk can cycle", () => {
    // /a/b/c/d is short-form with one entry "e": count, i8count, 4-byte parent, namelen, offset (2), "e",
    // ftype, then its 4-byte inode number at byte 11 of the fork.
    const at = inodeAt(ino("/a/b/c/d")) + FORK + 11;
    const toA = open(patched(be(at, ino("/a"), 4))).backend;
    expect(toA.lstat("/a/b/c/d/e")!.ino).toBe(ino("/a"));
    expect(refuse(() => toA.readdir("/a/b/c/d/e"), /"\.\." is \d+, but it was reached from directory/).offset).toBe(inodeAt(ino("/a")));
    const root = Number(sb.get("rootino"));
    const toRoot = open(patched(be(at, root, 4))).backend;
    refuse(() => toRoot.readdir("/a/b/c/d"), new RegExp(`entry "e" links back to inode ${root}`));
  });

  it("a directory block with a bad magic, a zero-length unused region, a name longer than its entry", () => {
    const blk = firstBlockAt("/blockdir");
    expect(refuse(() => open(patched(be(blk, 0x41414141, 4))).backend.readdir("/blockdir"), /magic 0x41414141/).offset).toBe(blk);
    // The entries start after the 64-byte header with "." (ino, namelen 1, ".", ftype, tag = 16 bytes).
    expect(refuse(() => open(patched([...be(blk + 64, 0xffff, 2), ...be(blk + 66, 0, 2)])).backend.readdir("/blockdir"), /unused region of 0 bytes/).offset).toBe(blk + 64);
    expect(refuse(() => open(patched([[blk + 64 + 8, 255]])).backend.readdir("/blockdir"), /tag \d+ is not its offset 64/).offset).toBe(blk + 64);
    expect(refuse(() => open(patched(be(blk + 4096 - 8, 2 ** 31, 4))).backend.readdir("/blockdir"), /leaf entries/).offset).toBe(blk + 4096 - 8);
  });

  it("a remote symlink block without its XSLM header; a symlink longer than 1024 bytes", () => {
    const blk = firstBlockAt("/link-remote");
    refuse(() => open(patched(be(blk, 0, 4))).backend.readlink("/link-remote"), /no valid XSLM header/);
    const at = inodeAt(ino("/link-remote"));
    expect(refuse(() => open(patched(be(at + 56, 5000, 8))).backend.readlink("/link-remote"), /target of 5000 bytes/).offset).toBe(at + 56);
  });
});

describe("XFS unwritten extents", () => {
  it("read as zeros whatever their blocks hold; a written extent reads its blocks", () => {
    // xfs_db bmap: "data offset 0 startblock 1313 (0/1313) count 75 flag 1", then a written extent (flag 0).
    const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
    const map = /== \.\/unwritten\.bin inode \d+ bmap\n((?:data .*\n)+)/.exec(text)![1]!;
    const lines = [...map.matchAll(/data offset (\d+) startblock \d+ \((\d+)\/(\d+)\) count (\d+) flag (\d)/g)];
    const unwritten = lines.find((m) => m[5] === "1")!;
    const written = lines.find((m) => m[5] === "0")!;
    const phys = (m: RegExpMatchArray) => (Number(m[2]) * AGBLOCKS + Number(m[3])) * BS;
    const junk = (at: number): [number, number][] => Array.from({ length: 64 }, (_, i) => [at + i * 61, 0xaa] as [number, number]);
    const sha = (src: ByteSource) => crypto.createHash("sha256").update(readAll(open(src).backend.open("/unwritten.bin"))).digest("hex");
    const want = sha256s().get("/unwritten.bin");
    expect(sha(patched(junk(phys(unwritten))))).toBe(want);
    expect(sha(patched(junk(phys(written))))).not.toBe(want);
    const h = open(patched(junk(phys(unwritten)))).backend.open("/unwritten.bin");
    const buf = new Uint8Array(4096);
    h.read(buf, 0, 4096, Number(unwritten[1]) * BS);
    expect(buf.every((x) => x === 0)).toBe(true);
  });
});


describe("XFS short-form directory with 8-byte inode numbers", () => {
  it("reads entries whose numbers are 8 bytes when i8count is set (a filesystem past 2^32 inodes)", () => {
    // Rewrite /short in the layout of xfs_dir2_sf_hdr with i8count > 0: count, i8count, 8-byte parent, then
    // namelen, 2-byte offset, name, ftype, 8-byte inumber per entry; di_size follows.
    const rows = findRows().filter((r) => /^\/short\/[^/]+$/.test(r.path));
    const u64 = (v: number) => be(0, v, 8).sort((x, y) => x[0] - y[0]).map(([, b]) => b);
    const bytes: number[] = [rows.length, rows.length, ...u64(128)];
    let offset = 0x60;
    for (const r of rows) {
      const name = Buffer.from(r.path.slice("/short/".length));
      bytes.push(name.length, offset >> 8, offset & 0xff, ...name, r.y === "d" ? 2 : 1, ...u64(r.ino));
      offset += 16;
    }
    const at = inodeAt(ino("/short"));
    const patches: [number, number][] = [...bytes.map((v, i) => [at + FORK + i, v] as [number, number]), ...be(at + 56, bytes.length, 8)];
    const b = open(patched(patches)).backend;
    expect(b.readdir("/short").map((e) => [e.name, e.type]).sort()).toEqual(rows.map((r) => [r.path.slice(7), r.y === "d" ? "dir" : "file"]).sort());
    for (const r of rows) expect(b.lstat(r.path)!.ino).toBe(r.ino);
  });
});
