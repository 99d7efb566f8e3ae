// The layers between a disk image and a root filesystem (docs/disks.md): a container gives a random-access byte
// source (raw, qcow2, VMDK, VHD, VHDX), a volume system cuts it into volumes (MBR, GPT, LVM2, or none), and a
// filesystem type turns a volume into an FsBackend (ext2/3/4, XFS). Each layer is read-only and synchronous,
// as the VFS is; every size, count and offset read from the image is bounded by the image before it is used.
import type { ByteSource } from "../fs/tar/source.js";
import type { FsBackend } from "../fs/types.js";

export type { ByteSource };

/** Damage or an unsupported feature in an image: names the layer's file or volume and the byte offset. */
export class DiskError extends Error {
  constructor(
    /** What was being read: the image file, "partition 2", "vg0/root", … */
    readonly where: string,
    /** Byte offset within that layer's source, or null when none applies. */
    readonly offset: number | null,
    detail: string,
  ) {
    super(`${where}${offset === null ? "" : ` at byte ${offset}`}: ${detail}`);
    this.name = "DiskError";
  }
}

/** A container format: a file (or files) that hold a virtual disk. */
export interface ContainerType {
  readonly name: string; // "raw", "qcow2", "vmdk", "vhd", "vhdx"
  /** Cheap check of the magic at the start (or, for VHD, the footer) of the file. */
  probe(file: ByteSource, path: string): boolean;
  /** The virtual disk as bytes; unallocated regions read as zeros. */
  open(file: ByteSource, path: string): ByteSource;
}

/** One volume of a disk: a partition, a logical volume, or the whole disk when there is no volume system. */
export interface Volume {
  /** "p1", "p5" (logical), "vg0/root", "disk" */
  readonly name: string;
  /** Byte offset in the disk (null for an LVM logical volume, which may span segments and disks). */
  readonly offset: number | null;
  readonly size: number;
  /** The partition type as the table says it ("Linux filesystem", "0x83", "EFI System", "LVM2 member", …). */
  readonly type: string;
  /** GPT partition GUID (lower case), for PARTUUID= in fstab. */
  readonly partUuid?: string;
  readonly partLabel?: string;
  readonly source: ByteSource;
}

/** A filesystem found on a volume: what target-info shows and /etc/fstab is matched against. */
export interface FilesystemInfo {
  readonly type: string; // "ext4", "ext3", "ext2", "xfs"
  /** Canonical lower-case 8-4-4-4-12, or null. */
  readonly uuid: string | null;
  readonly label: string | null;
  /** Bytes the filesystem spans. */
  readonly size: number;
}

export interface OpenedFilesystem extends FilesystemInfo {
  readonly backend: FsBackend;
}

export interface FilesystemType {
  readonly name: string;
  /** Cheap check of the superblock magic at the start of a volume. */
  probe(volume: ByteSource): boolean;
  /** Open read-only. `where` names the volume in errors. Throws DiskError when the superblock is unusable. */
  open(volume: ByteSource, where: string): OpenedFilesystem;
}
