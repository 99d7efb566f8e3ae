// Reading fixtures/decompress/: the manifest of payloads made by the real libraries, and the damaged copies
// with the libraries' verdicts (fixtures/decompress/README.md).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Codec } from "../../../src/util/decompress/index.js";
import { prng } from "../../helpers/prng.js";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../fixtures/decompress");

export interface Row {
  payload: string;
  codec: Codec;
  original: string;
  length: number;
  sha256: string;
  madeBy: string;
}

export function manifest(): Row[] {
  const lines = fs.readFileSync(path.join(FIXTURES, "manifest.tsv"), "utf8").trim().split("\n").slice(1);
  return lines.map((l) => {
    const [payload, codec, original, length, sha256, madeBy] = l.split("\t");
    return { payload: payload!, codec: codec as Codec, original: original!, length: Number(length), sha256: sha256!, madeBy: madeBy! };
  });
}

export const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

export const payload = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(FIXTURES, "payloads", name)));

export function original(name: string): Uint8Array | null {
  const p = path.join(FIXTURES, "originals", name);
  return fs.existsSync(p) ? new Uint8Array(fs.readFileSync(p)) : null;
}

/** The library's verdict on one damaged copy: an error, or the output's length and sha256. */
export interface FuzzCase {
  n: number;
  inputSha: string;
  verdict: "error" | "ok" | "trailing";
  detail: string;
  length?: number;
  sha?: string;
}

export function fuzzCases(file: string): FuzzCase[] {
  return fs
    .readFileSync(path.join(FIXTURES, "fuzz", file), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const [n, inputSha, verdict, a, b] = l.split(" ");
      const c: FuzzCase = { n: Number(n), inputSha: inputSha!, verdict: verdict as FuzzCase["verdict"], detail: l.split(" ").slice(3).join(" ") };
      if (verdict !== "error") {
        c.length = Number(a);
        c.sha = b!;
      }
      return c;
    });
}

/** The damaged copy of case n, made exactly as systemd-compress.c's fuzz mode makes it (same PRNG, same draws). */
export function damage(src: Uint8Array, n: number): Uint8Array {
  const next = prng(n);
  if (next() < 0.3) return src.slice(0, Math.floor(next() * src.length));
  const m = src.slice();
  const flips = 1 + Math.floor(next() * 3);
  for (let f = 0; f < flips; f++) {
    const at = Math.floor(next() * src.length);
    m[at] = m[at]! ^ (1 + Math.floor(next() * 255));
  }
  return m;
}
