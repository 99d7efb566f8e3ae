// A zip cut short (no end record): members are recovered by walking the local headers, with a warning saying
// so; each recovered file's bytes equal the original, the member the cut falls in is dropped. Both writers:
// Info-ZIP (sizes in the local header) and a streaming writer (data descriptors, as Go's archive/zip writes
// them for Velociraptor; the fixture is Python's zipfile on an unseekable stream).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadZip } from "../../loaders/zip.js";
import { openZipArchive } from "../../src/fs/zip/archive.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-recover-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cut(name: string, keep: number): string {
  const p = path.join(dir, `cut-${keep}-${name}`);
  const b = fs.readFileSync(path.join("fixtures/zip", name));
  fs.writeFileSync(p, b.subarray(0, Math.floor(b.length * keep)));
  return p;
}

describe("a zip cut short", () => {
  for (const [name, prefix] of [
    ["plain-deflated.zip", ""],
    ["Collection-vrhost-2024-03-01T12_00_00Z.zip", "uploads/auto/"],
  ] as const) {
    it(`${name}: the members before the cut are recovered, byte for byte, with a warning`, () => {
      const whole = openZipArchive(path.join("fixtures/zip", name));
      const all = whole.members.filter((m) => m.type === "file").map((m) => m.name);
      whole.close();
      const p = cut(name, 0.7);
      const a = openZipArchive(p);
      const w = a.warnings.lines().join("\n");
      expect(w).toMatch(/no end of central directory record: the zip is cut short; \d+ members recovered by walking the local headers up to offset \d+/);
      const got = a.members.filter((m) => m.type === "file" || m.type === "symlink").map((m) => m.name);
      expect(got.length).toBeGreaterThan(3);
      expect(got.length).toBeLessThan(all.length);
      a.close();
      const t = loadZip(p);
      let compared = 0;
      for (const n of got) {
        if (!n.startsWith(prefix)) continue;
        const rel = n.slice(prefix.length).replace(/%2E/g, ".");
        const host = path.join("fixtures/zip/tree", rel);
        if (!fs.existsSync(host) || fs.lstatSync(host).isSymbolicLink()) continue; // links come back as files
        expect(t.fs.readFile("/" + rel).equals(fs.readFileSync(host)), rel).toBe(true);
        compared++;
      }
      expect(compared).toBeGreaterThan(2);
      t.close?.();
    });
  }

  it("a file with no zip in it at all is a clear error naming the file and offset", () => {
    const p = path.join(dir, "not.zip");
    fs.writeFileSync(p, "just text, no zip\n");
    expect(() => openZipArchive(p)).toThrow(/not\.zip: no end of central directory record in the last 18 bytes: the zip is truncated, or not a zip \(at offset 18\)/);
  });
});
