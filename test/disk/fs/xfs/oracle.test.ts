// The fixture read through the XFS backend against what Linux showed of the same filesystem mounted: every
// entry's inode number, type, mode, owner, link count, size, times and link target (find -printf), every
// directory's names, and the SHA-256 of every file (sha256sum). Expected values come only from those files.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { xfsType } from "../../../../src/disk/fs/xfs/index.js";
import type { OpenedFilesystem } from "../../../../src/disk/types.js";
import { BufferSource } from "../../../../src/fs/tar/source.js";
import type { FileType, FsBackend } from "../../../../src/fs/types.js";
import { hashFile } from "../../helpers.js";
import { FIXTURES, findRows, findTime, sha256s, superblockPrint, xfsImage, type FindRow } from "./fixture.js";

const TYPES: Record<string, FileType> = { f: "file", d: "dir", l: "symlink", p: "fifo", c: "chardev", b: "blockdev", s: "socket" };

let fsys: OpenedFilesystem;
let b: FsBackend;
let rows: FindRow[];

beforeAll(() => {
  fsys = xfsType.open(new BufferSource(xfsImage()), "xfs.img");
  b = fsys.backend;
  rows = findRows();
});

const sha = (p: string, chunk: number): string => hashFile(b, p, chunk);

describe("XFS fixture against the mounted filesystem", () => {
  it("probes and opens with the uuid, label and size xfs_db prints", () => {
    const sb = superblockPrint();
    expect(xfsType.probe(new BufferSource(xfsImage()))).toBe(true);
    expect(fsys.type).toBe("xfs");
    expect(fsys.uuid).toBe(sb.get("uuid"));
    expect(fsys.label).toBe(JSON.parse(sb.get("fname")!.replace(/\\000/g, "")));
    expect(fsys.size).toBe(Number(sb.get("dblocks")) * Number(sb.get("blocksize")));
  });

  it("the fixture holds every directory form and both extent-map forms (xfs_db)", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
    const format = (p: string) => new RegExp(`== ${p.replace(".", "\\.")} inode \\d+\\n(?:.*\\n)*?core\\.format = \\d \\((\\w+)\\)`).exec(text)?.[1];
    expect(format("./short")).toBe("local");
    expect(format("./blockdir")).toBe("extents");
    expect(format("./leafdir")).toBe("extents");
    expect(format("./nodedir")).toBe("btree");
    expect(format("./fragmented.bin")).toBe("btree");
    expect(format("./link-local")).toBe("local");
    expect(format("./link-remote")).toBe("extents");
  });

  it("lstat of every entry matches find -printf", () => {
    expect(rows.length).toBeGreaterThan(5000);
    for (const r of rows) {
      const st = b.lstat(r.path);
      expect(st, r.path).not.toBeNull();
      const got = {
        ino: st!.ino,
        type: st!.type,
        mode: st!.mode,
        uid: st!.uid,
        gid: st!.gid,
        nlink: st!.nlink,
        size: st!.size,
        mtime: [st!.mtime?.seconds, st!.mtime?.micros],
        atime: [st!.atime?.seconds, st!.atime?.micros],
        ctime: [st!.ctime?.seconds, st!.ctime?.micros],
      };
      const t = (s: string) => [findTime(s).seconds, findTime(s).micros];
      expect(got, r.path).toEqual({
        ino: r.ino,
        type: TYPES[r.y],
        mode: r.mode,
        uid: r.uid,
        gid: r.gid,
        nlink: r.nlink,
        size: r.size,
        mtime: t(r.mtime),
        atime: t(r.atime),
        ctime: t(r.ctime),
      });
    }
  });

  it("readdir of every directory gives the names and types find saw below it", () => {
    const children = new Map<string, Map<string, FileType>>();
    for (const r of rows) {
      if (r.path === "/") continue;
      const parent = r.path.slice(0, r.path.lastIndexOf("/")) || "/";
      const m = children.get(parent) ?? new Map<string, FileType>();
      m.set(r.path.slice(r.path.lastIndexOf("/") + 1), TYPES[r.y]!);
      children.set(parent, m);
    }
    for (const r of rows.filter((x) => x.y === "d")) {
      const want = [...(children.get(r.path) ?? new Map<string, FileType>())].sort();
      const got = b.readdir(r.path).map((e) => [e.name, e.type] as [string, FileType]).sort();
      expect(got, r.path).toEqual(want);
    }
    expect(children.get("/nodedir")!.size).toBe(5000 - 52 + 1);
  });

  it("readlink gives find's %l for local and remote symlinks", () => {
    const links = rows.filter((r) => r.y === "l");
    expect(links.map((r) => r.path).sort()).toEqual(["/link-local", "/link-remote"]);
    for (const r of links) expect(b.readlink(r.path)).toBe(r.link);
    expect(b.readlink("/link-remote").length).toBe(700);
  });

  it("every non-empty file hashes as sha256sum said, read in odd chunk sizes", () => {
    const sums = sha256s();
    expect(sums.size).toBeGreaterThan(60);
    for (const [p, sum] of sums) expect(sha(p, 65_521), p).toBe(sum);
    for (const p of ["/sparse.bin", "/fragmented.bin", "/unwritten.bin", "/var/log/random.bin"]) {
      expect(sha(p, 4093), p).toBe(sums.get(p));
    }
    for (const r of rows.filter((x) => x.y === "f" && x.size === 0)) expect(b.open(r.path).size).toBe(0);
  });

  it("the creation time is xfs_db's v3.crtime", () => {
    // xfs_db prints "v3.crtime.sec = Thu Dec  3 09:16:01 2026" in the generating machine's zone (UTC).
    const text = fs.readFileSync(path.join(FIXTURES, "xfs_db-inodes.txt"), "utf8");
    const m = /== \.\/fragmented\.bin inode \d+\n(?:.*\n)*?v3\.crtime\.sec = (.*)\nv3\.crtime\.nsec = (\d+)/.exec(text)!;
    const btime = b.lstat("/fragmented.bin")!.btime!;
    expect(btime.seconds).toBe(Date.parse(`${m[1]} UTC`) / 1000);
    expect(btime.micros).toBe(Math.floor(Number(m[2]) / 1000));
  });

  it("a hard link is the same inode", () => {
    expect(b.lstat("/hardlink-passwd")!.ino).toBe(b.lstat("/etc/passwd")!.ino);
    expect(b.lstat("/etc/passwd")!.nlink).toBe(2);
  });

  it("refuses what is not a regular file or a directory as POSIX does", () => {
    expect(b.lstat("/no/such")).toBeNull();
    expect(() => b.open("/etc")).toThrow(/EISDIR/);
    expect(() => b.open("/fifo")).toThrow(/EINVAL/);
    expect(() => b.open("/link-local")).toThrow(/EINVAL/);
    expect(() => b.readdir("/etc/hostname")).toThrow(/ENOTDIR/);
    expect(() => b.readlink("/etc/hostname")).toThrow(/EINVAL/);
    expect(() => b.readdir("/missing")).toThrow(/ENOENT/);
  });
});
