// Damage placed on purpose (where debugfs says the structures are): each gives a DiskError naming the byte,
// and the reader behind a RootFilesystem resolves the image's own links.
import { describe, expect, it } from "vitest";
import { Ext4Backend, ext4Type } from "../../../../src/disk/fs/ext4/index.js";
import { DiskError } from "../../../../src/disk/types.js";
import { RootFilesystem } from "../../../../src/fs/root.js";
import { BufferSource } from "../../../../src/fs/tar/source.js";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { openContainer } from "../../../../src/disk/container/index.js";
import { tmpdir } from "../../../helpers/tmp.js";
import { debugfsStats, image, sha256s } from "./fixtures.js";

const le32set = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);
const le16set = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer, b.byteOffset).setUint16(at, v, true);

function open(img: Uint8Array): Ext4Backend {
  return ext4Type.open(new BufferSource(img), "test.img").backend as Ext4Backend;
}

/** Where inode `ino` is in the image (found by the reader: a location, not an expected value). */
const inodeAt = (img: Uint8Array, ino: number): number => open(img).inode(ino).offset;
const inoOf = (img: Uint8Array, path: string): number => Number(open(img).lstat(path)!.ino);

function diskError(f: () => unknown, offset: number | null, detail: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DiskError);
  expect((err as DiskError).offset).toBe(offset);
  expect((err as DiskError).message).toMatch(detail);
}

function readAllOf(fs: Ext4Backend, path: string): void {
  const h = fs.open(path);
  const buf = new Uint8Array(65536);
  for (let pos = 0; pos < h.size; pos += buf.length) h.read(buf, 0, buf.length, pos);
}

describe("ext reader behind a RootFilesystem", () => {
  it("follows the image's fast, slow and absolute links through the root", () => {
    const root = new RootFilesystem(open(image("ext4")));
    // the slow link's target goes through a directory that does not exist: dangling, as the kernel says
    expect(root.readlink("/slow-link")).toBe(`a/b/c/${"x".repeat(100)}/../deep.txt`);
    expect(root.exists("/slow-link")).toBe(false);
    expect(root.readText("/fast-link")).toBe("hello, ext4\n");
    expect(root.realpath("/fast-link")).toBe("/hello.txt");
    expect(root.readText("/hard-link")).toBe("hello, ext4\n");
    expect(root.exists("/abs-link")).toBe(false); // /etc/passwd is not in this image
    expect(root.lexists("/abs-link")).toBe(true);
    expect(root.readdir("/a/b").sort()).toEqual(["c"]);
  });
});

describe("ext reader over an image file", () => {
  it("reads through the container layer's file source (positioned reads of the file, nothing in memory)", () => {
    const file = path.join(tmpdir("quarry-ext4-"), "ext4.img");
    fs.writeFileSync(file, image("ext4"));
    const disk = openContainer(file);
    try {
      expect(disk.type).toBe("raw");
      const back = ext4Type.open(disk.source, "ext4.img").backend;
      for (const p of ["/frag.bin", "/sparse.bin", "/many/entry-with-a-longer-name-299"]) {
        const h = back.open(p);
        const buf = new Uint8Array(h.size);
        expect(h.read(buf, 0, h.size, 0)).toBe(h.size);
        expect(crypto.createHash("sha256").update(buf).digest("hex"), p).toBe(sha256s("ext4").get(p));
      }
    } finally {
      disk.source.close();
    }
  });
});

describe("ext damage raises DiskError at the byte", () => {
  it("superblock: block size, group geometry, magic", () => {
    let img = image("ext4");
    img[1024 + 0x18] = 7;
    diskError(() => open(img), 1024 + 0x18, /s_log_block_size 7/);
    img = image("ext4");
    le32set(img, 1024 + 0x28, 0);
    diskError(() => open(img), 1024 + 0x28, /s_inodes_per_group 0/);
    img = image("ext4");
    le16set(img, 1024 + 0x58, 200);
    diskError(() => open(img), 1024 + 0x58, /s_inode_size 200/);
    img = image("ext4");
    img[1024 + 0x38] = 0;
    expect(ext4Type.probe(new BufferSource(img))).toBe(false);
    diskError(() => open(img), 1024 + 0x38, /magic/);
    diskError(() => open(image("ext4").slice(0, 1500)), 1024, /runs past the end/);
    img = image("ext4");
    img[1024 + 0x60 + 2] = img[1024 + 0x60 + 2]! | 0x40; // incompat 0x400000: no such feature
    diskError(() => open(img), 1024 + 0x60, /unknown incompatible features 0x400000/);
  });

  it("an extent tree block that points to itself is refused by its depth, not walked", () => {
    const img = image("ext4");
    const leaf = Number(/\(ETB0\):(\d+)/.exec(debugfsStats("ext4").get("/frag.bin")!)![1]);
    const at = leaf * 4096;
    le16set(img, at + 6, 1); // the leaf now claims to be an index node…
    le32set(img, at + 16, leaf); // …whose first child is itself
    le16set(img, at + 20, 0);
    const fs = open(img);
    diskError(() => readAllOf(fs, "/frag.bin"), at + 6, /depth 1 where 0 was expected/);
  });

  it("an extent root deeper than the kernel allows", () => {
    const img = image("ext4");
    const at = inodeAt(img, inoOf(img, "/frag.bin")) + 0x28;
    le16set(img, at + 6, 6);
    diskError(() => readAllOf(open(img), "/frag.bin"), at + 6, /depth 6/);
  });

  it("an extent past the filesystem", () => {
    const img = image("ext4");
    const ino = inoOf(img, "/seq.bin");
    const at = inodeAt(img, ino);
    le32set(img, at + 0x28 + 12 + 8, 0xfffffff0); // the first extent's ee_start_lo
    diskError(() => readAllOf(open(img), "/seq.bin"), at, /outside the filesystem/);
  });

  it("a block map pointer past the filesystem (ext2)", () => {
    const img = image("ext2");
    const ino = inoOf(img, "/seq.bin");
    const at = inodeAt(img, ino);
    le32set(img, at + 0x28 + 4 * 12, 0x7fffffff); // the single indirect pointer
    diskError(() => readAllOf(open(img), "/seq.bin"), at + 0x28 + 48, /indirect block: block 2147483647/);
  });

  it("a directory entry with rec_len 0, and one naming an inode past s_inodes_count", () => {
    let img = image("ext4");
    const block = Number(/EXTENTS:\n\(0\):(\d+)/.exec(debugfsStats("ext4").get("/")!)![1]);
    le16set(img, block * 4096 + 4, 0); // "."'s rec_len
    diskError(() => open(img).readdir("/"), block * 4096 + 4, /rec_len 0/);
    img = image("ext4");
    // the third entry of the root block ("lost+found", after "." and ".."): its inode number
    le32set(img, block * 4096 + 24, 0x7ffffff0);
    diskError(() => open(img).lstat("/lost+found"), block * 4096 + 24, /inode 2147483632 is not in 1/);
  });

  it("sizes: i_size_high past 2^53, a symlink longer than a block", () => {
    let img = image("ext4");
    const at = inodeAt(img, inoOf(img, "/hello.txt"));
    le32set(img, at + 0x6c, 0x00400000);
    diskError(() => open(img).lstat("/hello.txt"), at + 0x6c, /i_size_high/);
    img = image("ext4");
    const link = inodeAt(img, inoOf(img, "/slow-link"));
    le32set(img, link + 0x04, 5000);
    diskError(() => open(img).readlink("/slow-link"), link + 0x04, /longer than a block/);
  });
});
