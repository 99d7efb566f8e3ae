// Every container fixture read whole through quarry equals `qemu-img convert -O raw` of it (the committed
// sha256), and positioned reads at random offsets equal the raw disk's bytes.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openContainer, probeContainer } from "../../../src/disk/container/index.js";
import { DiskError } from "../../../src/disk/types.js";
import { prng } from "../../helpers/prng.js";
import type { ByteSource } from "../../../src/disk/types.js";
import { FIXTURES, oracle, sha256Of, unpack, virtualSize } from "./fixtures.js";

/** [start, start + length) of a source, as a source. */
function windowOf(src: ByteSource, start: number, length: number): ByteSource {
  return { size: length, read: (b, o, n, p) => src.read(b, o, Math.min(n, length - p), start + p), close() {} };
}

const CASES: [string, string, string[]][] = [
  ["disk.raw", "raw", []],
  ["disk.qcow2", "qcow2", []],
  ["disk-c.qcow2", "qcow2", []],
  ["disk-v2.qcow2", "qcow2", []],
  ["disk-c-v2.qcow2", "qcow2", []],
  ["disk-zstd.qcow2", "qcow2", []],
  ["disk-64k.vmdk", "vmdk", []],
  ["disk-stream.vmdk", "vmdk", []],
  ["disk-flat.vmdk", "vmdk", ["disk-flat-flat.vmdk"]],
  ["disk-dyn.vhd", "vhd", []],
  ["disk-fixed.vhd", "vhd", []],
  ["disk.vhdx", "vhdx", []],
  ["disk-fixed.vhdx", "vhdx", []],
  ["disk-4k.qcow2", "qcow2", []],
  ["disk-2m.qcow2", "qcow2", []],
  ["disk-split.vmdk", "vmdk", ["disk-split-s001.vmdk"]],
  // an internal snapshot, then writes: the active state is read (its oracle differs from disk.raw)
  ["disk-snap.qcow2", "qcow2", []],
];

describe("containers against qemu-img convert -O raw", () => {
  const sums = oracle();
  for (const [name, type, extra] of CASES) {
    it(`${name} reads as qemu-img reads it`, () => {
      const dir = unpack(name, ...extra, "disk.raw");
      const c = openContainer(path.join(dir, name));
      try {
        expect(c.type).toBe(type);
        expect(c.virtualSize).toBe(virtualSize(name));
        expect(probeContainer(path.join(dir, name))).toBe(type === "raw" ? null : type);
        expect(sha256Of(c.source, [4097, 65537, 511, 1000003, 3])).toBe(sums.get(name));
        if (name === "disk-snap.qcow2") {
          expect(sums.get(name)).not.toBe(sums.get("disk.raw"));
          return;
        }
        // positioned reads against the raw disk (VHD's virtual size is rounded to its CHS geometry)
        const raw = fs.readFileSync(path.join(dir, "disk.raw"));
        const rnd = prng(19);
        const buf = new Uint8Array(70000);
        for (let k = 0; k < 200; k++) {
          const pos = Math.floor(rnd() * c.virtualSize);
          const len = 1 + Math.floor(rnd() * buf.length);
          const n = c.source.read(buf, 0, len, pos);
          expect(n).toBe(Math.min(len, c.virtualSize - pos));
          const want = new Uint8Array(n);
          want.set(raw.subarray(pos, Math.min(pos + n, raw.length)));
          expect(Buffer.from(buf.subarray(0, n)).equals(Buffer.from(want))).toBe(true);
        }
      } finally {
        c.source.close();
      }
    });
  }

  // 4.5 GiB sparse: past a VHDX chunk (its BAT's interleaved sector-bitmap entry), several L1/GD/BAT entries
  for (const name of ["big.vhdx", "big.qcow2", "big.vhd", "big.vmdk"]) {
    it(`${name}: ranges across 4 GiB read as qemu-img reads them`, () => {
      const dir = unpack(name);
      const c = openContainer(path.join(dir, name));
      try {
        expect(c.virtualSize).toBe(virtualSize(name));
        const ranges = fs.readFileSync(path.join(FIXTURES, "oracle-big.txt"), "utf8").split("\n").filter((l) => l.startsWith(`${name} `));
        expect(ranges.length).toBe(3);
        for (const line of ranges) {
          const [, start, length, sum] = line.split(" ");
          expect(sha256Of(windowOf(c.source, Number(start), Number(length)), [65537, 4093])).toBe(sum);
        }
      } finally {
        c.source.close();
      }
    });
  }

  it("refuses a qcow2 with an external backing file, naming it", () => {
    const dir = unpack("disk-backed.qcow2");
    expect(() => openContainer(path.join(dir, "disk-backed.qcow2"))).toThrow(DiskError);
    expect(() => openContainer(path.join(dir, "disk-backed.qcow2"))).toThrow(/external backing file "disk.qcow2": supply the flattened image/);
  });

  it("refuses a VMDK snapshot delta (qemu-img create -b), which needs its parent", () => {
    const dir = unpack("disk-backed.vmdk");
    expect(() => openContainer(path.join(dir, "disk-backed.vmdk"))).toThrow(/VMDK with a parent disk \(parentCID\): supply the flattened image/);
  });

  it("reads a split raw image (.001, .002, …) as one disk", () => {
    const dir = unpack("disk.raw");
    const raw = fs.readFileSync(path.join(dir, "disk.raw"));
    const cut = [0, 3000001, 6000000, raw.length];
    for (let i = 0; i + 1 < cut.length; i++) fs.writeFileSync(path.join(dir, `disk.00${i + 1}`), raw.subarray(cut[i], cut[i + 1]));
    const c = openContainer(path.join(dir, "disk.001"));
    try {
      expect(c.virtualSize).toBe(raw.length);
      expect(sha256Of(c.source, [65535, 12345])).toBe(oracle().get("disk.raw"));
    } finally {
      c.source.close();
    }
  });
});
