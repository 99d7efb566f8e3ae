// The ext reader against the kernel's view of the same images (find, sha256sum) and e2fsprogs' (debugfs,
// dumpe2fs): every entry's type, mode, owner, size, link count, inode, times, link target and content.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { ext4Type } from "../../../../src/disk/fs/ext4/index.js";
import type { FileStat } from "../../../../src/fs/types.js";
import type { Timestamp } from "../../../../src/records/timestamp.js";
import { hashFile } from "../../helpers.js";
import { debugfsListings, debugfsStats, dumpe2fs, findRows, image, IMAGES, ranges, sha256s, source } from "./fixtures.js";

const FIND_TYPES: Record<string, FileStat["type"]> = { f: "file", d: "dir", l: "symlink", p: "fifo", c: "chardev", b: "blockdev", s: "socket" };


const asPair = (t: Timestamp | null): [number, number] | null => (t ? [t.seconds, t.micros] : null);
const micro = ([s, ns]: [number, number]): [number, number] => [s, Math.floor(ns / 1000)];

describe.each(IMAGES)("%s image", (name) => {
  const opened = ext4Type.open(source(name), name);
  const fs = opened.backend;
  const rows = findRows(name);

  it("superblock: type, UUID, label and size as dumpe2fs shows them", () => {
    const d = dumpe2fs(name);
    expect(ext4Type.probe(source(name))).toBe(true);
    expect(opened.type).toBe({ inline: "ext4", metabg: "ext4", rev0: "ext2", bigalloc: "ext4" }[name as string] ?? name);
    expect(opened.uuid).toBe(d.get("Filesystem UUID"));
    const label = d.get("Filesystem volume name");
    expect(opened.label).toBe(label === "<none>" ? null : label);
    expect(opened.size).toBe(Number(d.get("Block count")) * Number(d.get("Block size")));
  });

  it(`lstat of every entry matches find (${rows.length} entries)`, () => {
    for (const r of rows) {
      const st = fs.lstat(r.path);
      expect(st, r.path).not.toBeNull();
      const got = { type: st!.type, mode: st!.mode, uid: st!.uid, gid: st!.gid, size: st!.size, nlink: st!.nlink, ino: st!.ino };
      expect(got, r.path).toEqual({ type: FIND_TYPES[r.type], mode: r.mode, uid: r.uid, gid: r.gid, size: r.size, nlink: r.nlink, ino: r.ino });
      expect([asPair(st!.atime), asPair(st!.mtime), asPair(st!.ctime)], r.path).toEqual([micro(r.atime), micro(r.mtime), micro(r.ctime)]);
      if (r.type === "l") expect(fs.readlink(r.path), r.path).toBe(r.link);
    }
    expect(fs.lstat("/no/such/file")).toBeNull();
    expect(fs.lstat("/hello.txt/below-a-file")).toBeNull();
  });

  it("readdir of every directory matches find and debugfs ls", () => {
    const listings = debugfsListings(name);
    for (const r of rows.filter((x) => x.type === "d")) {
      const entries = fs.readdir(r.path);
      const prefix = r.path === "/" ? "/" : `${r.path}/`;
      const expected = rows.filter((x) => x.path.startsWith(prefix) && x.path !== r.path && !x.path.slice(prefix.length).includes("/"));
      expect(entries.map((e) => e.name).sort(), r.path).toEqual(expected.map((x) => x.path.slice(prefix.length)).sort());
      for (const e of entries) expect(e.type, `${prefix}${e.name}`).toBe(FIND_TYPES[expected.find((x) => x.path === prefix + e.name)!.type]);
      const ls = listings.get(r.path)!;
      expect(new Map(entries.map((e) => [e.name, fs.lstat(prefix + e.name)!.ino])), r.path).toEqual(ls);
    }
  });

  it("every regular file's content hashes as the kernel read it", () => {
    const sums = sha256s(name);
    expect(sums.size).toBeGreaterThan(300);
    for (const [p, sum] of sums) expect(hashFile(fs, p, p.includes("frag") ? 5000 : 65536 + 3), p).toBe(sum);
  });

  it("ranges of the big files hash as the kernel read them", () => {
    for (const r of ranges(name)) {
      const h = fs.open(r.path);
      const buf = new Uint8Array(r.length);
      expect(h.read(buf, 0, r.length, r.offset)).toBe(r.length);
      expect(crypto.createHash("sha256").update(buf).digest("hex"), `${r.path} at ${r.offset}`).toBe(r.sha256);
    }
  });

  it("creation times (crtime) as debugfs stat shows them", () => {
    for (const [p, text] of debugfsStats(name)) {
      const m = /^crtime: 0x([0-9a-f]{8}):([0-9a-f]{8})/m.exec(text);
      const st = fs.lstat(p)!;
      if (!m) {
        expect(st.btime ?? null, p).toBeNull();
        continue;
      }
      const extra = parseInt(m[2]!, 16);
      const seconds = (parseInt(m[1]!, 16) | 0) + (extra & 3) * 2 ** 32;
      expect(asPair(st.btime ?? null), p).toEqual([seconds, Math.floor((extra >>> 2) / 1000)]);
    }
  });

  it("errors: ENOENT, ENOTDIR, EISDIR, EINVAL", () => {
    expect(() => fs.readdir("/nope")).toThrow(/ENOENT/);
    expect(() => fs.readdir("/hello.txt")).toThrow(/ENOTDIR/);
    expect(() => fs.open("/a")).toThrow(/EISDIR/);
    expect(() => fs.open("/fifo")).toThrow(/EINVAL/);
    expect(() => fs.readlink("/hello.txt")).toThrow(/EINVAL/);
  });
});

describe("the fixtures exercise what they claim (debugfs stat)", () => {
  it("extent tree of depth 1, htree directories, triple indirect blocks, unwritten extents, inline data", () => {
    const ext4 = debugfsStats("ext4");
    expect(ext4.get("/frag.bin")).toMatch(/\(ETB0\):\d+.*\(ETB0\):\d+/s); // two leaf blocks below the root
    expect(parseInt(/Flags: 0x([0-9a-f]+)/.exec(ext4.get("/many")!)![1]!, 16) & 0x1000).toBeTruthy(); // EXT4_INDEX_FL
    expect(ext4.get("/prealloc.bin")).toMatch(/\[u\]/); // an unwritten extent…
    const [first] = /\(\d+-\d+\[u\]\):(\d+)/.exec(ext4.get("/prealloc.bin")!)!.slice(1);
    const stale = image("ext4").subarray(Number(first) * 4096, Number(first) * 4096 + 5);
    expect(new TextDecoder().decode(stale)).toBe("STALE"); // …whose blocks hold stale bytes (read as zeros)
    expect(dumpe2fs("ext4").get("Group descriptor size")).toBe("64");
    expect(debugfsStats("ext2").get("/blockmap.bin")).toMatch(/\(TIND\)/);
    expect(dumpe2fs("ext2").get("Filesystem features")).not.toMatch(/extent/);
    const inline = debugfsStats("inline");
    expect(inline.get("/inline-100")).toMatch(/system\.data \(40\)/);
    expect(inline.get("/small-dir")).toMatch(/Size of inline data: 60/);
    // meta_bg: inodes past group 15 (64 per group) sit in groups whose descriptors are in the second meta group
    expect(dumpe2fs("metabg").get("Filesystem features")).toMatch(/meta_bg/);
    expect(Math.max(...findRows("metabg").map((r) => r.ino))).toBeGreaterThan(16 * Number(dumpe2fs("metabg").get("Inodes per group")));
    // revision 0: no features, so no filetype in entries
    expect(dumpe2fs("rev0").get("Filesystem revision #")).toMatch(/^0 /);
    expect(dumpe2fs("rev0").get("Filesystem features")).toBe("(none)");
    // a fast symlink owning an xattr block
    expect(debugfsStats("ext2").get("/xattr-link")).toMatch(/File ACL: [1-9]/);
    expect(debugfsStats("bigalloc").get("/xattr-link")).toMatch(/Blockcount: 32\b/);
  });
});
