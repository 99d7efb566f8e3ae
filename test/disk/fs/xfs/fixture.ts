// The committed XFS fixture (scripts/disk/make-xfs.sh), gunzipped once per test file, and its oracles: the
// `find -printf` listing of the mounted tree, sha256sum of its files, and xfs_db's superblock print.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

export const FIXTURES = path.resolve("fixtures/disk/fs/xfs");

let image: Uint8Array | null = null;

/** The raw filesystem image (72 MiB; callers must not modify it: they slice a copy). */
export function xfsImage(): Uint8Array {
  image ??= new Uint8Array(gunzipSync(fs.readFileSync(path.join(FIXTURES, "xfs.img.gz"))));
  return image;
}

export interface FindRow {
  ino: number;
  /** find's %y: f d l p c b s */
  y: string;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  size: number;
  /** %T@ %A@ %C@: seconds with a ten-digit fraction, as text. */
  mtime: string;
  atime: string;
  ctime: string;
  /** "/" for the root, else "/a/b". */
  path: string;
  link: string;
}

export function findRows(): FindRow[] {
  const rows: FindRow[] = [];
  for (const line of fs.readFileSync(path.join(FIXTURES, "find.tsv"), "utf8").split("\n")) {
    if (!line) continue;
    const f = line.split("\t");
    const p = f[10]!;
    rows.push({
      ino: Number(f[0]),
      y: f[1]!,
      mode: parseInt(f[2]!, 8),
      uid: Number(f[3]),
      gid: Number(f[4]),
      nlink: Number(f[5]),
      size: Number(f[6]),
      mtime: f[7]!,
      atime: f[8]!,
      ctime: f[9]!,
      path: p === "." ? "/" : p.slice(1),
      link: f[11] ?? "",
    });
  }
  return rows;
}

/** path → sha256 of the non-empty regular files. */
export function sha256s(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(FIXTURES, "sha256sum.txt"), "utf8").split("\n")) {
    const at = line.indexOf("  ");
    if (at > 0) m.set(line.slice(at + 3), line.slice(0, at));
  }
  return m;
}

/** field → value of `xfs_db -c 'sb 0' -c print`. */
export function superblockPrint(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(FIXTURES, "xfs_db-sb.txt"), "utf8").split("\n")) {
    const at = line.indexOf(" = ");
    if (at > 0) m.set(line.slice(0, at), line.slice(at + 3));
  }
  return m;
}


export { findTime, PatchedSource } from "../../helpers.js";

/** Patches that write `bytes` big-endian at `at`. */
export function be(at: number, value: bigint | number, bytes: number): [number, number][] {
  const out: [number, number][] = [];
  let v = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out.push([at + i, Number(v & 0xffn)]);
    v >>= 8n;
  }
  return out;
}
