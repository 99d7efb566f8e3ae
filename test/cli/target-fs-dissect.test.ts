// target-fs as a dissect user expects it (issue 17 §2): ls -l/-h/-a/-R, globs in every PATH, find -name/-type,
// cat of several files, stat -L after the command, cp -o DIR that never writes outside DIR, walk as asked.
import nodeFs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-fs.js";
import { safeName } from "../../src/cli/fs/cp.js";
import { humanSize } from "../../src/cli/fs/format.js";
import { describeMagic } from "../../src/cli/fs/magic.js";
import { captureIO } from "./helpers.js";
import { entry, scratch, tar } from "../fs/tarbuild.js";

const s = scratch();
afterAll(() => s.cleanup());
const ORACLE = path.resolve(import.meta.dirname, "../../fixtures/shell");
const sample = nodeFs.readFileSync(path.join(ORACLE, "sample.bin"));

async function run(...argv: string[]) {
  const c = captureIO();
  const code = await main(argv, c.io);
  return { code, out: c.stdout(), stdout: c.stdout().toString("utf8"), stderr: c.stderr() };
}

const T = 1_700_000_000;
const img = s.file(
  "img.tar",
  tar(
    entry({ name: "etc/", flag: "5", mode: 0o755, mtime: T }),
    entry({ name: "etc/hostname", data: "cli01\n", mode: 0o640, mtime: T }),
    entry({ name: "etc/.hidden", data: "h\n", mtime: T }),
    entry({ name: "etc/localtime", flag: "2", linkname: "/usr/share/zoneinfo/UTC", mtime: T }),
    entry({ name: "usr/share/zoneinfo/UTC", data: "TZif2", mtime: T }),
    entry({ name: "var/log/", flag: "5", mode: 0o755, mtime: T }),
    entry({ name: "var/log/wtmp", data: Buffer.alloc(384 * 2), mtime: T }),
    entry({ name: "var/log/btmp", data: Buffer.alloc(5000), mtime: T }),
    entry({ name: "var/log/auth.log", data: "a\n", mtime: T }),
    entry({ name: "var/log/sample.bin", data: sample, mtime: T }),
    entry({ name: "var/log/old/auth.log.1", data: "b\n", mtime: T }),
    entry({ name: "var/log/esc\x1b[31m..name", data: "e\n", mtime: T }),
    entry({ name: "var/log/out", flag: "2", linkname: "../../../../../etc/passwd", mtime: T }),
    entry({ name: "var/log/fifo", flag: "6", mtime: T }),
    entry({ name: "var/log/a%2Fb", data: "pct\n", mtime: T }),
  ),
);

describe("target-fs ls", () => {
  it("hides dotfiles unless -a; -h human sizes; -R recursive", async () => {
    expect((await run("-q", img, "ls", "/etc")).stdout).toBe("hostname\nlocaltime\n");
    expect((await run("-q", img, "ls", "-a", "/etc")).stdout).toBe(".hidden\nhostname\nlocaltime\n");
    const lh = await run("-q", img, "ls", "-lh", "/var/log/btmp");
    expect(lh.stdout).toMatch(/^-rw-r--r-- +0 +0 +4\.9K 2023-11-14 22:13:20 \/var\/log\/btmp\n$/);
    const r = await run("-q", img, "ls", "-R", "/var/log");
    expect(r.stdout).toMatch(/^\/var\/log:\n/);
    expect(r.stdout).toMatch(/\n\n\/var\/log\/old:\nauth\.log\.1\n$/);
    expect(r.stdout).toContain("esc\\x1b[31m..name\n"); // escaped as ls -b
  });

  it("expands globs in every PATH inside the target", async () => {
    expect((await run("-q", img, "ls", "/var/log/*tmp")).stdout).toBe("/var/log/btmp\n/var/log/wtmp\n");
    const c = await run("-q", img, "cat", "/var/log/auth.log", "/var/log/old/*");
    expect(c.stdout).toBe("a\nb\n");
    const none = await run("-q", img, "ls", "/var/log/*.nothing");
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/ENOENT.*\/var\/log\/\*\.nothing/);
  });

  it("humanSize as GNU ls -h rounds (up, one decimal below 10)", () => {
    expect([0, 1023, 1024, 1025, 5000, 10 * 1024, 1536 * 1024, 1024 ** 3].map(humanSize)).toEqual(["0", "1023", "1.0K", "1.1K", "4.9K", "10K", "1.5M", "1.0G"]);
  });
});

describe("target-fs find, stat, walk", () => {
  it("find with **, -name and -type", async () => {
    expect((await run("-q", img, "find", "/var/**/auth*")).stdout).toBe("/var/log/auth.log\n/var/log/old/auth.log.1\n");
    expect((await run("-q", img, "find", "/var", "-name", "auth.log*")).stdout).toBe("/var/log/auth.log\n/var/log/old/auth.log.1\n");
    expect((await run("-q", img, "find", "/var/log", "-type", "d")).stdout).toBe("/var/log/old\n");
    expect((await run("-q", img, "find", "/", "-type", "l")).stdout).toBe("/etc/localtime\n/var/log/out\n");
    await expect(run("-q", img, "find", "/", "-type", "x")).rejects.toThrow(/-type x: expected one of/);
  });

  it("stat -L after the command is stat's (dereference), not the loader option", async () => {
    expect((await run("-q", img, "stat", "/etc/localtime")).stdout).toMatch(/type: symlink/);
    const l = await run("-q", img, "stat", "-L", "/etc/localtime");
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/path: \/etc\/localtime\n {2}type: file\n {2}size: 5\n/);
    expect((await run("-q", img, "stat", "--dereference", "/etc/localtime")).stdout).toMatch(/type: file/);
  });

  it("walk shows the path asked for, not its resolved form", async () => {
    const w = await run("-q", img, "walk", "/var/log/../log/old");
    expect(w.stdout).toBe("/var/log/old/auth.log.1\n");
  });
});

describe("target-fs hexdump, hash, file, readlink, tree", () => {
  it("hexdump is hexdump -C; hash is md5sum/sha1sum/sha256sum (committed oracles)", async () => {
    expect((await run("-q", img, "hexdump", "/var/log/sample.bin")).stdout).toBe(nodeFs.readFileSync(path.join(ORACLE, "sample.bin.hexdump-C.txt"), "utf8"));
    expect((await run("-q", img, "hexdump", "-s", "20", "-n", "50", "/var/log/sample.bin")).stdout).toBe(nodeFs.readFileSync(path.join(ORACLE, "sample.bin.hexdump-C-s20-n50.txt"), "utf8"));
    const sums = nodeFs.readFileSync(path.join(ORACLE, "sample.bin.sums.txt"), "utf8").trim().split("\n").map((l) => l.split(/\s+/)[0]);
    const h = await run("-q", img, "hash", "/var/log/sample.bin");
    expect(h.stdout.trim().split("\n").map((l) => l.split(/\s+/)[1])).toEqual(sums);
  });

  it("file names formats from their first bytes", async () => {
    const f = await run("-q", img, "file", "/var/log/wtmp", "/var/log/auth.log", "/etc/localtime", "/var/log/fifo", "/etc");
    expect(f.stdout).toBe(
      "/var/log/wtmp: utmp/wtmp records (384-byte, Linux)\n/var/log/auth.log: ASCII text\n/etc/localtime: symbolic link to /usr/share/zoneinfo/UTC\n/var/log/fifo: fifo (named pipe)\n/etc: directory\n",
    );
    expect(describeMagic(Buffer.from("LPKSHHRH\0\0\0\0"), 4096)).toMatch(/journal/i);
    expect(describeMagic(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0]), 4096)).toBe("ELF 64-bit LSB shared object");
    expect(describeMagic(Buffer.from("#!/bin/sh\necho\n"), 15)).toMatch(/^sh script/);
    expect(describeMagic(Buffer.from([0x1f, 0x8b, 8]), 3)).toBe("gzip compressed data");
    expect(describeMagic(Buffer.from("SQLite format 3\0"), 4096)).toBe("SQLite 3.x database");
  });

  it("readlink, readlink -f, tree", async () => {
    expect((await run("-q", img, "readlink", "/etc/localtime")).stdout).toBe("/usr/share/zoneinfo/UTC\n");
    expect((await run("-q", img, "readlink", "-f", "/var/log/out")).stdout).toBe("/etc/passwd\n");
    expect((await run("-q", img, "tree", "/usr")).stdout).toBe("/usr\n└── share\n    └── zoneinfo\n        └── UTC\n\n2 directories, 1 file\n");
  });
});

describe("target-fs cp -o DIR", () => {
  it("copies files and trees with modes and mtimes; links and FIFOs skipped with a note", async () => {
    const out = path.join(s.dir, "out1");
    const r = await run("-q", img, "cp", "/etc/hostname", "/var/log", "-o", out);
    expect(r.code, r.stderr).toBe(0);
    const st = nodeFs.statSync(path.join(out, "hostname"));
    expect(st.mode & 0o777).toBe(0o640);
    expect(st.mtimeMs).toBe(T * 1000);
    expect(nodeFs.readFileSync(path.join(out, "log/old/auth.log.1"), "utf8")).toBe("b\n");
    expect(nodeFs.statSync(path.join(out, "log")).mtimeMs).toBe(T * 1000);
    expect(r.stderr).toMatch(/\/var\/log\/out: symbolic link to \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: not copied/);
    expect(r.stderr).toMatch(/\/var\/log\/fifo: a fifo: not opened, not copied/);
    expect(nodeFs.existsSync(path.join(out, "log/out"))).toBe(false);
    // names made safe: the escape byte and the % escaped, nothing outside out1
    expect(nodeFs.readdirSync(path.join(out, "log")).sort()).toContain("esc%1B[31m..name");
    expect(nodeFs.readdirSync(path.join(out, "log"))).toContain("a%252Fb");
    expect(nodeFs.readdirSync(s.dir).sort()).toEqual(["img.tar", "out1"]);
  });

  it("an existing name is an error, never overwritten; a link planted in DIR is not followed", async () => {
    const out = path.join(s.dir, "out2");
    nodeFs.mkdirSync(out);
    nodeFs.writeFileSync(path.join(s.dir, "victim"), "keep");
    nodeFs.symlinkSync(path.join(s.dir, "victim"), path.join(out, "hostname"));
    const r = await run("-q", img, "cp", "/etc/hostname", "-o", out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists already: not overwritten/);
    expect(nodeFs.readFileSync(path.join(s.dir, "victim"), "utf8")).toBe("keep");
    await expect(run("-q", img, "cp", "/etc/hostname")).rejects.toThrow(/-o DIR is needed/);
  });

  it("safeName leaves no way out of the directory", () => {
    expect(["..", ".", "a/b", "a\0b", "x\ny", "%", "\udcff", "ok.txt"].map(safeName)).toEqual(["%2E%2E", "%2E", "a%2Fb", "a%00b", "x%0Ay", "%25", "%FF", "ok.txt"]);
    expect(Buffer.byteLength(safeName("é".repeat(300)))).toBeLessThanOrEqual(255);
  });
});
