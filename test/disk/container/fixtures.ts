// The committed container fixtures (scripts/disk/make-containers.sh), gunzipped into a temp dir per test.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { ByteSource } from "../../../src/disk/types.js";
import { tmpdir } from "../../helpers/tmp.js";

export const FIXTURES = path.resolve("fixtures/disk/container");

/** name → sha256 of `qemu-img convert -O raw` of it. */
export function oracle(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(FIXTURES, "oracle.sha256"), "utf8").split("\n")) {
    const [sum, name] = line.split(/\s+/);
    if (sum && name) m.set(name, sum);
  }
  return m;
}

export function virtualSize(name: string): number {
  return (JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.info.json`), "utf8")) as { "virtual-size": number })["virtual-size"];
}

/** Unpacks the named fixtures (plain or .gz) into a fresh temp dir; returns the dir. */
export function unpack(...names: string[]): string {
  const dir = tmpdir("quarry-container-");
  for (const n of names) {
    const plain = path.join(FIXTURES, n);
    if (fs.existsSync(plain)) fs.copyFileSync(plain, path.join(dir, n));
    else fs.writeFileSync(path.join(dir, n), gunzipSync(fs.readFileSync(`${plain}.gz`)));
  }
  return dir;
}

/** SHA-256 of a whole source, read in chunks of the given (odd) sizes in turn. */
export function sha256Of(src: ByteSource, chunks: readonly number[]): string {
  const h = crypto.createHash("sha256");
  const buf = new Uint8Array(Math.max(...chunks));
  let pos = 0;
  let i = 0;
  while (pos < src.size) {
    const want = Math.min(chunks[i++ % chunks.length]!, src.size - pos);
    const n = src.read(buf, 0, want, pos);
    if (n !== want) throw new Error(`short read at ${pos}: ${n} of ${want}`);
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest("hex");
}
