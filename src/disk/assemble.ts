// From volumes to one root filesystem (docs/disks.md, "Assembly"). Each volume is offered to the filesystem
// readers; what none claims is named by its magic (LUKS, swap, btrfs, …) or shown as unknown with its first
// bytes. The OS root is the filesystem that has /etc and /var; the others are mounted where the root's
// /etc/fstab puts them (UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/mapper/…, /dev/<vg>/<lv>, /dev/sdaN), and
// every filesystem fstab does not place is at /$fs$/<name>. fstab is read through the image's own root, so a
// link in it resolves inside the image.
import { RootFilesystem } from "../fs/root.js";
import { FsError } from "../fs/types.js";
import { lvToDmName, parseFstab, specKey, type SpecKey } from "./fstab.js";
import { DiskError, type FilesystemType, type OpenedFilesystem, type Volume } from "./types.js";
import { recognise } from "./volume/signatures.js";

export const FS_MOUNT_DIR = "/$fs$";
/** fstab is a few lines; a larger one is read up to here. */
const FSTAB_MAX = 1024 * 1024;

export interface DiskVolume {
  /** The disk's label for names and messages (the image's file name). */
  readonly disk: string;
  readonly volume: Volume;
}

export type VolumeContent =
  | (DiskVolume & { readonly kind: "filesystem"; readonly fs: OpenedFilesystem })
  /** Not a filesystem and not a failure: swap, an LVM2 PV (its LVs are volumes of their own). */
  | (DiskVolume & { readonly kind: "swap" | "lvm"; readonly name: string })
  /** LUKS, BitLocker, btrfs, ZFS, …: recognised, not read. */
  | (DiskVolume & { readonly kind: "unsupported"; readonly name: string; readonly message: string })
  | (DiskVolume & { readonly kind: "unknown"; readonly message: string })
  /** A reader claimed it and could not open it. */
  | (DiskVolume & { readonly kind: "error"; readonly message: string });

export type FilesystemContent = Extract<VolumeContent, { kind: "filesystem" }>;

/** Offers each volume to the readers in order; never throws for one volume's damage. */
export function openFilesystems(volumes: readonly DiskVolume[], types: readonly FilesystemType[]): VolumeContent[] {
  return volumes.map((dv): VolumeContent => {
    const where = dv.volume.name === "disk" ? dv.disk : `${dv.disk} ${dv.volume.name}`;
    const seen = recognise(dv.volume.source);
    if (seen.kind === "lvm") return { ...dv, kind: "lvm", name: seen.name };
    for (const t of types) {
      let claims = false;
      try {
        claims = t.probe(dv.volume.source);
        if (claims) return { ...dv, kind: "filesystem", fs: t.open(dv.volume.source, where) };
      } catch (e) {
        if (!(e instanceof DiskError || e instanceof FsError)) throw e;
        if (claims) return { ...dv, kind: "error", message: `${t.name}: ${e.message}` };
      }
    }
    if (seen.kind === "swap") return { ...dv, kind: "swap", name: seen.name };
    if (seen.kind === "unsupported") return { ...dv, kind: "unsupported", name: seen.name, message: `${where}: ${seen.message}` };
    return { ...dv, kind: "unknown", message: `${where}: ${seen.kind === "unknown" ? seen.message : seen.name}` };
  });
}

export interface Mounted {
  readonly point: string;
  readonly content: FilesystemContent;
  /** Why it is there: "root (has /etc and /var)", "fstab line 3: UUID=…", "not in fstab". */
  readonly by: string;
}

export interface Assembly {
  readonly fs: RootFilesystem;
  readonly root: FilesystemContent | null;
  readonly mounts: readonly Mounted[];
  /** fstab lines that matched nothing, second OS roots, a missing root: for target-info and the loader's warnings. */
  readonly notes: readonly string[];
}

const isDir = (fs: OpenedFilesystem, path: string): boolean => {
  try {
    return fs.backend.lstat(path)?.type === "dir";
  } catch (e) {
    if (e instanceof FsError || e instanceof DiskError) return false;
    throw e;
  }
};

/** The name under /$fs$: the volume's name (an LV by its /dev/mapper name), with the disk's when there are several. */
function fsName(c: FilesystemContent, severalDisks: boolean): string {
  const v = c.volume;
  if (v.offset === null) return lvToDmName(v.name);
  const name = v.name === "disk" ? "disk" : v.name;
  return severalDisks ? `${c.disk}-${name}` : name;
}

function matches(c: FilesystemContent, key: SpecKey, firstDisk: string): boolean {
  switch (key.by) {
    case "uuid":
      return c.fs.uuid !== null && c.fs.uuid.toLowerCase() === key.value;
    case "label":
      return c.fs.label === key.value;
    case "partuuid":
      return c.volume.partUuid !== undefined && c.volume.partUuid.toLowerCase() === key.value;
    case "partlabel":
      return c.volume.partLabel === key.value;
    case "lv":
      return c.volume.offset === null && c.volume.name === key.value;
    case "partition":
      return c.disk === firstDisk && c.volume.offset !== null && c.volume.name === key.value;
  }
}

function readFstab(root: FilesystemContent, notes: string[]): string | null {
  const view = new RootFilesystem(root.fs.backend);
  try {
    if (!view.isFile("/etc/fstab")) return null;
    const head = view.readTextHead("/etc/fstab", FSTAB_MAX);
    if (head.truncated) notes.push(`/etc/fstab is larger than ${FSTAB_MAX} bytes: only its first lines were read`);
    return head.text;
  } catch (e) {
    if (!(e instanceof FsError || e instanceof DiskError)) throw e;
    notes.push(`/etc/fstab could not be read: ${e.message}`);
    return null;
  }
}

/** Picks the root, mounts the rest by the root's fstab, and puts every filesystem fstab does not place under /$fs$. */
export function assemble(contents: readonly VolumeContent[]): Assembly {
  const filesystems = contents.filter((c): c is FilesystemContent => c.kind === "filesystem");
  const notes: string[] = [];
  const disks = [...new Set(contents.map((c) => c.disk))];
  const severalDisks = disks.length > 1;
  const candidates = filesystems.filter((c) => isDir(c.fs, "/etc") && isDir(c.fs, "/var"));
  let root: FilesystemContent | null = candidates[0] ?? null;
  let rootBy = "root (has /etc and /var)";
  if (!root && filesystems.length === 1) {
    root = filesystems[0]!;
    rootBy = "root (the only filesystem; it has no /etc and /var)";
    notes.push(`no filesystem has /etc and /var: the only one, ${fsName(root, severalDisks)}, is the root`);
  } else if (!root && filesystems.length > 1) {
    notes.push(`no filesystem has /etc and /var: every filesystem is under ${FS_MOUNT_DIR}`);
  }
  if (candidates.length > 1) {
    notes.push(`several filesystems have /etc and /var (${candidates.map((c) => fsName(c, severalDisks)).join(", ")}): ${fsName(root!, severalDisks)} is the root, the others are under ${FS_MOUNT_DIR}`);
  }
  const fsys = new RootFilesystem();
  const mounts: Mounted[] = [];
  const placed = new Set<FilesystemContent>();
  if (root) {
    fsys.mount("/", root.fs.backend);
    mounts.push({ point: "/", content: root, by: rootBy });
    placed.add(root);
    const text = candidates.includes(root) ? readFstab(root, notes) : null;
    for (const line of text === null ? [] : parseFstab(text)) {
      if (line.point === "/") continue;
      const key = specKey(line.spec);
      const found = key ? filesystems.filter((c) => matches(c, key, disks[0]!)) : [];
      if (found.length === 0) {
        notes.push(`fstab line ${line.lineno}: ${line.spec} for ${line.point} matches no filesystem in the image`);
        continue;
      }
      const c = found[0]!;
      if (placed.has(c)) {
        notes.push(`fstab line ${line.lineno}: ${line.spec} for ${line.point} is a filesystem already mounted`);
        continue;
      }
      if (mounts.some((m) => m.point === line.point)) {
        notes.push(`fstab line ${line.lineno}: ${line.point} is already a mount point`);
        continue;
      }
      fsys.mount(line.point, c.fs.backend);
      mounts.push({ point: line.point, content: c, by: `fstab line ${line.lineno}: ${line.spec}` });
      placed.add(c);
    }
  }
  const used = new Set<string>();
  for (const c of filesystems) {
    if (placed.has(c)) continue;
    let name = fsName(c, severalDisks);
    for (let n = 2; used.has(name); n++) name = `${fsName(c, severalDisks)}.${n}`;
    used.add(name);
    const point = `${FS_MOUNT_DIR}/${name}`;
    fsys.mount(point, c.fs.backend);
    mounts.push({ point, content: c, by: "not in fstab" });
  }
  return { fs: fsys, root, mounts, notes };
}
