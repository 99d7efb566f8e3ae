// Hostile class: wide trees. An acquire tar with 20,000 volumes (one backend mounted per volume) and a directory
// of 150,000 entries: every question the mount table answers costs the depth of the path, not the number of
// mounts (src/fs/mounts.ts), and no walk or export spreads a directory's entries into one call's arguments.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { end, entry } from "../fs/tarbuild.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-wide-"));
const volumesTar = path.join(base, "acquire-20000.tar");
const wideTar = path.join(base, "wide-150000.tar");
const VOLUMES = 20_000;
const ENTRIES = 150_000;

beforeAll(() => {
  const vols: Buffer[] = [entry({ name: "fs/$rootfs$/etc/hostname", data: "many\n" }), entry({ name: "fs/$rootfs$/var/log/", flag: "5" })];
  for (let i = 0; i < VOLUMES; i++) vols.push(entry({ name: `fs/v${i}/x`, data: "" }));
  fs.writeFileSync(volumesTar, Buffer.concat([Buffer.concat(vols), end()]));
  const wide: Buffer[] = [entry({ name: "etc/hostname", data: "wide\n" }), entry({ name: "var/log/", flag: "5" })];
  for (let i = 0; i < ENTRIES; i++) wide.push(entry({ name: `var/spool/f${i}`, data: "" }));
  fs.writeFileSync(wideTar, Buffer.concat([Buffer.concat(wide), end()]));
}, 120_000);

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function bounded(r: BoundedRun, ms = 30_000): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(ms);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(1000);
}

describe("hostile: wide trees", () => {
  it(`an acquire tar of ${VOLUMES} volumes opens, answers and lists its volumes`, async () => {
    const [info, ls] = await Promise.all([
      runTool("target-info", ["-L", "acquire", volumesTar], { timeoutMs: 90_000 }),
      runTool("target-fs", ["-L", "acquire", volumesTar, "ls", "/$fs$"], { timeoutMs: 90_000 }),
    ]);
    bounded(info);
    expect(info.code, describeRun(info)).toBe(0);
    expect(info.stdout.toString()).toMatch(/^hostname +: many$/m);
    bounded(ls);
    expect(ls.code, describeRun(ls)).toBe(0);
    expect(ls.stdout.toString().split("\n").filter((l) => l !== "").length).toBe(VOLUMES);
  });

  it(`a directory of ${ENTRIES} entries: walk, find and tar list every one`, async () => {
    const [walk, find, out] = await Promise.all([
      runTool("target-fs", [wideTar, "walk", "/var/spool"], { timeoutMs: 90_000 }),
      runTool("target-fs", [wideTar, "find", "/var/spool/*"], { timeoutMs: 90_000 }),
      runTool("target-fs", [wideTar, "tar", "/var/spool"], { timeoutMs: 90_000 }),
    ]);
    for (const r of [walk, find, out]) {
      bounded(r);
      expect(r.code, describeRun(r)).toBe(0);
    }
    expect(walk.stdout.toString().split("\n").filter((l) => l !== "").length).toBe(ENTRIES);
    expect(find.stdout.toString().split("\n").filter((l) => l !== "").length).toBe(ENTRIES);
    // One header block per member, the directory's too, and the two-block trailer.
    expect(out.stdout.length).toBe((ENTRIES + 1 + 2) * 512);
  });
});
