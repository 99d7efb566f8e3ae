// What a volume holds when no filesystem reader claims it: the magic numbers of what quarry does not read
// (LUKS, BitLocker, btrfs, ZFS, MD RAID, swap, FAT, NTFS, …) and of the filesystems it reads, so that a build
// without a reader still names them. Only fixed offsets near the start are read (at most 256 KiB).
import { readFully } from "../../fs/read.js";
import type { ByteSource } from "../types.js";

export type Recognised =
  /** Not a filesystem, not a failure: listed as what it is. */
  | { readonly kind: "swap" | "lvm"; readonly name: string }
  /** Recognised, not read: the message says what to do. */
  | { readonly kind: "unsupported"; readonly name: string; readonly message: string }
  | { readonly kind: "unknown"; readonly message: string };

const HEAD = 256 * 1024;

function head(src: ByteSource): Uint8Array {
  const b = new Uint8Array(Math.min(HEAD, src.size));
  const n = readFully(src, b, 0);
  return b.subarray(0, n);
}

const at = (b: Uint8Array, off: number, s: string): boolean => {
  if (off + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s.charCodeAt(i)) return false;
  return true;
};
const u32le = (b: Uint8Array, o: number): number => (o + 4 <= b.length ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0 : -1);
const u32be = (b: Uint8Array, o: number): number => (o + 4 <= b.length ? ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0 : -1);

function unsupported(name: string, message: string): Recognised {
  return { kind: "unsupported", name, message };
}

/** The first bytes, in hex, for "unknown filesystem, first bytes …". */
export function firstBytes(b: Uint8Array, n = 16): string {
  return Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, "0")).join(" ");
}

/** Names what a volume holds by its magic, or says it is unknown (with its first bytes). */
export function recognise(src: ByteSource): Recognised {
  const b = head(src);
  if (at(b, 512, "LABELONE") || at(b, 1024, "LABELONE") || at(b, 0, "LABELONE") || at(b, 1536, "LABELONE")) return { kind: "lvm", name: "LVM2 member" };
  if (at(b, 0, "LUKS\xba\xbe")) return unsupported("LUKS", "LUKS-encrypted volume; supply the decrypted image");
  if (at(b, 3, "-FVE-FS-")) return unsupported("BitLocker", "BitLocker-encrypted volume; supply the decrypted image");
  for (const page of [4096, 8192, 16384, 65536]) {
    if (at(b, page - 10, "SWAPSPACE2") || at(b, page - 10, "SWAP-SPACE")) return { kind: "swap", name: "swap" };
  }
  if (at(b, 0x10040, "_BHRfS_M")) return unsupported("btrfs", "btrfs: not supported yet");
  // a ZFS vdev label's uberblock ring starts 128 KiB into the label
  for (let o = 128 * 1024; o + 8 <= b.length; o += 1024) {
    if (u32le(b, o) === 0x00bab10c || u32be(b, o) === 0x00bab10c) return unsupported("zfs", "ZFS: not supported yet");
  }
  if (u32le(b, 4096) === 0xa92b4efc || u32le(b, 0) === 0xa92b4efc) return unsupported("linux_raid_member", "Linux MD RAID member: not supported (assemble the array and supply its image)");
  if (at(b, 0, "XFSB")) return unsupported("xfs", "XFS: no reader in this build");
  if (b[1080] === 0x53 && b[1081] === 0xef) return unsupported("ext4", "ext2/3/4: no reader in this build");
  if (at(b, 3, "NTFS    ")) return unsupported("ntfs", "NTFS: not supported yet");
  if (at(b, 3, "EXFAT   ")) return unsupported("exfat", "exFAT: not supported yet");
  if ((at(b, 54, "FAT") || at(b, 82, "FAT32")) && b[510] === 0x55 && b[511] === 0xaa) return unsupported("vfat", "FAT: not supported yet");
  if (at(b, 0, "hsqs")) return unsupported("squashfs", "squashfs: not supported yet");
  if (at(b, 32769, "CD001")) return unsupported("iso9660", "ISO 9660: not supported yet");
  if (b.every((x) => x === 0)) return { kind: "unknown", message: "unknown filesystem: the first bytes are all zeros" };
  return { kind: "unknown", message: `unknown filesystem, first bytes ${firstBytes(b)}` };
}
