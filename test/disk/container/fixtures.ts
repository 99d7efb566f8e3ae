// The committed container fixtures (scripts/disk/make-containers.sh), gunzipped into a temp dir per test.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
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

export { sha256Of } from "../helpers.js";
