// Which container a file is, by its magic alone: the formats' probes, kept apart from their readers so that the
// loaders can ask "is this a disk image?" without loading the readers (qcow2's zstd, the inflaters) at start-up.
import fs from "node:fs";
import { FdSource } from "../../fs/tar/source.js";
import type { ByteSource } from "../types.js";
import { ascii, be32, le32 } from "./bytes.js";

export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
export const VMDK_SPARSE_MAGIC = 0x564d444b; // "KDMV"
const VHD_FOOTER = 512;

export function isQcow2(file: ByteSource): boolean {
  if (file.size < 4) return false;
  const b = new Uint8Array(4);
  return file.read(b, 0, 4, 0) === 4 && be32(b, 0) === QCOW2_MAGIC;
}

/** A VMDK descriptor file's text start. */
export function isVmdkDescriptor(head: Uint8Array): boolean {
  const text = ascii(head, 0, head.length);
  return /^\s*#\s*Disk DescriptorFile/i.test(text) || /^\s*(#[^\n]*\n\s*)*version\s*=\s*\d+\s*\n[\s\S]*createType\s*=/.test(text);
}

export function isVmdk(file: ByteSource): boolean {
  const head = new Uint8Array(Math.min(512, file.size));
  const n = file.read(head, 0, head.length, 0);
  return (n >= 4 && le32(head, 0) === VMDK_SPARSE_MAGIC) || isVmdkDescriptor(head.subarray(0, n));
}

export function isVhdx(file: ByteSource): boolean {
  const b = new Uint8Array(8);
  return file.size >= 8 && file.read(b, 0, 8, 0) === 8 && ascii(b, 0, 8) === "vhdxfile";
}

/** A VHD footer at the end (fixed and dynamic disks), or its copy at the start (dynamic). */
export function isVhd(file: ByteSource): boolean {
  const b = new Uint8Array(8);
  if (file.size < VHD_FOOTER) return false;
  if (file.read(b, 0, 8, file.size - VHD_FOOTER) === 8 && ascii(b, 0, 8) === "conectix") return true;
  return file.read(b, 0, 8, 0) === 8 && ascii(b, 0, 8) === "conectix";
}

/** In the order the container list tries them (raw, which claims anything, is not here). */
const MAGICS: readonly [string, (f: ByteSource) => boolean][] = [
  ["qcow2", isQcow2],
  ["vmdk", isVmdk],
  ["vhdx", isVhdx],
  ["vhd", isVhd],
];

/** The format a source's magic names, or null (raw). */
export function containerOf(file: ByteSource): string | null {
  for (const [name, is] of MAGICS) if (is(file)) return name;
  return null;
}

/** The container format whose magic `path` carries ("qcow2", "vmdk", "vhd", "vhdx"), or null (raw or not an image). */
export function probeContainer(path: string): string | null {
  let file: FdSource;
  try {
    if (!fs.statSync(path).isFile()) return null;
    file = FdSource.open(path);
  } catch {
    return null;
  }
  try {
    return containerOf(file);
  } finally {
    file.close();
  }
}

/** More pieces than this is not a split image anyone made. */
const SPLIT_MAX = 10000;

/** The sibling paths of a split image, in order, when `path` is its first piece (name.001). */
export function splitPieces(path: string): string[] | null {
  const m = /^(.*\.)(0*1)$/.exec(path);
  if (!m) return null;
  const [, stem, first] = m as unknown as [string, string, string];
  const width = first.length;
  const paths = [path];
  for (let n = 2; n <= SPLIT_MAX; n++) {
    const next = stem + String(n).padStart(width, "0");
    if (!fs.existsSync(next)) break;
    paths.push(next);
  }
  return paths.length > 1 ? paths : null;
}
