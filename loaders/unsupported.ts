// What an input that no loader takes (or that mounts as no system root) looks like, so that the message says
// what it is and what quarry reads instead of only "no loader recognises this path".
import fs from "node:fs";
import path from "node:path";
import { probeContainer } from "../src/disk/container/probe.js";
import type { RootFilesystem } from "../src/fs/root.js";
import { readHead, sniff } from "./sniff.js";

const READS = "quarry reads folders holding a system root (etc/ and var/), tar and zip collections, and loose files with --direct";

/** Folder names (any case) that only a Windows system tree has at its root or one level down. */
const WINDOWS_MARKERS = [["windows", "system32"], ["c", "windows"], ["windows", "system32", "config"]];

function windowsLike(names: (dir: string[]) => string[] | null): boolean {
  return WINDOWS_MARKERS.some((marker) => {
    let at: string[] = [];
    for (const want of marker) {
      const found = (names(at) ?? []).find((n) => n.toLowerCase() === want);
      if (found === undefined) return false;
      at = [...at, found];
    }
    return true;
  });
}

function hostNames(root: string): (dir: string[]) => string[] | null {
  return (dir) => {
    try {
      const p = path.join(root, ...dir);
      return fs.lstatSync(p).isDirectory() ? fs.readdirSync(p) : null;
    } catch {
      return null;
    }
  };
}

/** A file's first bytes as a disk image, filesystem image or a Windows artefact, or null. */
function imageKind(file: string, head: Buffer): string | null {
  const container = probeContainer(file);
  if (container) return `a ${container.toUpperCase()} disk image`;
  if (head.length >= 520 && head.toString("latin1", 512, 520) === "EFI PART") return "a raw disk image with a GPT partition table";
  if (head.length >= 1082 && head.readUInt16LE(1080) === 0xef53) return "a raw ext2/3/4 filesystem image";
  if (head.length >= 4 && head.toString("latin1", 0, 4) === "XFSB") return "a raw XFS filesystem image";
  if (head.length >= 512 && head[510] === 0x55 && head[511] === 0xaa) return "a raw disk image with an MBR partition table";
  if (head.length >= 8 && head.toString("latin1", 0, 8) === "ElfFile\0") return "a Windows event log (EVTX)";
  if (head.length >= 4 && head.toString("latin1", 0, 4) === "regf") return "a Windows registry hive";
  return null;
}

/** Why no loader takes `p`, as one sentence: what it looks like, and what quarry reads. */
export function describeUnsupported(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return "no loader recognises this path";
  }
  if (st.isDirectory()) {
    if (windowsLike(hostNames(p))) return `this looks like a Windows system tree; quarry's plugins are for Linux and Unix (${READS})`;
    return `no loader recognises this path: a folder with no etc/ and var/ of a system root, nor a collection's layout (${READS})`;
  }
  if (!st.isFile()) return "no loader recognises this path (not a regular file or a folder)";
  let head: Buffer;
  let size: number;
  try {
    ({ head, size } = readHead(p));
  } catch (e) {
    return `no loader recognises this path (cannot read it: ${(e as Error).message})`;
  }
  const image = imageKind(p, head);
  // the disk loader takes every image it can make sense of; what reaches here has only the magic of one
  if (image) return `this looks like ${image}, but not one the disk loader can open (no partition in its table, or too short for its headers)`;
  const loose = sniff(head, size, path.basename(p));
  if (loose) return `this looks like ${loose.what}, a loose file, not a target: read it with --direct (target-query --direct -f FUNCTIONS ${p})`;
  return `no loader recognises this path (${READS})`;
}

/** A mounted archive root that is no system root: what it looks like, for the target's warnings; or null. */
export function describeRoot(root: RootFilesystem): string | null {
  if (root.isDir("/etc") || root.isDir("/var")) return null;
  const names = (dir: string[]): string[] | null => {
    const p = "/" + dir.join("/");
    try {
      return root.isDir(p) ? root.readdir(p) : null;
    } catch {
      return null;
    }
  };
  if (windowsLike(names)) return "this looks like a Windows system tree: quarry's plugins read Linux and Unix targets, so most find nothing";
  return "no collection layout fits (Velociraptor, acquire, UAC, CyLR) and the root has no etc/ or var/: its members are shown as they are, and most plugins find nothing";
}
