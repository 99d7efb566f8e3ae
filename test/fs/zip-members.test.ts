// Members that are listed but cannot be read: each read fails with an error naming the zip, the member's
// offsets and the fault; the other members read on. Built byte by byte (test/fs/zipbuild.ts): no tool writes
// these on purpose.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadZip } from "../../loaders/zip.js";
import { buildZip, deflated, stored } from "./zipbuild.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-members-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function open(name: string, zip: Buffer): ReturnType<typeof loadZip> {
  const p = path.join(dir, name);
  fs.writeFileSync(p, zip);
  return loadZip(p);
}

describe("a Velociraptor encrypted container", () => {
  it("is said to be one, not mounted as two files", () => {
    expect(() => open("Collection-enc.zip", buildZip([stored("metadata.json", "{}"), { ...stored("data.zip", "PK"), flags: 1 }]))).toThrow(
      /Collection-enc\.zip is an encrypted Velociraptor collection \(metadata\.json \+ data\.zip\): quarry does not decrypt it/,
    );
  });
});

describe("members that cannot be read", () => {
  it("unsupported methods and encryption: named in the error; the rest reads", () => {
    const t = open(
      "methods.zip",
      buildZip([
        stored("etc/hostname", "m\n"),
        { name: "var/bz", data: Buffer.from("BZh91AY&SY"), method: 12, crc: 0, size: 100 },
        { name: "var/zstd", data: Buffer.from("x"), method: 93, crc: 0, size: 10 },
        { ...deflated("var/secret", "hidden"), flags: 1 },
        deflated("var/ok", "fine\n"),
      ]),
    );
    expect(() => t.fs.readFile("/var/bz")).toThrow(/^EIO: methods\.zip: member at central directory offset \d+ \(local header at \d+\): compression method 12 \(bzip2\) is not supported \(only stored and deflated members are read\): var\/bz$/);
    expect(() => t.fs.readFile("/var/zstd")).toThrow(/compression method 93 \(zstd\) is not supported/);
    expect(() => t.fs.readFile("/var/secret")).toThrow(/encrypted; quarry does not decrypt zip members/);
    expect(t.fs.readText("/var/ok")).toBe("fine\n");
    expect(t.fs.lstat("/var/bz")?.size).toBe(100);
    t.close?.();
  });

  it("a CRC mismatch, a short stream, a size that is not the inflated one, a stored size mismatch", () => {
    const data = Buffer.from("some bytes of a log\n".repeat(50));
    const t = open(
      "faults.zip",
      buildZip([
        { ...deflated("var/crc", data), crc: 1234 },
        { ...deflated("var/short", data), data: zlib.deflateRawSync(data).subarray(0, 20) },
        { ...deflated("var/fewer", data), size: data.length + 10 },
        { ...stored("var/stored", "abc"), size: 5 },
        deflated("var/ok", data),
      ]),
    );
    expect(() => t.fs.readFile("/var/crc")).toThrow(/faults\.zip: member at central directory offset \d+ \(local header at 0\): CRC-32 mismatch \(0x[0-9a-f]+, the directory says 0x4d2\): the member's bytes are damaged/);
    expect(() => t.fs.readFile("/var/short")).toThrow(/deflate data damaged: unexpected end of file/);
    expect(() => t.fs.readFile("/var/fewer")).toThrow(/inflates to 1000 bytes, not its declared 1010/);
    expect(() => t.fs.readFile("/var/stored")).toThrow(/stored with 3 bytes but a size of 5/);
    // the same fault again without inflating again (kept), and the good member still reads
    expect(() => t.fs.readFile("/var/crc")).toThrow(/CRC-32 mismatch/);
    expect(t.fs.readFile("/var/ok").equals(data)).toBe(true);
    t.close?.();
  });

  it("a large member (over the memory limit) streams into the spill file, byte for byte; nothing left in the temp dir", () => {
    const tmp = fs.mkdtempSync(path.join(dir, "tmp-"));
    const saved = { ...process.env };
    process.env.QUARRY_TMPDIR = tmp;
    process.env.QUARRY_GZIP_MEMORY_LIMIT = "1000";
    try {
      const big = Buffer.alloc(3 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 10)) & 0xff;
      const smalls = Array.from({ length: 20 }, (_, i) => deflated(`var/s${i}`, Buffer.alloc(900, i)));
      const t = open("spill.zip", buildZip([deflated("var/big", big), ...smalls]));
      expect(t.fs.readFile("/var/big").equals(big)).toBe(true);
      for (let i = 0; i < 20; i++) expect(t.fs.readFile(`/var/s${i}`).equals(Buffer.alloc(900, i))).toBe(true);
      // the 4 KB memory cap moved the oldest small members to the spill file: they read back the same
      for (let i = 0; i < 20; i++) expect(t.fs.readFile(`/var/s${i}`).equals(Buffer.alloc(900, i))).toBe(true);
      expect(fs.readdirSync(tmp)).toEqual([]);
      t.close?.();
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});
