// The journal fixtures hang together: fixtures/journal/manifest.json lists exactly the journal files that exist
// (fixtures/journal/** and the sample host's), every file has its four journalctl oracles, each JSON oracle is one
// JSON object per line with as many entries as the file's header counts, and each export oracle (parsed here by
// the export format's own rules) has the same entries as the JSON one. Nothing here reads a journal file's body.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const FIX = path.join(ROOT, "fixtures/journal");

interface ManifestFile {
  path: string;
  role: string;
  writer: string;
  oracle_journalctl: string;
  oracles: { json: string; export: string; "verify.txt": string; "header.txt": string };
  journalctl_entries: number;
  verify_exit_status: number;
  n_entries: number;
  state: string;
  header_size: number;
  incompatible_flags: string[];
}
interface Manifest {
  files: ManifestFile[];
  merged?: { oracle: string; entries: number }[];
}

const manifest = JSON.parse(fs.readFileSync(path.join(FIX, "manifest.json"), "utf8")) as Manifest;

function journalFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...journalFiles(p));
    else if (/\.journal~?$/.test(e.name)) out.push(path.relative(ROOT, p));
  }
  return out;
}

function jsonLines(rel: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(ROOT, rel), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Journal export format: NAME=value lines, or NAME, a 64-bit little-endian size, the bytes and a newline. */
function exportEntries(bytes: Buffer): Map<string, Buffer[]>[] {
  const entries: Map<string, Buffer[]>[] = [];
  let cur = new Map<string, Buffer[]>();
  let off = 0;
  while (off < bytes.length) {
    const nl = bytes.indexOf(0x0a, off);
    if (nl < 0) throw new Error(`export: unterminated line at byte ${off}`);
    if (nl === off) {
      entries.push(cur);
      cur = new Map();
      off++;
      continue;
    }
    const line = bytes.subarray(off, nl);
    const eq = line.indexOf(0x3d);
    let name: string;
    let value: Buffer;
    if (eq >= 0) {
      name = line.subarray(0, eq).toString("latin1");
      value = line.subarray(eq + 1);
      off = nl + 1;
    } else {
      name = line.toString("latin1");
      const size = Number(bytes.readBigUInt64LE(nl + 1));
      value = bytes.subarray(nl + 9, nl + 9 + size);
      if (bytes[nl + 9 + size] !== 0x0a) throw new Error(`export: no newline after binary ${name} at byte ${nl + 9 + size}`);
      off = nl + 10 + size;
    }
    const list = cur.get(name) ?? [];
    list.push(value);
    cur.set(name, list);
  }
  if (cur.size) throw new Error("export: last entry not terminated by an empty line");
  return entries;
}

/** A JSON oracle value (string, byte array, null, or a list of those) as the byte strings it stands for. */
function jsonValues(v: unknown): Buffer[] {
  const one = (x: unknown): Buffer => (typeof x === "string" ? Buffer.from(x, "utf8") : Buffer.from(x as number[]));
  if (Array.isArray(v) && v.length > 0 && typeof v[0] !== "number") return v.map(one);
  return [one(v)];
}

describe("fixtures/journal", () => {
  it("the manifest lists exactly the journal files on disk", () => {
    const onDisk = [...journalFiles(FIX), ...journalFiles(path.join(ROOT, "fixtures/hosts/web01/var/log"))].sort();
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(20);
  });

  it("covers compact/regular, keyed/unkeyed, XZ, LZ4, zstd, both header sizes, archived/online/offline", () => {
    const flags = new Set(manifest.files.flatMap((f) => f.incompatible_flags));
    for (const f of ["COMPACT", "KEYED-HASH", "COMPRESSED-XZ", "COMPRESSED-LZ4", "COMPRESSED-ZSTD"]) expect(flags).toContain(f);
    expect(manifest.files.some((f) => !f.incompatible_flags.includes("KEYED-HASH"))).toBe(true);
    expect(manifest.files.some((f) => !f.incompatible_flags.includes("COMPACT"))).toBe(true);
    expect(new Set(manifest.files.map((f) => f.header_size))).toEqual(new Set([264, 272]));
    expect(new Set(manifest.files.map((f) => f.state))).toEqual(new Set(["OFFLINE", "ONLINE", "ARCHIVED"]));
  });

  // The tree's copies of the rotated set and the dirty file share their oracles: check each oracle once.
  const seen = new Set<string>();
  for (const f of manifest.files.filter((x) => !seen.has(x.oracles.json) && seen.add(x.oracles.json))) {
    it(`${f.path}: oracles parse and agree with the header`, () => {
      for (const o of Object.values(f.oracles)) expect(fs.existsSync(path.join(ROOT, o)), o).toBe(true);
      const json = jsonLines(f.oracles.json);
      expect(json.length).toBe(f.n_entries);
      expect(f.journalctl_entries).toBe(f.n_entries);
      expect(fs.readFileSync(path.join(ROOT, f.oracles["verify.txt"]), "utf8")).toMatch(/^PASS: .*\nexit status: 0\n$/);
      const exp = exportEntries(fs.readFileSync(path.join(ROOT, f.oracles.export)));
      expect(exp.length).toBe(json.length);
      exp.forEach((e, i) => {
        const j = json[i]!;
        expect([...e.keys()].sort(), `entry ${i}`).toEqual(Object.keys(j).sort());
        for (const [name, values] of e) expect(values, `entry ${i} ${name}`).toEqual(jsonValues(j[name]));
      });
    });
  }

  it("merged oracles are JSON lines with the counts the manifest gives", () => {
    for (const m of manifest.merged ?? []) expect(jsonLines(m.oracle).length, m.oracle).toBe(m.entries);
    expect(jsonLines("fixtures/journal/web01.dir.json").length).toBe(
      manifest.files.filter((f) => f.role === "sample-host").reduce((n, f) => n + f.n_entries, 0),
    );
  });
});
