// The XFS backend under the VFS: RootFilesystem resolves the image's symlinks inside the image (an absolute
// link relative to the image's root), and a walk sees what find saw.
import { describe, expect, it } from "vitest";
import { xfsType } from "../../../../src/disk/fs/xfs/index.js";
import { BufferSource } from "../../../../src/fs/tar/source.js";
import { RootFilesystem } from "../../../../src/fs/root.js";
import { findRows, xfsImage } from "./fixture.js";

describe("XFS through RootFilesystem", () => {
  const root = new RootFilesystem(xfsType.open(new BufferSource(xfsImage()), "xfs.img").backend);

  it("follows a link inside the image and reads the file it names", () => {
    expect(root.readText("/link-local")).toBe("xfshost\n");
    expect(root.stat("/link-local").type).toBe("file");
    expect(root.lstat("/link-local").type).toBe("symlink");
    expect(root.realpath("/link-local")).toBe("/etc/hostname");
  });

  it("lists every directory find listed", () => {
    const dirs = findRows().filter((r) => r.y === "d").map((r) => r.path);
    for (const d of dirs) expect(root.isDir(d), d).toBe(true);
    expect(root.readdir("/").sort()).toEqual(findRows().filter((r) => /^\/[^/]+$/.test(r.path)).map((r) => r.path.slice(1)).sort());
  });
});
