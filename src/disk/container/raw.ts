// raw: the file is the disk (.img, .raw, .dd, or any file no other container claims). A split image — a path
// ending in .001 with .002, .003, … beside it (as dd | split -d and FTK write them) — reads as one source.
import fs from "node:fs";
import { FdSource } from "../../fs/tar/source.js";
import type { ByteSource, ContainerType } from "../types.js";
import { ConcatSource, type Piece } from "./concat.js";

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

export const rawType: ContainerType = {
  name: "raw",
  probe: () => true,
  open(file: ByteSource, path: string): ByteSource {
    const pieces = splitPieces(path);
    if (!pieces) return file;
    const parts: Piece[] = [{ size: file.size, source: file }];
    try {
      for (const p of pieces.slice(1)) {
        const s = FdSource.open(p);
        parts.push({ size: s.size, source: s });
      }
    } catch (e) {
      for (const p of parts.slice(1)) p.source.close();
      throw e;
    }
    return new ConcatSource(parts);
  },
};
