// Seeded truncated and corrupted copies of the zip fixtures: opening and reading every member either works or
// fails with a clear error (ZipFormatError naming the file and offset, or an FsError naming the member), never
// another exception, never a hang. Fast: a few hundred copies of small zips.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadZip } from "../../loaders/zip.js";
import { ZipFormatError } from "../../src/fs/zip/directory.js";
import { FsError } from "../../src/fs/types.js";
import type { RootFilesystem } from "../../src/fs/root.js";
import { ContainmentError } from "../../loaders/contain.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-fuzz-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function readAll(root: RootFilesystem, d = "/", depth = 0): number {
  let n = 0;
  if (depth > 40) return n;
  let names: string[];
  try {
    names = root.readdir(d);
  } catch (e) {
    if (e instanceof FsError) return n;
    throw e;
  }
  for (const name of names) {
    const p = d === "/" ? `/${name}` : `${d}/${name}`;
    const st = root.lstat(p);
    try {
      if (st?.type === "dir") n += readAll(root, p, depth + 1);
      else if (st?.type === "file") n += root.readFile(p).length;
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      expect(e.message).toMatch(/offset \d+|ENOENT|EIO|EFBIG|ELOOP/);
    }
  }
  return n;
}

const FIXTURES = ["plain-deflated.zip", "plain-stored.zip", "plain-zip64.zip", "Collection-vrhost-2024-03-01T12_00_00Z.zip", "hostile-names.zip"];

function tryOpen(p: string): void {
  let t: ReturnType<typeof loadZip> | undefined;
  try {
    t = loadZip(p);
  } catch (e) {
    if (e instanceof ZipFormatError) {
      expect(e.message).toMatch(/at offset \d+/);
      return;
    }
    if (e instanceof ContainmentError) return;
    throw e;
  }
  try {
    readAll(t.fs);
  } finally {
    t.close?.();
  }
}

describe("zip fuzz", () => {
  for (const name of FIXTURES) {
    it(`${name}: truncated and corrupted copies`, () => {
      const orig = fs.readFileSync(path.join("fixtures/zip", name));
      const r = rng(name.length * 7919);
      const p = path.join(dir, name);
      const t0 = Date.now();
      for (let i = 0; i < 60; i++) {
        const copy = Buffer.from(orig);
        const kind = i % 3;
        let data: Buffer;
        if (kind === 0) data = copy.subarray(0, Math.floor(r() * copy.length));
        else {
          // Corrupt a few bytes; half of the time inside the central directory and end record (the last 2 KiB).
          const tail = kind === 2;
          for (let k = 0; k < 1 + Math.floor(r() * 8); k++) {
            const at = tail ? copy.length - 1 - Math.floor(r() * Math.min(2048, copy.length)) : Math.floor(r() * copy.length);
            copy[at] = Math.floor(r() * 256);
          }
          data = copy;
        }
        fs.writeFileSync(p, data);
        tryOpen(p);
      }
      expect(Date.now() - t0).toBeLessThan(20_000);
    });
  }
});
