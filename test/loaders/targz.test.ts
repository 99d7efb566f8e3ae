// gzip tars: by magic, into memory or an anonymous temp file, never leaving anything behind.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTarArchive } from "../../src/fs/tar/archive.js";
import { entry, gzip, scratch, tar } from "../fs/tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
const tmp = path.join(s.dir, "tmp");
afterAll(() => s.cleanup());
const saved = { ...process.env };
beforeEach(() => {
  fs.mkdirSync(tmp, { recursive: true });
  process.env.QUARRY_TMPDIR = tmp;
});
afterEach(() => {
  process.env = { ...saved };
  expect(fs.readdirSync(tmp)).toEqual([]); // nothing left behind, ever
});

const image = tar(entry({ name: "etc/hostname", data: "gzhost\n" }), entry({ name: "var/log/syslog", data: Buffer.alloc(300_000, 0x61) }));

describe("tar.gz", () => {
  it("is recognised by magic whatever its name, and read from memory when small", async () => {
    const p = s.file("collection.bin", gzip(image));
    const t = await openTarget(p);
    expect(t.loader).toBe("tar");
    expect(t.hostname).toBe("gzhost");
    expect(t.fs.readFile("/var/log/syslog").length).toBe(300_000);
    t.close();
    const a = await openTarArchive(p);
    expect(a.storage).toBe("memory");
    a.close();
  });

  it("spills to a temporary file above the memory limit; the file is unlinked at once and the fd closed at close", async () => {
    process.env.QUARRY_GZIP_MEMORY_LIMIT = "1000";
    const p = s.file("big.tar.gz", gzip(image));
    const a = await openTarArchive(p);
    expect(a.storage).toBe("tempfile");
    expect(fs.readdirSync(tmp)).toEqual([]); // already gone from the directory while in use
    a.close();
    const t = await openTarget(p);
    expect(t.fs.readFile("/var/log/syslog").subarray(0, 3).toString()).toBe("aaa");
    expect(t.fs.readText("/etc/hostname")).toBe("gzhost\n");
    t.close();
  });

  it("a truncated or damaged gzip: what inflated is read, with warnings; nothing inflatable is a clear error", async () => {
    process.env.QUARRY_GZIP_MEMORY_LIMIT = "0";
    const gz = gzip(image);
    const p = s.file("broken.tar.gz", gz.subarray(0, gz.length - 40));
    const t = await openTarget(p);
    expect(t.fs.readText("/etc/hostname")).toBe("gzhost\n");
    expect(t.warnings.join("\n")).toMatch(/gzip stream damaged after \d+ decompressed bytes/);
    t.close();
    const appended = await openTarget(s.file("appended.tar.gz", Buffer.concat([gz, Buffer.from("trailing garbage")])));
    expect(appended.fs.readFile("/var/log/syslog").length).toBe(300_000);
    expect(appended.warnings.join("\n")).toMatch(/gzip stream damaged/);
    appended.close();
    const q = s.file("garbage.tgz", Buffer.concat([gz.subarray(0, 10), Buffer.alloc(100, 0xff)]));
    await expect(openTarget(q)).rejects.toThrow(/garbage\.tgz: loader tar failed: gzip decompression failed/);
  });

  it("xz and other compressions are refused with a clear message", async () => {
    const p = s.file("x.tar.xz", Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    await expect(openTarget(p)).rejects.toThrow(/xz-compressed archives are not supported/);
  });
});
