// The committed ext fixtures (scripts/disk/make-ext4.sh) and their oracles: find -printf, sha256sum and range
// hashes over the kernel-mounted tree, debugfs listings and stat, dumpe2fs -h. Images are gunzipped in memory.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { BufferSource } from "../../../../src/fs/tar/source.js";

export const FIXTURES = path.resolve("fixtures/disk/fs/ext4");
export const IMAGES = ["ext4", "ext2", "ext3", "inline", "metabg", "rev0", "bigalloc"] as const;

export function image(name: string): Uint8Array {
  return new Uint8Array(gunzipSync(fs.readFileSync(path.join(FIXTURES, `${name}.img.gz`))));
}

export function source(name: string): BufferSource {
  return new BufferSource(image(name));
}

function text(name: string, suffix: string): string {
  return fs.readFileSync(path.join(FIXTURES, `${name}${suffix}`), "utf8");
}

export interface FindRow {
  /** Absolute path in the filesystem ("/" for the root). */
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  ino: number;
  /** [seconds, nanoseconds] as find printed them. */
  atime: [number, number];
  mtime: [number, number];
  ctime: [number, number];
  link: string;
}

function stamp(s: string): [number, number] {
  const m = /^(-?\d+)\.(\d{9})\d*$/.exec(s);
  if (!m) throw new Error(`bad find time ${s}`);
  return [Number(m[1]), Number(m[2])];
}

export function findRows(name: string): FindRow[] {
  return text(name, ".find.tsv")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const f = l.split("\t");
      const p = f[0]!.slice(1);
      return {
        path: p === "" ? "/" : p,
        type: f[1]!,
        mode: parseInt(f[2]!, 8),
        uid: Number(f[3]),
        gid: Number(f[4]),
        size: Number(f[5]),
        nlink: Number(f[6]),
        ino: Number(f[7]),
        atime: stamp(f[8]!),
        mtime: stamp(f[9]!),
        ctime: stamp(f[10]!),
        link: f[11] ?? "",
      };
    });
}

/** path → sha256 of the file as the kernel read it. */
export function sha256s(name: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text(name, ".sha256").split("\n")) {
    const hit = /^([0-9a-f]{64}) {2}\.(\/.*)$/.exec(line);
    if (hit) m.set(hit[2]!, hit[1]!);
  }
  return m;
}

export function ranges(name: string): { path: string; offset: number; length: number; sha256: string }[] {
  return text(name, ".ranges.txt")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [p, o, n, h] = l.split(" ");
      return { path: p!.slice(1), offset: Number(o), length: Number(n), sha256: h! };
    });
}

/** directory → entries of `debugfs -R 'ls -p DIR'` (name → inode), without "." and "..". */
export function debugfsListings(name: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  let cur: Map<string, number> | null = null;
  for (const line of text(name, ".debugfs-ls.txt").split("\n")) {
    const head = /^== (.*)$/.exec(line);
    if (head) out.set(head[1]!, (cur = new Map()));
    const e = /^\/(\d+)\/\d+\/\d+\/\d+\/(.*)\/\d*\/$/.exec(line);
    if (e && cur && e[1] !== "0" && e[2] !== "." && e[2] !== "..") cur.set(e[2]!, Number(e[1]));
  }
  return out;
}

/** path → the lines of `debugfs -R 'stat PATH'`. */
export function debugfsStats(name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text(name, ".debugfs-stat.txt").split(/^== /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return out;
}

/** `dumpe2fs -h` as field → value. */
export function dumpe2fs(name: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text(name, ".dumpe2fs.txt").split("\n")) {
    const hit = /^([^:]+):\s*(.*)$/.exec(line);
    if (hit) m.set(hit[1]!.trim(), hit[2]!.trim());
  }
  return m;
}
