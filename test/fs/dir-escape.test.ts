// An image's host symlinks must resolve inside the image, never on the examiner's machine.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DirectoryBackend } from "../../src/fs/dir.js";
import { RootFilesystem } from "../../src/fs/root.js";
import { FsError } from "../../src/fs/types.js";
import { Target } from "../../src/target.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";
import { openTarget } from "../../plugins/index.js";

function image(): { root: string; outside: string } {
  const base = tmpdir();
  const root = path.join(base, "image");
  const outside = path.join(base, "outside");
  writeTree(root, { "etc/hostname": "imagehost\n", "var/log/.keep": "" });
  writeTree(outside, { "secret.txt": "HOST SECRET\n" });
  return { root, outside };
}

describe("directory backend on real host symlinks", () => {
  it("an absolute link /etc/passwd means the image's /etc/passwd, not the host's", () => {
    const { root } = image();
    writeTree(root, { "etc/passwd.real": "imageuser:x:1:1::/:/bin/sh\n" });
    fs.symlinkSync("/etc/passwd.real", path.join(root, "etc/passwd"));
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(rootfs.readText("/etc/passwd")).toBe("imageuser:x:1:1::/:/bin/sh\n");
  });

  it("an absolute link to a path the image lacks reads nothing (not the host's /etc/passwd)", () => {
    const { root } = image();
    fs.symlinkSync("/etc/passwd", path.join(root, "etc/passwd"));
    fs.rmSync(path.join(root, "etc/hostname"));
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    // the link points at itself through the image root: a loop, never the host file
    expect(() => rootfs.readFile("/etc/passwd")).toThrow(FsError);
    expect(rootfs.exists("/etc/passwd")).toBe(false);
    expect(rootfs.lexists("/etc/passwd")).toBe(true);
  });

  it("a relative link climbing above the root stops at the image root", () => {
    const { root, outside } = image();
    const rel = path.relative(path.join(root, "etc"), path.join(outside, "secret.txt"));
    fs.symlinkSync(rel, path.join(root, "etc/escape"));
    fs.symlinkSync("../../../../etc/passwd", path.join(root, "etc/passwd"));
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(rootfs.exists("/etc/escape")).toBe(false);
    expect(() => rootfs.readFile("/etc/escape")).toThrow(FsError);
    // ../../../../etc/passwd from /etc is /etc/passwd inside the image: itself, a loop, not the host file
    expect(() => rootfs.readFile("/etc/passwd")).toThrow(/ELOOP/);
  });

  it("a relative link climbing above the root reaches the image's own file of that name", () => {
    const { root } = image();
    writeTree(root, { "srv/data/file": "in image\n" });
    fs.symlinkSync("../../../../../../../srv/data/file", path.join(root, "etc/link"));
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(rootfs.readText("/etc/link")).toBe("in image\n");
  });

  it("a host symlink to a directory outside is never followed by the host", () => {
    const { root, outside } = image();
    fs.symlinkSync(outside, path.join(root, "var/out")); // absolute host path: means <image>/<that path>
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(rootfs.exists("/var/out/secret.txt")).toBe(false);
    expect(rootfs.glob("/var/**/secret.txt")).toEqual([]);
    expect(() => rootfs.readdir("/var/out")).toThrow(FsError);
  });

  it(".. in a path stops at the root", () => {
    const { root } = image();
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(rootfs.readText("/../../../etc/hostname")).toBe("imagehost\n");
    expect(rootfs.realpath("/etc/../../etc/hostname")).toBe("/etc/hostname");
  });

  it("link loops end in ELOOP", () => {
    const { root } = image();
    fs.symlinkSync("b", path.join(root, "etc/a"));
    fs.symlinkSync("a", path.join(root, "etc/b"));
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    expect(() => rootfs.readFile("/etc/a")).toThrow(/ELOOP/);
    expect(rootfs.exists("/etc/a")).toBe(false);
  });

  it("through a Target: hostname read via a link stays inside", async () => {
    const { root, outside } = image();
    fs.rmSync(path.join(root, "etc/hostname"));
    writeTree(outside, { "etc/hostname": "examiner-machine\n" });
    fs.symlinkSync(path.join(outside, "etc/hostname"), path.join(root, "etc/hostname"));
    const t = await openTarget(root);
    expect(t.hostname).toBe(null);
    t.close();
  });

  it("keeps non-UTF-8 file names byte-exact", () => {
    const { root } = image();
    const name = Buffer.from([0x66, 0xff, 0x6f]); // "f\xffo"
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, "var") + "/"), name]), "raw name\n");
    const rootfs = new RootFilesystem(new DirectoryBackend(root));
    const names = rootfs.readdir("/var");
    expect(names).toContain("f\udcffo");
    expect(rootfs.readText("/var/f\udcffo")).toBe("raw name\n");
  });
});
