import { describe, expect, it } from "vitest";
import { sanitizeMemberName } from "../../src/fs/tar/names.js";

const ok = (path: string) => ({ ok: true, path });

describe("sanitizeMemberName", () => {
  it("strips only a leading ./ or /", () => {
    expect(sanitizeMemberName("./etc/passwd")).toEqual(ok("etc/passwd"));
    expect(sanitizeMemberName("/etc/passwd")).toEqual(ok("etc/passwd"));
    expect(sanitizeMemberName(".//./etc//passwd")).toEqual(ok("etc/passwd"));
    expect(sanitizeMemberName("etc/./x/")).toEqual(ok("etc/x"));
    expect(sanitizeMemberName("./")).toEqual(ok(""));
    expect(sanitizeMemberName(".")).toEqual(ok(""));
    expect(sanitizeMemberName("a/.hidden/..b")).toEqual(ok("a/.hidden/..b"));
    expect(sanitizeMemberName("etc/passwd")).toEqual(ok("etc/passwd"));
    expect(sanitizeMemberName("a..b/c.d")).toEqual(ok("a..b/c.d"));
    expect(sanitizeMemberName(".profile")).toEqual(ok(".profile"));
    expect(sanitizeMemberName("a/b\0c").ok).toBe(false);
  });

  it("never lets '..' escape", () => {
    for (const n of ["../evil", "a/../../evil", "./..", "/../etc/shadow", "a/.."]) {
      expect(sanitizeMemberName(n).ok, n).toBe(false);
    }
  });

  it("removes a layout prefix only at the start", () => {
    expect(sanitizeMemberName("fs/$rootfs$/etc/nfs/exports", "fs/$rootfs$")).toEqual(ok("etc/nfs/exports"));
    expect(sanitizeMemberName("fs/$rootfs$/sys/fs/cgroup", "fs/$rootfs$")).toEqual(ok("sys/fs/cgroup"));
    expect(sanitizeMemberName("./[root]/etc/hostname", "[root]")).toEqual(ok("etc/hostname"));
    expect(sanitizeMemberName("/[root]/etc/hostname", "[root]")).toEqual(ok("etc/hostname"));
    expect(sanitizeMemberName("[root]", "[root]")).toEqual(ok(""));
    expect(sanitizeMemberName("[root]x/etc", "[root]")).toEqual({ ok: false, reason: "outside prefix" });
    expect(sanitizeMemberName("live_response/x", "[root]")).toEqual({ ok: false, reason: "outside prefix" });
    expect(sanitizeMemberName("etc/fs/$rootfs$/x", "fs/$rootfs$")).toEqual({ ok: false, reason: "outside prefix" });
  });
});
