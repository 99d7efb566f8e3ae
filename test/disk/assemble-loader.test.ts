// The disk loader's plumbing on real fixture images: container → volumes → filesystems → assembly. The
// filesystem readers are fakes here (the ext4 and XFS readers live in their own branches): one claims an ext
// superblock and serves a small tree, so what is checked is the wiring, the warnings and the refusals.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { openContainer } from "../../src/disk/container/index.js";
import type { FilesystemType } from "../../src/disk/types.js";
import { scanVolumes } from "../../src/disk/volume/index.js";
import { MemoryBackend } from "../../src/fs/memory.js";
import { diskLoader } from "../../loaders/disk.js";
import { describeContents, loadDisk } from "../../loaders/disk-open.js";
import { tmpdir } from "../helpers/tmp.js";
import { sha256Of, sums } from "./volume/fixtures.js";

const FIXTURES = path.resolve("fixtures/disk/volume");

function unpack(name: string): string {
  const out = path.join(tmpdir("quarry-disk-"), name);
  fs.writeFileSync(out, gunzipSync(fs.readFileSync(path.join(FIXTURES, `${name}.gz`))));
  return out;
}

/** Claims a volume with the ext magic at byte 1080; serves an OS-like tree. */
const fakeExt: FilesystemType = {
  name: "fake-ext",
  probe(v) {
    const b = new Uint8Array(2);
    return v.read(b, 0, 2, 1080) === 2 && b[0] === 0x53 && b[1] === 0xef;
  },
  open: (v) => ({
    type: "ext4",
    uuid: null,
    label: null,
    size: v.size,
    backend: new MemoryBackend({ "/etc/hostname": "bare\n", "/var/log/x": "" }),
  }),
};

describe("disk loader", () => {
  it("detects images by container magic or by a partition table, PV or superblock at the start", () => {
    for (const n of ["gpt.img", "mbr.img", "lvm-bare.img", "bare-ext4.img", "lvm.qcow2"]) expect(diskLoader.detect(unpack(n)), n).toBe(true);
    const text = path.join(tmpdir(), "notes.txt");
    fs.writeFileSync(text, "not a disk\n".repeat(1000));
    expect(diskLoader.detect(text)).toBe(false);
    expect(diskLoader.detect(path.dirname(text))).toBe(false);
  });

  it("a bare filesystem image becomes the root", () => {
    const t = loadDisk(unpack("bare-ext4.img"), [fakeExt]);
    try {
      expect(t.container).toBe("raw");
      expect(t.fs.readText("/etc/hostname")).toBe("bare\n");
      expect(t.assembly.mounts.map((m) => [m.point, m.by])).toEqual([["/", "root (has /etc and /var)"]]);
      expect(t.warnings).toEqual([]);
    } finally {
      t.close?.();
    }
  });

  it("an image with no filesystem any reader opens is refused, naming what each volume holds", () => {
    expect(() => loadDisk(unpack("gpt.img"), [fakeExt])).toThrow(
      /gpt\.img: no filesystem could be opened \(4 volumes: gpt\.img p1 \(EFI system partition, 3145728 bytes at 1048576\): unknown filesystem, first bytes .*gpt\.img p3 \(Linux swap, 2097152 bytes at 9437184\): swap;/,
    );
  });

  it("LVs read through a qcow2 container match the dd sums of the raw disk", () => {
    const c = openContainer(unpack("lvm.qcow2"));
    try {
      expect(c.type).toBe("qcow2");
      const scan = scanVolumes([{ source: c.source, where: "lvm.qcow2" }]);
      expect(scan.problems).toEqual([]);
      for (const s of sums().filter((x) => x.image === "lvm.img")) {
        const v = scan.volumes.find((x) => x.name === s.volume)!;
        expect(sha256Of(v.source), s.volume).toBe(s.sha256);
      }
    } finally {
      c.source.close();
    }
  });

  it("an EFI system partition, on GPT or MBR, is listed and not warned of; other FAT volumes are", () => {
    // sector 0: an MBR with p1 type 0xef and p2 type 0x0c, each holding a FAT boot sector; p3 an ext volume
    const disk = Buffer.alloc(8 * 1024 * 1024);
    const entry = (slot: number, type: number, lba: number, sectors: number) => {
      const e = 446 + slot * 16;
      disk[e + 4] = type;
      disk.writeUInt32LE(lba, e + 8);
      disk.writeUInt32LE(sectors, e + 12);
    };
    entry(0, 0xef, 2048, 2048);
    entry(1, 0x0c, 4096, 2048);
    entry(2, 0x83, 6144, 8192);
    disk[510] = 0x55;
    disk[511] = 0xaa;
    for (const lba of [2048, 4096]) {
      disk.write("FAT32   ", lba * 512 + 82, "latin1");
      disk[lba * 512 + 510] = 0x55;
      disk[lba * 512 + 511] = 0xaa;
    }
    disk[6144 * 512 + 1080] = 0x53;
    disk[6144 * 512 + 1081] = 0xef;
    const p = path.join(tmpdir("quarry-disk-"), "esp-mbr.img");
    fs.writeFileSync(p, disk);
    const t = loadDisk(p, [fakeExt]);
    try {
      expect(describeContents(t.contents).slice(0, 2)).toEqual([
        "esp-mbr.img p1 (0xef (EFI (FAT-12/16/32)), 1048576 bytes at 1048576): FAT: not supported yet",
        "esp-mbr.img p2 (0x0c (W95 FAT32 (LBA)), 1048576 bytes at 2097152): FAT: not supported yet",
      ]);
      expect(t.warnings).toEqual(["esp-mbr.img p2: FAT: not supported yet"]);
      expect(t.unreadable).toEqual([]);
    } finally {
      t.close?.();
    }
  });

  it("describes each volume for target-info", () => {
    const t = loadDisk(unpack("bare-ext4.img"), [fakeExt]);
    try {
      expect(describeContents(t.contents)).toEqual(["bare-ext4.img disk (none, 4194304 bytes at 0): ext4"]);
    } finally {
      t.close?.();
    }
  });
});
