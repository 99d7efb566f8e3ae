// The tar index and reads, through Target.open on archives built inside the tests.
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { Target } from "../../src/target.js";
import { FsError } from "../../src/fs/types.js";
import { entry, gnuLongLink, gnuLongName, gnuSparse, pax, paxSparse00, paxSparse01, paxSparse10, scratch, tar, tarStream } from "./tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
afterAll(() => s.cleanup());
let n = 0;
async function open(archive: Buffer, name = `t${n++}.tar`): Promise<Target> {
  return openTarget(s.file(name, archive));
}

const osMarkers = [entry({ name: "etc/os-release", data: "ID=debian\n" }), entry({ name: "var/log/", flag: "5" }), entry({ name: "etc/hostname", data: "web01\n" })];

describe("tar index and reads", () => {
  it("reads a tar-stream archive: files, dirs, metadata, symlinks, hard links", async () => {
    const buf = await tarStream([
      { header: { name: "etc", type: "directory", mode: 0o755 } },
      { header: { name: "etc/hostname", mode: 0o640, uid: 1000, gid: 100, mtime: new Date(1_700_000_123_000) }, data: "web01\n" },
      { header: { name: "etc/passwd" }, data: "root:x:0:0:root:/root:/bin/bash\n" },
      { header: { name: "var/log", type: "directory" } },
      { header: { name: "etc/motd", type: "symlink", linkname: "/etc/hostname" } },
      { header: { name: "etc/hard", type: "link", linkname: "etc/passwd" } },
    ]);
    const t = await open(buf);
    expect(t.loader).toBe("tar");
    expect(t.hostname).toBe("web01");
    expect(t.fs.readText("/etc/hostname")).toBe("web01\n");
    const st = t.fs.stat("/etc/hostname");
    expect(st).toMatchObject({ type: "file", size: 6, mode: 0o640, uid: 1000, gid: 100 });
    expect(st.mtime?.toSeconds()).toBe(1_700_000_123);
    expect(t.fs.lstat("/etc/motd").type).toBe("symlink");
    expect(t.fs.readlink("/etc/motd")).toBe("/etc/hostname");
    expect(t.fs.readText("/etc/motd")).toBe("web01\n");
    expect(t.fs.readText("/etc/hard")).toBe("root:x:0:0:root:/root:/bin/bash\n");
    expect(t.fs.stat("/etc/hard").ino).toBe(t.fs.stat("/etc/passwd").ino);
    expect(t.fs.readdir("/etc")).toEqual(["hard", "hostname", "motd", "passwd"]);
    expect(t.warnings).toEqual([]);
    // positioned reads in the middle of a member
    const h = t.fs.open("/etc/passwd");
    const b = Buffer.alloc(4);
    expect(h.read(b, 0, 4, 5)).toBe(4);
    expect(b.toString()).toBe("x:0:");
    expect(h.read(b, 0, 4, 1000)).toBe(0);
    t.close();
  });

  it("implies directories when the archive has no directory entries", async () => {
    const t = await open(tar(entry({ name: "etc/os-release", data: "ID=x\n" }), entry({ name: "var/log/syslog", data: "hello\n" }), entry({ name: "var/log/apt/history.log", data: "h\n" })));
    expect(t.fs.isDir("/var/log/apt")).toBe(true);
    expect(t.fs.readdir("/var/log")).toEqual(["apt", "syslog"]);
    expect(t.fs.glob("/var/log/**/*.log")).toEqual(["/var/log/apt/history.log"]);
    expect(t.fs.isFile("/etc/os-release")).toBe(true);
    t.close();
  });

  it("GNU long names and long links", async () => {
    const long = "var/" + "d".repeat(120) + "/" + "f".repeat(130) + ".log";
    const longTarget = "/" + "t".repeat(150);
    const t = await open(
      tar(
        gnuLongName(long),
        entry({ name: long.slice(0, 100), data: "long\n", gnu: true }),
        gnuLongName("etc/longlink"),
        gnuLongLink(longTarget),
        entry({ name: "etc/longlink", flag: "2", linkname: longTarget.slice(0, 100), gnu: true }),
      ),
    );
    expect(t.fs.readText("/" + long)).toBe("long\n");
    expect(t.fs.readlink("/etc/longlink")).toBe(longTarget);
    t.close();
  });

  it("v7 directories (type '0' with a trailing slash)", async () => {
    const t = await open(tar(entry({ name: "olddir/", data: "" }), entry({ name: "olddir/f", data: "f" })));
    expect(t.fs.stat("/olddir").type).toBe("dir");
    // nothing about the members (the root being no system root is said, as for every such archive)
    expect(t.warnings.filter((w) => !w.startsWith("no collection layout fits"))).toEqual([]);
    t.close();
  });

  it("PAX and GNU names: a member whose path is PATH_MAX (4096 bytes, with its leading /) is kept, longer is skipped with a warning; an oversized header is skipped and the scan goes on", async () => {
    const at4096 = "d/" + "p".repeat(4093); // "/d/ppp…": 4096 bytes
    const t = await open(
      tar(
        pax({ path: at4096 }),
        entry({ name: "ok", data: "kept\n" }),
        pax({ path: at4096 + "q" }),
        entry({ name: "toolong", data: "x" }),
        pax({ linkpath: "/" + "l".repeat(4096) }),
        entry({ name: "d/link", flag: "2", linkname: "x" }),
        entry({ name: "big", flag: "x", data: Buffer.alloc(1024 * 1024 + 1, 0x41) }),
        entry({ name: "d/afterbig", data: "gone" }),
        entry({ name: "d/last", data: "last\n" }),
      ),
    );
    expect(t.fs.readText("/" + at4096)).toBe("kept\n");
    expect([...t.fs.readdir("/d")].sort()).toEqual(["last", "p".repeat(4093)]);
    const w = t.warnings.join("\n");
    expect(w).toMatch(/PAX path of 4096 bytes at offset \d+, longer than PATH_MAX \(4096\); skipped/);
    expect(w).toMatch(/PAX linkpath of 4097 bytes/);
    expect(w).toMatch(/'x' header at offset \d+ claims 1048577 bytes \(more than the 1048576-byte cap\); skipped/);
    t.close();
  });

  it("ustar prefix field", async () => {
    const t = await open(tar(entry({ name: "file.txt", prefix: "usr/share/doc/pkg", data: "p\n" })));
    expect(t.fs.readText("/usr/share/doc/pkg/file.txt")).toBe("p\n");
    t.close();
  });

  it("PAX: path, linkpath, size, mtime with fractions, uid/gid, global headers", async () => {
    const name = "home/" + "ü".repeat(80) + "/notes.txt";
    const t = await open(
      tar(
        entry({ name: "pax_global_header", flag: "g", data: Buffer.from("18 uid=4242424242\n") }),
        pax({ path: name, mtime: "1700000000.123456789", uid: "3000000000", gid: "7" }),
        entry({ name: "home/short", data: "pax\n" }),
        pax({ linkpath: "/" + "l".repeat(200) }),
        entry({ name: "home/link", flag: "2", linkname: "x" }),
        pax({ size: "5" }),
        entry({ name: "home/sized", data: "12345", size: 0 }),
        entry({ name: "home/after", data: "after\n" }),
      ),
    );
    const st = t.fs.stat("/" + name);
    expect(t.fs.readText("/" + name)).toBe("pax\n");
    expect(st.uid).toBe(3_000_000_000);
    expect(st.gid).toBe(7);
    expect(st.mtime?.seconds).toBe(1_700_000_000);
    expect(st.mtime?.micros).toBe(123_456);
    expect(t.fs.stat("/home/after").uid).toBe(4_242_424_242); // global header applies to later members
    expect(t.fs.readlink("/home/link")).toBe("/" + "l".repeat(200));
    expect(t.fs.readText("/home/sized")).toBe("12345");
    expect(t.fs.readText("/home/after")).toBe("after\n");
    t.close();
  });

  it("base-256 numeric fields", async () => {
    const t = await open(tar(entry({ name: "f", data: "x", uid: 0x1_0000_0001, base256Uid: true })));
    expect(t.fs.stat("/f").uid).toBe(0x1_0000_0001);
    t.close();
  });

  it("duplicate members: the last one wins, with a warning", async () => {
    const t = await open(tar(entry({ name: "etc/hostname", data: "old\n" }), entry({ name: "./etc/hostname", data: "new\n" }), entry({ name: "etc/", flag: "5" }), entry({ name: "etc/", flag: "5", mode: 0o700 })));
    expect(t.fs.readText("/etc/hostname")).toBe("new\n");
    expect(t.fs.stat("/etc").mode).toBe(0o700);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toMatch(/etc\/hostname.*last one wins/);
    t.close();
  });

  it("'../evil' is skipped with a warning; '/etc/x' lands at /etc/x; nothing outside the target is touched", async () => {
    const t = await open(
      tar(
        ...osMarkers,
        entry({ name: "../evil", data: "evil" }),
        entry({ name: "a/../../evil2", data: "evil" }),
        entry({ name: "/etc/x", data: "abs\n" }),
        entry({ name: "etc/escape", flag: "2", linkname: "../../../../../../etc/passwd" }),
        entry({ name: "etc/absescape", flag: "2", linkname: "/../../etc/passwd" }),
        entry({ name: "etc/hl", flag: "1", linkname: "../../etc/passwd" }),
      ),
    );
    expect(t.fs.readText("/etc/x")).toBe("abs\n");
    expect(t.warnings.filter((w) => /'\.\.'/.test(w))).toHaveLength(3);
    expect(t.fs.readdir("/")).toEqual(["etc", "var"]);
    // Links that climb resolve inside the target: the image has no /etc/passwd, so they are missing.
    expect(t.fs.exists("/etc/escape")).toBe(false);
    expect(t.fs.exists("/etc/absescape")).toBe(false);
    expect(() => t.fs.readFile("/etc/escape")).toThrow(FsError);
    expect(fs.readdirSync(s.dir).some((f) => f.includes("evil"))).toBe(false);
    t.close();
  });

  it("a symlink loop ends in ELOOP", async () => {
    const t = await open(tar(entry({ name: "a", flag: "2", linkname: "b" }), entry({ name: "b", flag: "2", linkname: "/a" }), entry({ name: "self", flag: "2", linkname: "self/x" })));
    expect(() => t.fs.readFile("/a")).toThrow(/ELOOP/);
    expect(() => t.fs.stat("/self")).toThrow(/ELOOP/);
    expect(t.fs.lstat("/a").type).toBe("symlink");
    t.close();
  });

  it("hard link to a missing member is skipped with a warning", async () => {
    const t = await open(tar(entry({ name: "x", flag: "1", linkname: "nothere" }), entry({ name: "y", data: "y" })));
    expect(t.fs.exists("/x")).toBe(false);
    expect(t.warnings.join("\n")).toMatch(/hard link to "nothere"/);
    t.close();
  });

  const segs = (): [number, Buffer][] => [
    [0, Buffer.from("HEAD")],
    [10_000, Buffer.from("middle")],
    [1_000_000, Buffer.from("tail!")],
  ];
  const expectSparse = (t: Target, p: string): void => {
    const data = t.fs.readFile(p);
    expect(data.length).toBe(1_000_005);
    expect(data.subarray(0, 4).toString()).toBe("HEAD");
    expect(data.subarray(4, 10_000).every((b) => b === 0)).toBe(true);
    expect(data.subarray(10_000, 10_006).toString()).toBe("middle");
    expect(data.subarray(1_000_000).toString()).toBe("tail!");
    const h = t.fs.open(p);
    const b = Buffer.alloc(8);
    expect(h.read(b, 0, 8, 9_998)).toBe(8);
    expect([...b]).toEqual([0, 0, ...Buffer.from("middle")]);
  };

  it("GNU old sparse members (with extension blocks)", async () => {
    const many: [number, Buffer][] = Array.from({ length: 30 }, (_, i) => [i * 1000, Buffer.from(`s${i}`)]);
    const t = await open(tar(gnuSparse("var/sparse", 1_000_005, segs()), gnuSparse("var/many", 40_000, many), entry({ name: "var/after", data: "ok" })));
    expectSparse(t, "/var/sparse");
    const m = t.fs.readFile("/var/many");
    expect(m.length).toBe(40_000);
    expect(m.subarray(29_000, 29_003).toString()).toBe("s29");
    expect(t.fs.readText("/var/after")).toBe("ok");
    t.close();
  });

  it("PAX sparse members 0.0, 0.1 and 1.0", async () => {
    const t = await open(tar(paxSparse00("var/s00", 1_000_005, segs()), paxSparse01("var/s01", 1_000_005, segs()), paxSparse10("var/s10", 1_000_005, segs()), entry({ name: "var/after", data: "ok" })));
    expectSparse(t, "/var/s00");
    expectSparse(t, "/var/s01");
    expectSparse(t, "/var/s10");
    expect(t.fs.readdir("/var")).toEqual(["after", "s00", "s01", "s10"]);
    expect(t.fs.readText("/var/after")).toBe("ok");
    t.close();
  });

  it("a sparse member that cannot be expanded is a clear warning naming it", async () => {
    const t = await open(tar(pax({ "GNU.sparse.major": "9", "GNU.sparse.minor": "0", "GNU.sparse.name": "var/weird", "GNU.sparse.realsize": "10" }), entry({ name: "GNUSparseFile.0/weird", data: "x" }), entry({ name: "var/ok", data: "ok" })));
    expect(t.warnings.join("\n")).toMatch(/sparse member "var\/weird".*unsupported GNU sparse format 9\.0/);
    expect(t.fs.exists("/var/weird")).toBe(false);
    expect(t.fs.readText("/var/ok")).toBe("ok");
    t.close();
  });

  it("a corrupt header ends the index with a warning; earlier members stay readable", async () => {
    const t = await open(tar(entry({ name: "a", data: "a" }), entry({ name: "b", data: "b", badChecksum: true }), entry({ name: "c", data: "c" })));
    expect(t.fs.readText("/a")).toBe("a");
    expect(t.fs.exists("/c")).toBe(false);
    expect(t.warnings.join("\n")).toMatch(/bad checksum/);
    t.close();
  });

  it("a truncated archive: warning, short reads, no crash", async () => {
    const full = tar(entry({ name: "a", data: "a" }), entry({ name: "big", data: Buffer.alloc(5000, 7) }));
    const t = await open(full.subarray(0, 512 * 4));
    expect(t.fs.readText("/a")).toBe("a");
    expect(t.warnings.join("\n")).toMatch(/"big".*truncated/);
    expect(t.fs.readFile("/big").length).toBeLessThan(5000);
    t.close();
  });

  it("a single top folder that looks like an OS root becomes /", async () => {
    const t = await open(tar(entry({ name: "web01/etc/hostname", data: "web01\n" }), entry({ name: "web01/var/log/x", data: "x" })));
    expect(t.fs.readText("/etc/hostname")).toBe("web01\n");
    expect(t.hostname).toBe("web01");
    t.close();
  });
});
