// raw: the file is the disk (.img, .raw, .dd, or any file no other container claims). A split image — a path
// ending in .001 with .002, .003, … beside it (as dd | split -d and FTK write them) — reads as one source.
import fs from "node:fs";
import { FdSource } from "../../fs/tar/source.js";
import type { ByteSource, ContainerType } from "../types.js";
import { ConcatSource, type Piece } from "./concat.js";
import { splitPieces } from "./probe.js";

export { splitPieces };

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
