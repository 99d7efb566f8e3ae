import { describe, expect, it } from "vitest";
import { dir, file, MemoryBackend, symlink } from "../../src/fs/memory.js";
import { RootFilesystem } from "../../src/fs/root.js";
import { Timestamp } from "../../src/records/timestamp.js";

describe("memory backend", () => {
  const mtime = Timestamp.fromUnix(1709539200, 123456);
  const fs = new RootFilesystem(
    new MemoryBackend({
      "/etc/shadow": file("root:*:19000::::::\n", { mode: 0o000, uid: 0, gid: 42, mtime }),
      "/etc/hostname": "web01\n",
      "/var/log/atop": dir({ mode: 0o700, uid: 5 }),
      "/var/run": symlink("../run"),
      "/run/utmp": new Uint8Array([1, 2, 3]),
      "/home/a/loop": symlink("/home/a/loop"),
    }),
  );

  it("keeps mode, uid, gid and times as given, and reads a mode-000 file", () => {
    const st = fs.stat("/etc/shadow");
    expect(st.mode).toBe(0o000);
    expect(st.gid).toBe(42);
    expect(st.mtime?.equals(mtime)).toBe(true);
    expect(fs.readText("/etc/shadow")).toBe("root:*:19000::::::\n");
    expect(fs.stat("/var/log/atop")).toMatchObject({ type: "dir", mode: 0o700, uid: 5 });
  });

  it("resolves relative links and reports their realpath", () => {
    expect([...fs.readFile("/var/run/utmp")]).toEqual([1, 2, 3]);
    expect(fs.realpath("/var/run/utmp")).toBe("/run/utmp");
    expect(fs.readlink("/var/run")).toBe("../run");
    expect(fs.lstat("/var/run").type).toBe("symlink");
  });

  it("globs with *, ? and **", () => {
    expect(fs.glob("/etc/host*")).toEqual(["/etc/hostname"]);
    expect(fs.glob("/**/utmp")).toEqual(["/run/utmp"]);
    expect(fs.glob("/var/run/u?mp")).toEqual(["/var/run/utmp"]);
    expect(fs.glob("/etc/[hs]*")).toEqual(["/etc/hostname", "/etc/shadow"]);
  });

  it("a self-referencing link is ELOOP, and exists() says false", () => {
    expect(() => fs.readFile("/home/a/loop")).toThrow(/ELOOP/);
    expect(fs.exists("/home/a/loop")).toBe(false);
  });

  it("open gives positioned reads", () => {
    const h = fs.open("/etc/hostname");
    const buf = Buffer.alloc(3);
    expect(h.read(buf, 0, 3, 2)).toBe(3);
    expect(buf.toString()).toBe("b01");
    expect(h.size).toBe(6);
    h.close();
  });
});
