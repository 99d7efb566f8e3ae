// Hand-made hostile headers: each claims a table, size or offset far past the file, and must be refused by a
// DiskError naming the byte offset of the field before anything of that size is allocated.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probeContainer, qcow2Type, vhdType, vhdxType, vmdkType } from "../../../src/disk/container/index.js";
import { type ContainerType, DiskError } from "../../../src/disk/types.js";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { unpack } from "./fixtures.js";

function load(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(unpack(name), name)));
}

function refuse(t: ContainerType, image: Uint8Array, pattern: RegExp): DiskError {
  let err: unknown = null;
  try {
    t.open(new BufferSource(image), "hostile").read(new Uint8Array(1 << 16), 0, 1 << 16, 0);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DiskError);
  expect((err as DiskError).message).toMatch(pattern);
  return err as DiskError;
}

const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe("hostile container headers", () => {
  it("qcow2: an L1 table past qemu's limit, an L1 past the file, a virtual size past 2^53", () => {
    const img = load("disk.qcow2");
    let b = img.slice();
    dv(b).setBigUint64(24, 1n << 52n); // size 4 PiB: needs an L1 of 2^23 entries (64 MiB)
    dv(b).setUint32(36, 1 << 23);
    expect(refuse(qcow2Type, b, /past qemu's limit/).offset).toBe(36);
    b = img.slice();
    dv(b).setBigUint64(40, BigInt(img.length) * 2n & ~0xffffn);
    expect(refuse(qcow2Type, b, /L1 table .* runs past the end of the file/).offset).toBe(40);
    b = img.slice();
    dv(b).setBigUint64(24, 1n << 60n);
    expect(refuse(qcow2Type, b, /past 2\^53/).offset).toBe(24);
    b = img.slice();
    dv(b).setUint32(32, 1);
    refuse(qcow2Type, b, /encrypted qcow2/);
  });

  it("VMDK: a grain directory past the file, a grain size that is not a power of two", () => {
    const img = load("disk-64k.vmdk");
    let b = img.slice();
    dv(b).setBigUint64(12, 1n << 50n, true); // capacity 2^50 sectors
    refuse(vmdkType, b, /grain directory .* runs past the end of the file/);
    b = img.slice();
    dv(b).setBigUint64(20, 100n, true);
    expect(refuse(vmdkType, b, /grain size 100 sectors/).offset).toBe(20);
  });

  it("VMDK: a sparse file whose embedded descriptor names a parent is refused", () => {
    const b = load("disk-64k.vmdk");
    const text = Buffer.from(b.subarray(0, 64 * 1024)).toString("latin1");
    const at = text.indexOf("parentCID=ffffffff");
    expect(at).toBeGreaterThan(0);
    b.set(Buffer.from("parentCID=1234abcd", "latin1"), at);
    refuse(vmdkType, b, /parent disk/);
  });

  it("VHD: a fixed disk larger than its file, a dynamic BAT past the file (checksums made to match)", () => {
    const fixed = load("disk-fixed.vhd");
    const end = fixed.length - 512;
    dv(fixed).setBigUint64(end + 48, 1n << 45n);
    fixChecksum(fixed, end, 512, 64);
    refuse(vhdType, fixed, /larger than the file holds/);
    const dyn = load("disk-dyn.vhd");
    const header = Number(dv(dyn).getBigUint64(16));
    dv(dyn).setUint32(header + 28, 0xffffffff);
    const foot = dyn.length - 512;
    dv(dyn).setBigUint64(foot + 48, 1n << 50n);
    fixChecksum(dyn, foot, 512, 64);
    fixChecksum(dyn, header, 1024, 36);
    refuse(vhdType, dyn, /BAT .* runs past the end of the file/);
  });

  it("VHDX: no valid header or region table once their CRC-32C fails", () => {
    const b = load("disk.vhdx");
    b[64 * 1024 + 200] = b[64 * 1024 + 200]! ^ 1;
    b[128 * 1024 + 200] = b[128 * 1024 + 200]! ^ 1;
    expect(refuse(vhdxType, b, /neither VHDX header is valid/).offset).toBe(64 * 1024);
  });

  it("probeContainer: a directory or a missing path is not an image", () => {
    const dir = unpack();
    expect(probeContainer(dir)).toBeNull();
    expect(probeContainer(path.join(dir, "missing"))).toBeNull();
  });
});

/** VHD checksums: ones' complement of the byte sum, the field itself taken as zero. */
function fixChecksum(b: Uint8Array, at: number, length: number, field: number): void {
  let sum = 0;
  for (let i = 0; i < length; i++) if (i < field || i >= field + 4) sum += b[at + i]!;
  dv(b).setUint32(at + field, ~sum >>> 0);
}
