// The v4 fixture (no CRCs, version 2 inodes, no ftype, 8 KiB directory blocks), filled by mkfs.xfs -p from a
// protofile because this kernel no longer mounts v4: names and inode numbers of every directory against
// `xfs_db ls`, inode fields against `xfs_db print`, contents against the staged source files' SHA-256.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { xfsType } from "../../../../src/disk/fs/xfs/index.js";
import { DiskError, type OpenedFilesystem } from "../../../../src/disk/types.js";
import { readAll } from "../../../../src/fs/read.js";
import { BufferSource } from "../../../../src/fs/tar/source.js";
import type { FileType } from "../../../../src/fs/types.js";
import { FIXTURES, PatchedSource, be } from "./fixture.js";

const V4 = path.join(FIXTURES, "v4");
const read = (name: string) => fs.readFileSync(path.join(V4, name), "utf8");

let image: Uint8Array;
let fsys: OpenedFilesystem;

beforeAll(() => {
  image = new Uint8Array(gunzipSync(fs.readFileSync(path.join(V4, "xfs-v4.img.gz"))));
  fsys = xfsType.open(new BufferSource(image), "xfs-v4.img");
});

/** `xfs_db ls DIR` sections: dir → name → inode number (without "." and ".."). */
function listings(): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  let cur: Map<string, number> | null = null;
  for (const line of read("xfs_db-ls.txt").split("\n")) {
    const head = /^(\/.*):$/.exec(line);
    if (head) out.set(head[1]!, (cur = new Map()));
    const m = /^\d+\s+(\d+)\s+\S+\s+0x[0-9a-f]+\s+\d+ (.*) \(good\)$/.exec(line);
    if (m && cur && m[2] !== "." && m[2] !== "..") cur.set(m[2]!, Number(m[1]));
  }
  return out;
}

/** `xfs_db path P -c print` sections: path → field → value. */
function prints(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let cur = new Map<string, string>();
  for (const line of read("xfs_db-inodes.txt").split("\n")) {
    if (line.startsWith("== ")) out.set(line.slice(3), (cur = new Map()));
    const at = line.indexOf(" = ");
    if (at > 0) cur.set(line.slice(0, at), line.slice(at + 3));
  }
  return out;
}

const TYPE_BITS: Record<number, FileType> = { 0o10: "file", 0o04: "dir", 0o12: "symlink", 0o02: "chardev", 0o01: "fifo" };

describe("XFS v4 fixture against xfs_db", () => {
  it("opens with the uuid, label and size xfs_db prints", () => {
    const sb = new Map(read("xfs_db-sb.txt").split("\n").filter((l) => l.includes(" = ")).map((l) => l.split(" = ") as [string, string]));
    expect(sb.get("versionnum")).toMatch(/^0x[0-9a-f]*4$/);
    expect(fsys.uuid).toBe(sb.get("uuid"));
    expect(fsys.label).toBe("quarryv4");
    expect(fsys.size).toBe(Number(sb.get("dblocks")) * Number(sb.get("blocksize")));
    expect(sb.get("dirblklog")).toBe("1");
  });

  it("every directory lists the names and inode numbers xfs_db ls shows", () => {
    const ls = listings();
    expect(ls.get("/nodedir")!.size).toBe(3000);
    for (const [dir, names] of ls) {
      const got = fsys.backend.readdir(dir);
      expect(got.map((e) => e.name).sort(), dir).toEqual([...names.keys()].sort());
      for (const [name, ino] of names) {
        expect(fsys.backend.lstat(dir === "/" ? `/${name}` : `${dir}/${name}`)!.ino, `${dir}/${name}`).toBe(ino);
      }
    }
  });

  it("inode fields match xfs_db print, with the type taken from the inode (no ftype)", () => {
    const all = prints();
    expect(all.get("/nodedir")!.get("core.format")).toBe("3 (btree)");
    for (const [p, f] of all) {
      const st = fsys.backend.lstat(p)!;
      const mode = parseInt(f.get("core.mode")!, 8);
      const sec = Date.parse(`${f.get("core.mtime.sec")} UTC`) / 1000;
      expect(
        { type: st.type, mode: st.mode, uid: st.uid, gid: st.gid, nlink: st.nlink, size: st.size, mtime: [st.mtime!.seconds, st.mtime!.micros], btime: st.btime },
        p,
      ).toEqual({
        type: TYPE_BITS[mode >> 12],
        mode: mode & 0o7777,
        uid: Number(f.get("core.uid")),
        gid: Number(f.get("core.gid")),
        nlink: Number(f.get("core.nlinkv2")),
        size: st.type === "chardev" || st.type === "fifo" ? 0 : Number(f.get("core.size")),
        mtime: [sec, Math.floor(Number(f.get("core.mtime.nsec")) / 1000)],
        btime: null,
      });
    }
    expect(fsys.backend.readdir("/").find((e) => e.name === "fifo")!.type).toBe("fifo");
  });

  it("files hash as their sources; symlinks (local and remote, no headers) give the protofile's targets", () => {
    for (const line of read("sha256sum.txt").trim().split("\n")) {
      const [sum, name] = line.split(/\s+/);
      const p = { hostname: "/etc/hostname", passwd: "/etc/passwd", "random.bin": "/random.bin", "leaf.txt": "/a/b/c/leaf.txt" }[name!]!;
      expect(crypto.createHash("sha256").update(readAll(fsys.backend.open(p))).digest("hex"), p).toBe(sum);
    }
    const proto = read("proto").split("\n");
    const target = (name: string) => proto.find((l) => l.startsWith(`${name} l--`))!.split(" ").slice(4).join(" ");
    expect(fsys.backend.readlink("/link-local")).toBe(target("link-local"));
    expect(fsys.backend.readlink("/link-remote")).toBe(target("link-remote"));
    expect(fsys.backend.readlink("/link-remote").length).toBe(600);
  });

  it("v4 metadata blocks are checked by their own magics", () => {
    const ino = listings().get("/")!.get("nodedir")!;
    const sb = new Map(read("xfs_db-sb.txt").split("\n").filter((l) => l.includes(" = ")).map((l) => l.split(" = ") as [string, string]));
    const [bs, agblocks, agblklog, inopblog, isize] = ["blocksize", "agblocks", "agblklog", "inopblog", "inodesize"].map((k) => Number(sb.get(k)));
    const at = (Math.floor(ino / 2 ** (agblklog! + inopblog!)) * agblocks! + ((ino >> inopblog!) & (2 ** agblklog! - 1))) * bs! + (ino & (2 ** inopblog! - 1)) * isize!;
    // the v2 inode core is 100 bytes; the BMBT root's first pointer follows its keys
    const forkoff = image[at + 82]! * 8;
    const maxrecs = Math.floor(((forkoff || isize! - 100) - 4) / 16);
    const ptr = Number(new DataView(image.buffer, image.byteOffset).getBigUint64(at + 100 + 4 + maxrecs * 8));
    const child = (Math.floor(ptr / 2 ** agblklog!) * agblocks! + (ptr % 2 ** agblklog!)) * bs!;
    const b = xfsType.open(new PatchedSource(image, be(child, 0x424d4133, 4)), "v4").backend;
    let err: unknown;
    try {
      b.readdir("/nodedir");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiskError);
    expect((err as DiskError).message).toMatch(/no BMAP magic/);
    expect((err as DiskError).offset).toBe(child);
  });
});
