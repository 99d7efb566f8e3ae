// Hostile containers: seeded truncations and corruptions of every fixture's headers and tables. Opening and
// reading must give bytes or a DiskError — never a RangeError, a hang, or an allocation past the caps.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { CONTAINERS, openContainer } from "../../../src/disk/container/index.js";
import { type ContainerType, DiskError } from "../../../src/disk/types.js";
import { prng } from "../../helpers/prng.js";
import { unpack } from "./fixtures.js";

const FORMATS: [string, string][] = [
  ["disk.qcow2", "qcow2"],
  ["disk-c.qcow2", "qcow2"],
  ["disk-c-v2.qcow2", "qcow2"],
  ["disk-zstd.qcow2", "qcow2"],
  ["disk-64k.vmdk", "vmdk"],
  ["disk-stream.vmdk", "vmdk"],
  ["disk-dyn.vhd", "vhd"],
  ["disk-fixed.vhd", "vhd"],
  ["disk.vhdx", "vhdx"],
  ["disk-fixed.vhdx", "vhdx"],
  ["disk-4k.qcow2", "qcow2"],
  ["big.vhdx", "vhdx"],
];

/** Where each format keeps its structures: header, tables, footer. */
function hotSpots(image: Uint8Array): [number, number][] {
  const n = image.length;
  return [
    [0, Math.min(n, 4096)],
    [Math.min(n, 64 * 1024), Math.min(n, 320 * 1024)], // VHDX headers and region tables; qcow2/VMDK tables
    [Math.max(0, n - 1536), n], // VHD footer, streamOptimized footer and grain directory
    [0, n],
  ];
}

function mutate(image: Uint8Array, rnd: () => number): Uint8Array {
  if (rnd() < 0.25) return image.slice(0, Math.floor(rnd() * image.length));
  const out = image.slice();
  const spots = hotSpots(out);
  const flips = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < flips; k++) {
    const [lo, hi] = spots[Math.floor(rnd() * spots.length)]!;
    if (hi <= lo) continue;
    const at = lo + Math.floor(rnd() * (hi - lo));
    const r = rnd();
    // a random byte, 0xff runs (huge counts and offsets), or zeros
    if (r < 0.5) out[at] = Math.floor(rnd() * 256);
    else out.fill(r < 0.8 ? 0xff : 0, at, Math.min(hi, at + 1 + Math.floor(rnd() * 8)));
  }
  return out;
}

/** Opens and reads (the start, then scattered chunks): returns "ok" or the DiskError; anything else throws. */
function exercise(t: ContainerType, image: Uint8Array, rnd: () => number): string {
  const file = new BufferSource(image);
  t.probe(file, "fuzz");
  try {
    const src = t.open(file, "fuzz");
    const buf = new Uint8Array(65536 + 7);
    for (let pos = 0; pos < Math.min(src.size, 1 << 20); pos += buf.length) src.read(buf, 0, buf.length, pos);
    for (let k = 0; k < 16; k++) src.read(buf, 0, 1 + Math.floor(rnd() * buf.length), Math.floor(rnd() * src.size));
    return "ok";
  } catch (e) {
    if (e instanceof DiskError) return "DiskError";
    throw e;
  }
}

describe("hostile containers", () => {
  for (const [name, type] of FORMATS) {
    it(`${name}: truncated and corrupted copies give bytes or DiskError`, () => {
      const dir = unpack(name);
      const image = new Uint8Array(fs.readFileSync(path.join(dir, name)));
      const t = CONTAINERS.find((c) => c.name === type)!;
      const rnd = prng(0x19c0 + name.length * 7 + image.length);
      const seen = new Map<string, number>();
      for (let k = 0; k < 200; k++) {
        const r = exercise(t, mutate(image, rnd), rnd);
        seen.set(r, (seen.get(r) ?? 0) + 1);
      }
      if (process.env.FUZZ_REPORT) console.log(name, Object.fromEntries(seen));
      expect(seen.get("DiskError") ?? 0).toBeGreaterThan(0);
    }, 60000);
  }

  it("a VMDK descriptor cannot name an extent outside its directory", () => {
    const dir = unpack("disk-flat.vmdk", "disk-flat-flat.vmdk");
    const inner = path.join(dir, "inner");
    fs.mkdirSync(inner);
    const text = fs.readFileSync(path.join(dir, "disk-flat.vmdk"), "latin1");
    for (const name of ["../disk-flat-flat.vmdk", "/etc/passwd", `${dir}/disk-flat-flat.vmdk`, "..", "sub/x.vmdk"]) {
      fs.writeFileSync(path.join(inner, "d.vmdk"), text.replace('"disk-flat-flat.vmdk"', JSON.stringify(name)));
      expect(() => openContainer(path.join(inner, "d.vmdk"))).toThrow(/not a plain name next to the descriptor/);
    }
    fs.writeFileSync(path.join(inner, "d.vmdk"), text.replace("parentCID=ffffffff", "parentCID=1234abcd"));
    expect(() => openContainer(path.join(inner, "d.vmdk"))).toThrow(/parent disk/);
    fs.writeFileSync(path.join(inner, "d.vmdk"), text);
    expect(() => openContainer(path.join(inner, "d.vmdk"))).toThrow(/not beside the descriptor/);
  });

  it("an empty or tiny file is raw, and reads as what it holds", () => {
    const dir = unpack();
    fs.writeFileSync(path.join(dir, "tiny.img"), "QFI");
    const c = openContainer(path.join(dir, "tiny.img"));
    expect(c.type).toBe("raw");
    expect(c.virtualSize).toBe(3);
    c.source.close();
  });
});
