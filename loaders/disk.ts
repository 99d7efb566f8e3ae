// A disk image (docs/disks.md): the container (raw, qcow2, VMDK, VHD, VHDX) gives the virtual disk, the volume
// layer its partitions and LVM2 logical volumes, the filesystem readers a backend per volume, and the assembly
// one root: the filesystem with /etc and /var, the others where its fstab says or at /$fs$/<name>. What could
// not be read is a warning or an error of the run (docs/disks.md); the other volumes still read.
// This module only detects: the readers are loaded (disk-open.ts) when an image is opened, not at start-up.
import fs from "node:fs";
import { probeContainer, splitPieces } from "../src/disk/container/probe.js";
import { looksLikeMbr } from "../src/disk/volume/mbr.js";
import { readHead } from "./sniff.js";
import type { Loader } from "./types.js";

/** A raw file is taken for a disk only when its start says so: a partition table, a PV, ext or XFS superblock. */
function rawLooksLikeDisk(p: string): boolean {
  const { head } = readHead(p);
  if (head.length < 2048) return false;
  const at = (o: number, s: string): boolean => head.toString("latin1", o, o + s.length) === s;
  return (
    at(512, "EFI PART") ||
    at(4096, "EFI PART") ||
    looksLikeMbr(head.subarray(0, 512)) ||
    [0, 512, 1024, 1536].some((o) => at(o, "LABELONE")) ||
    at(0, "XFSB") ||
    (head[1080] === 0x53 && head[1081] === 0xef)
  );
}

function isImageFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    return probeContainer(p) !== null || splitPieces(p) !== null || rawLooksLikeDisk(p);
  } catch {
    return false;
  }
}

export const diskLoader: Loader = {
  name: "disk",
  description: "a disk image (raw/dd/split .001, qcow2, VMDK, VHD, VHDX): MBR/GPT/LVM2 volumes, ext4 and XFS",
  detect: isImageFile,
  load: async (p) => (await import("./disk-open.js")).openDisk(p),
};
