// Opening a disk image (docs/disks.md): container → volumes → filesystems → assembly, and what of it could not
// be read, sorted into errors of the run and warnings. loaders/disk.ts detects images and loads this on demand.
import path from "node:path";
import { assemble, openFilesystems, type Assembly, type VolumeContent } from "../src/disk/assemble.js";
import { openContainer } from "../src/disk/container/index.js";
import { FILESYSTEM_TYPES } from "../src/disk/fs/index.js";
import type { FilesystemType } from "../src/disk/types.js";
import { gptTypeName } from "../src/disk/volume/gpt-types.js";
import { scanVolumes } from "../src/disk/volume/index.js";
import { mbrTypeName } from "../src/disk/volume/mbr.js";
import type { LoadedTarget } from "./types.js";

/** One line per volume for target-info: name, size, what it holds, and where it is mounted when it is. */
export function describeContents(contents: readonly VolumeContent[], mounts: Assembly["mounts"] = []): string[] {
  return contents.map((c) => {
    const v = c.volume;
    const head = `${c.disk} ${v.name} (${v.type}, ${v.size} bytes${v.offset === null ? "" : ` at ${v.offset}`})`;
    // the messages name the volume for the warnings; on its own line that is said already
    const where = `${v.name === "disk" ? c.disk : `${c.disk} ${v.name}`}: `;
    const said = (m: string): string => (m.startsWith(where) ? m.slice(where.length) : m);
    switch (c.kind) {
      case "filesystem": {
        const at = mounts.find((m) => m.content === c);
        return `${head}: ${c.fs.type}${c.fs.uuid ? ` UUID=${c.fs.uuid}` : ""}${c.fs.label ? ` LABEL=${c.fs.label}` : ""}${at ? ` on ${at.point}` : ""}`;
      }
      case "lvm":
      case "swap":
        return `${head}: ${c.name}`;
      default:
        return `${head}: ${said(c.message)}`;
    }
  });
}

/** Recognised volumes that hold what an analyst needs and quarry cannot read: errors of the run (exit 1). */
const MUST_READ = new Set(["LUKS", "BitLocker", "btrfs", "zfs", "linux_raid_member", "ext4", "xfs"]);
/**
 * Partitions that are expected not to hold a readable filesystem: listed by target-info, not warned of. Named
 * through the tables' own naming, so the match follows them (an MBR type shows as "0xef (EFI (FAT-12/16/32))").
 */
const BOOT_TYPES = new Set([
  gptTypeName("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), // EFI system partition
  gptTypeName("21686148-6449-6e6f-744e-656564454649"), // BIOS boot partition
  mbrTypeName(0xef), // EFI system partition on an MBR disk
]);

/** What of the disk could not be read (errors), what is only worth a warning, and what is just listed. */
function sortProblems(contents: readonly VolumeContent[]): { unreadable: string[]; warnings: string[] } {
  const unreadable: string[] = [];
  const warnings: string[] = [];
  for (const c of contents) {
    if (c.kind === "error" || (c.kind === "unsupported" && MUST_READ.has(c.name))) unreadable.push(c.message);
    else if ((c.kind === "unsupported" || c.kind === "unknown") && !BOOT_TYPES.has(c.volume.type)) warnings.push(c.message);
  }
  return { unreadable, warnings };
}

export interface LoadedDisk extends LoadedTarget {
  readonly contents: readonly VolumeContent[];
  readonly assembly: Assembly;
  readonly container: string;
}

/** Opens an image with the given filesystem readers (the loader uses FILESYSTEM_TYPES). */
export function loadDisk(p: string, types: readonly FilesystemType[]): LoadedDisk {
  const disk = path.basename(p);
  const opened = openContainer(p);
  try {
    const scan = scanVolumes([{ source: opened.source, where: disk }]);
    const contents = openFilesystems(scan.volumes.map((volume) => ({ disk, volume })), types);
    const assembly = assemble(contents);
    const sorted = sortProblems(contents);
    const unreadable = [...scan.problems.map((e) => e.message), ...sorted.unreadable];
    const warnings = [...sorted.warnings, ...assembly.notes];
    if (assembly.mounts.length === 0) {
      throw new Error(`${disk}: no filesystem could be opened (${contents.length} volume${contents.length === 1 ? "" : "s"}: ${describeContents(contents).join("; ") || "none"})`);
    }
    return {
      fs: assembly.fs,
      warnings,
      unreadable,
      layout: [`${disk} (${opened.type}, ${opened.source.size} bytes)`, ...describeContents(contents, assembly.mounts)],
      contents,
      assembly,
      container: opened.type,
      close: () => {
        assembly.fs.close();
        opened.source.close();
      },
    };
  } catch (e) {
    opened.source.close();
    throw e;
  }
}

/** The loader's open: every filesystem reader quarry has. */
export function openDisk(p: string): LoadedDisk {
  return loadDisk(p, FILESYSTEM_TYPES);
}
