// Every field of every entry of every fixture journal equals journalctl's own JSON of that file
// (fixtures/journal/manifest.json: systemd 252 and 254, compact and regular, keyed and jenkins hash, zstd, xz
// and lz4, archived, active and dirty files, the layout tree's user, namespace, container and /run journals).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readPath } from "./helpers.js";
import { differences, parseOracle, recordEntry } from "./oracle.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../..");

interface ManifestFile {
  path: string;
  role: string;
  state: string;
  header_size: number;
  incompatible_flags: string[];
  n_entries: number;
  journalctl_entries: number;
  oracles: { json: string };
}

export const MANIFEST = (JSON.parse(fs.readFileSync(path.join(ROOT, "fixtures/journal/manifest.json"), "utf8")) as { files: ManifestFile[] }).files;

describe("journal: every fixture entry equals journalctl -o json --all", () => {
  for (const f of MANIFEST) {
    it(`${f.path} (${f.role}, ${f.state}, ${f.header_size}-byte header, ${f.incompatible_flags.join(" ") || "no flags"})`, () => {
      const got = readPath(path.join(ROOT, f.path));
      const want = parseOracle(fs.readFileSync(path.join(ROOT, f.oracles.json), "utf8"));
      expect(got.errors).toEqual([]);
      expect(got.warnings).toEqual([]);
      expect(want.length).toBe(f.journalctl_entries);
      expect(got.records.length).toBe(want.length);
      const bad: string[] = [];
      got.records.forEach((r, i) => {
        const d = differences(recordEntry(r), want[i]!);
        if (d.length) bad.push(`entry ${i}: ${d.join("; ")}`);
      });
      expect(bad.slice(0, 5)).toEqual([]);
    });
  }
  it("the fixtures cover compact and regular files, keyed and jenkins hashes, zstd, xz and lz4, both header sizes", () => {
    const flags = new Set(MANIFEST.flatMap((f) => f.incompatible_flags));
    for (const want of ["COMPACT", "KEYED-HASH", "COMPRESSED-ZSTD", "COMPRESSED-XZ", "COMPRESSED-LZ4"]) expect(flags).toContain(want);
    expect(MANIFEST.some((f) => !f.incompatible_flags.includes("COMPACT"))).toBe(true);
    expect(MANIFEST.some((f) => !f.incompatible_flags.includes("KEYED-HASH"))).toBe(true);
    expect(new Set(MANIFEST.map((f) => f.header_size))).toEqual(new Set([264, 272]));
  });
});
