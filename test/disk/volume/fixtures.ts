// The committed volume fixtures (scripts/disk/make-volumes.sh), gunzipped in memory, and the tools' reports.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { ByteSource } from "../../../src/disk/types.js";
import { sha256Of as sha256Chunks } from "../helpers.js";

export const FIXTURES = path.resolve("fixtures/disk/volume");

const images = new Map<string, Uint8Array>();
/** The image's bytes (a fresh copy: tests mutate them). */
export function image(name: string): Uint8Array {
  let b = images.get(name);
  if (!b) {
    b = new Uint8Array(gunzipSync(fs.readFileSync(path.join(FIXTURES, `${name}.gz`))));
    images.set(name, b);
  }
  return b.slice();
}

export function report<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;
}

export function text(file: string): string {
  return fs.readFileSync(path.join(FIXTURES, file), "utf8");
}

export interface Sum {
  sha256: string;
  image: string;
  volume: string;
  /** null for a logical volume */
  offset: number | null;
  size: number;
}

/** volumes.sha256: "<sum>  <image> <volume> <offset|-> <size>", every sum read by dd from the tools' layout. */
export function sums(): Sum[] {
  return text("volumes.sha256")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [sha256, img, volume, offset, size] = l.split(/\s+/) as [string, string, string, string, string];
      return { sha256, image: img, volume, offset: offset === "-" ? null : Number(offset), size: Number(size) };
    });
}

/** SHA-256 of a whole source, read in chunks of the given (odd) sizes in turn. */
export const sha256Of = (src: ByteSource, chunks: readonly number[] = [65536, 4093, 1 << 20, 511]): string => sha256Chunks(src, chunks);
