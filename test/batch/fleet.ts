// The acceptance fleet: 17 good host images of every kind, one with a damaged atop file, one cut short,
// one corrupt archive, a stray file in the folder, and one listed host whose collection is missing.
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { TargetReport } from "../../src/batch/report.js";
import { targetId } from "../../src/target.js";
import { recordsBySource, tempDir } from "./helpers.js";
import { writeImage, type ImageKind } from "./images.js";

export interface Fleet {
  dir: string;
  coll: string;
  list: string;
  missing: string;
  good: { path: string; name: string; kind: ImageKind }[];
  corrupt: string;
  damaged: string;
  truncated: string;
}

export function makeFleet(): Fleet {
  const dir = tempDir();
  const coll = path.join(dir, "fleet");
  const kinds: ImageKind[] = ["dir", "tar", "tar.gz", "uac"];
  const good: Fleet["good"] = [];
  for (let i = 0; i < 17; i++) {
    const kind = kinds[i % kinds.length]!;
    const name = `host${String(i).padStart(2, "0")}`;
    good.push({ path: writeImage(coll, kind, name), name, kind });
  }
  const damaged = writeImage(coll, "tar.gz", "damaged", { damagedAtop: true });
  const truncated = writeImage(coll, "tar.gz", "truncated", { truncated: true });
  const corrupt = path.join(coll, "corrupt.tar.gz");
  fs.writeFileSync(corrupt, Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 7919 + 13) & 255)));
  fs.writeFileSync(path.join(coll, "MANIFEST.txt"), "what the collector wrote\n");
  const missing = path.join(dir, "not-there.tar.gz");
  const list = path.join(dir, "targets.txt");
  fs.writeFileSync(list, `# the fleet, and one host whose collection never arrived\n${coll}\n${missing}\n`);
  return { dir, coll, list, missing, good, corrupt, damaged, truncated };
}

export interface Report {
  exitCode: number;
  totals: { targets: number; opened: number; failed: number; skipped: number; functionErrors: number };
  skipped: { path: string; reason: string }[];
  targets: TargetReport[];
}

export function check(f: Fleet, out: string, report: Report, withAtop: boolean): void {
  const by = recordsBySource(out);
  expect(report.exitCode).toBe(1);
  expect(report.totals).toMatchObject({ targets: 21, opened: 19, failed: 2, skipped: 1 });
  expect(fs.readdirSync(f.coll).length).toBe(21); // 20 host images and a stray file
  expect(report.skipped).toEqual([{ path: path.join(f.coll, "MANIFEST.txt"), reason: "no loader recognises it" }]);
  for (const g of f.good) {
    const recs = by.get(targetId(g.path)) ?? [];
    expect(recs.filter((r) => r.filepath === "/etc/passwd").map((r) => r.name), g.path).toEqual(["root", g.name]);
    expect(new Set(recs.map((r) => r.hostname))).toEqual(new Set([g.name]));
    if (withAtop) expect(recs.filter((r) => String(r.filepath).startsWith("/var/log/atop/")).map((r) => r.size)).toEqual([20, 12]);
    const t = report.targets.find((x) => x.path === g.path)!;
    expect(t.status).toBe("ok");
    expect(t.loader).toBe(g.kind === "uac" ? "uac" : g.kind === "dir" ? "dir" : "tar");
    expect(t.functions.every((fn) => fn.status === "ok")).toBe(true);
  }
  const t = (p: string) => report.targets.find((x) => x.path === p)!;
  expect(t(f.missing)).toMatchObject({ status: "error", functions: [] });
  expect(t(f.missing).error).toMatch(/does not exist/);
  expect(t(f.corrupt).status).toBe("error");
  expect(t(f.corrupt).error).toMatch(/corrupt\.tar\.gz: loader tar failed/);
  // An archive cut short opens with the loader's warning, and what it holds before the cut is still read.
  const tr = t(f.truncated);
  expect(tr.status).toBe("ok");
  expect(tr.warnings.length).toBeGreaterThan(0);
  expect(tr.warnings.join("\n")).toMatch(/damaged|truncated|unexpected end|EOF/i);
  const trRecs = by.get(targetId(f.truncated)) ?? [];
  expect(trRecs.filter((r) => r.filepath === "/etc/passwd").map((r) => r.name)).toEqual(["root", "truncated"]);
  const dmg = t(f.damaged);
  expect(dmg.status).toBe("ok");
  const dmgRecs = by.get(targetId(f.damaged)) ?? [];
  expect(dmgRecs.filter((r) => r.filepath === "/etc/passwd").map((r) => r.name)).toEqual(["root", "damaged"]);
  if (withAtop) {
    expect(dmg.functions.find((x) => x.name === "atopstub")).toMatchObject({
      status: "error",
      records: 1,
      errors: [{ message: "not an atop file (bad magic)", file: "/var/log/atop/atop_20240102", offset: 0 }],
    });
    expect(dmgRecs.filter((r) => String(r.filepath).startsWith("/var/log/atop/")).map((r) => r.size)).toEqual([20]);
  }
}

