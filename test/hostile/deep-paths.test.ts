// Hostile class: paths whose cost grows faster than their length. A chain of 39 symlinks whose targets are
// long "d/.." strings, trees 4,000 and 20,000 directories deep (as a directory target and as a tar), a path
// longer than PATH_MAX. Before: resolution was quadratic in components (shift/unshift, a join per component),
// walks re-resolved every directory from the root and recursed per level: minutes. Now resolution and walks
// are linear, iterative and bounded by PATH_MAX (4096 bytes; ENAMETOOLONG past it, reported, never silent).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entry, pax, tar } from "../fs/tarbuild.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\n";
const LINKS = 39;

let base: string;
const env = (): NodeJS.ProcessEnv => ({ QUARRY_TMPDIR: path.join(base, "qtmp") });

/** A relative link target of about `bytes` bytes: "d/../d/../…/next". */
const longTarget = (next: string, bytes: number): string => "d/../".repeat(Math.floor((bytes - next.length) / 5)) + next;

/**
 * /x/l0 → … → /x/l38 → /x/real, each target a long d/.. string; /etc/passwd and /root/.bash_history reach
 * /x/real through the whole chain (40 links with their own).
 */
function chainDir(root: string, targetBytes: number): void {
  for (const d of ["var/log", "etc", "root", "x/d", "x/real"]) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, "x/real/passwd"), PASSWD);
  fs.writeFileSync(path.join(root, "x/real/.bash_history"), "whoami\n");
  for (let i = 0; i < LINKS; i++) fs.symlinkSync(longTarget(i === LINKS - 1 ? "real" : `l${i + 1}`, targetBytes), path.join(root, `x/l${i}`));
  fs.symlinkSync("/x/l0/passwd", path.join(root, "etc/passwd"));
  fs.symlinkSync("/x/l0/.bash_history", path.join(root, "root/.bash_history"));
}

function chainMembers(targetBytes: number): Buffer[] {
  const out = [entry({ name: "x/d/", flag: "5" }), entry({ name: "x/real/passwd", data: PASSWD }), entry({ name: "x/real/.bash_history", data: "whoami\n" })];
  for (let i = 0; i < LINKS; i++) out.push(pax({ linkpath: longTarget(i === LINKS - 1 ? "real" : `l${i + 1}`, targetBytes) }), entry({ name: `x/l${i}`, flag: "2", linkname: "x" }));
  out.push(entry({ name: "etc/passwd", flag: "2", linkname: "/x/l0/passwd" }), entry({ name: "root/.bash_history", flag: "2", linkname: "/x/l0/.bash_history" }));
  return out;
}

/**
 * /deep/d/d/…/leaf, `depth` directories, made on the host without ever naming a long path: the tree grows at
 * its top by renames (deep → tmp/d → deep), so a 20,000-deep tree costs 60,000 short system calls.
 */
function deepDir(root: string, depth: number): void {
  const top = path.join(root, "deep");
  const tmp = path.join(root, "deep.tmp");
  fs.mkdirSync(top);
  fs.writeFileSync(path.join(top, "leaf"), "bottom\n");
  for (let i = 1; i < depth; i++) {
    fs.mkdirSync(tmp);
    fs.renameSync(top, path.join(tmp, "d"));
    fs.renameSync(tmp, top);
  }
}

/** Undo deepDir the same way (rm -r would need the long paths): each level holds "d", the last one "leaf". */
function removeDeep(root: string): void {
  const top = path.join(root, "deep");
  const tmp = path.join(root, "deep.tmp");
  for (;;) {
    try {
      fs.renameSync(path.join(top, "d"), tmp);
    } catch {
      fs.rmSync(top, { recursive: true, force: true }); // the bottom: "leaf" only
      return;
    }
    fs.rmdirSync(top);
    fs.renameSync(tmp, top);
  }
}

/** The same tree as tar members: a file every 500 levels and the leaf (PAX paths; the directories implied). */
function deepMembers(depth: number): Buffer[] {
  const out: Buffer[] = [];
  let p = "deep";
  for (let i = 1; i < depth; i++) {
    p += "/d";
    if (i % 500 === 0) out.push(pax({ path: p + "/f" }), entry({ name: "f", data: "x\n" }));
  }
  out.push(pax({ path: p + "/leaf" }), entry({ name: "leaf", data: "bottom\n" }));
  return out;
}

const targets: Record<string, string> = {};

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-paths-"));
  fs.mkdirSync(path.join(base, "qtmp"));
  // 4,000 deep with the link chain beside it; 20,000 deep alone.
  targets.dir4k = path.join(base, "dir4k");
  chainDir(targets.dir4k, 4000);
  deepDir(targets.dir4k, 4000);
  targets.dir20k = path.join(base, "dir20k");
  fs.mkdirSync(path.join(targets.dir20k, "var/log"), { recursive: true });
  fs.mkdirSync(path.join(targets.dir20k, "etc"));
  fs.writeFileSync(path.join(targets.dir20k, "etc/passwd"), PASSWD);
  deepDir(targets.dir20k, 20_000);
  const common = [entry({ name: "var/log/", flag: "5" }), entry({ name: "root/", flag: "5" })];
  targets.tar4k = path.join(base, "deep4k.tar");
  fs.writeFileSync(targets.tar4k, tar(...common, ...chainMembers(4000), ...deepMembers(4000)));
  targets.tar20k = path.join(base, "deep20k.tar");
  fs.writeFileSync(targets.tar20k, tar(...common, entry({ name: "etc/passwd", data: PASSWD }), ...deepMembers(20_000)));
  // Link targets of 40 KB each (a tar holds any length): 29 s before; the tar index now refuses them.
  targets.chainLong = path.join(base, "chain-long.tar");
  fs.writeFileSync(targets.chainLong, tar(...common, ...chainMembers(40_000)));
}, 120_000);

afterAll(() => {
  for (const t of ["dir4k", "dir20k"]) if (targets[t]) removeDeep(targets[t]!);
  fs.rmSync(base, { recursive: true, force: true });
}, 120_000);

function bounded(r: BoundedRun): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(30_000);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
}

const run = (tool: "target-fs" | "target-query", args: string[]): Promise<BoundedRun> => runTool(tool, args, { timeoutMs: 60_000, env: env() });
const lines = (r: BoundedRun): string[] => r.stdout.toString().split("\n").filter((l) => l !== "");
const deepestOf = (paths: string[]): string => paths.filter((l) => l.startsWith("/deep/")).reduce((a, b) => (b.length > a.length ? b : a), "");

describe("hostile: deep trees", () => {
  for (const [name, minDepth] of [
    ["dir4k", 1900],
    ["dir20k", 1900],
    ["tar4k", 1500],
    ["tar20k", 1500],
  ] as const) {
    it(`${name}: walk / and find '/**' list what can be named, and report ENAMETOOLONG below it`, async () => {
      const target = targets[name]!;
      const walk = await run("target-fs", [target, "walk", "/"]);
      bounded(walk);
      const deepest = deepestOf(lines(walk));
      expect(deepest.length, describeRun(walk)).toBeLessThanOrEqual(4096);
      expect(deepest.split("/").length - 2, describeRun(walk)).toBeGreaterThanOrEqual(minDepth);
      if (name.startsWith("dir")) {
        // The tree goes on below what a path can name: said on stderr, and the exit code says a path failed.
        expect(walk.code, describeRun(walk)).toBe(1);
        expect(walk.stderr).toMatch(/^target-fs: walk: ENAMETOOLONG: /m);
      } else {
        // The tar index left out the members deeper than PATH_MAX, with a warning: what remains can all be named.
        expect(walk.code, describeRun(walk)).toBe(0);
        expect(walk.stderr).toMatch(/PAX path of \d+ bytes at offset \d+, longer than PATH_MAX \(4096\); skipped/);
      }
      expect(walk.stderr.length).toBeLessThan(10_000); // messages show a long path's ends, not all of it

      const find = await run("target-fs", [target, "find", "/**"]);
      bounded(find);
      expect(find.code, describeRun(find)).toBe(walk.code);
      const found = deepestOf(lines(find));
      expect(found.length, describeRun(find)).toBeLessThanOrEqual(4096);
      expect(found.split("/").length - 2, describeRun(find)).toBeGreaterThanOrEqual(minDepth);
    });
  }

  it("target-query -f users,commandhistory on the deep trees", async () => {
    for (const target of [targets.dir20k!, targets.tar20k!]) {
      const r = await run("target-query", ["-f", "users,commandhistory", "-j", target]);
      bounded(r);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.toString()).toContain('"name": "root"');
    }
  });
});

describe("hostile: link chains and long paths", () => {
  it("39 links with 4000-byte d/.. targets resolve, in a directory and in a tar: users and commandhistory read through them", async () => {
    for (const target of [targets.dir4k!, targets.tar4k!]) {
      const r = await run("target-query", ["-f", "users,commandhistory", "-j", target]);
      bounded(r);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stdout.toString()).toContain('"name": "root"');
      expect(r.stdout.toString()).toContain('"command": "whoami"');
      const cat = await run("target-fs", [target, "cat", "/etc/passwd"]);
      bounded(cat);
      expect(cat.stdout.toString()).toBe(PASSWD);
    }
  });

  it("link targets of 40 KB: refused by the tar index with a warning each, the run goes on", async () => {
    const r = await run("target-query", ["-f", "users,commandhistory", "-j", targets.chainLong!]);
    bounded(r);
    // Skipped members are evidence warnings; /etc/passwd is then a link to nothing, which users names and skips.
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/PAX linkpath of 39997 bytes at offset \d+, longer than PATH_MAX \(4096\); skipped/);
    expect(r.stderr).toContain('users: /etc/passwd: a symbolic link to "/x/l0/passwd", which is not in the target; skipped');
    const cat = await run("target-fs", ["-q", targets.chainLong!, "cat", "/etc/passwd"]);
    bounded(cat);
    expect(cat.code, describeRun(cat)).toBe(1);
    expect(cat.stderr).toBe("target-fs: cat: ENOENT: no such file or directory: /etc/passwd\n");
  });

  it("a path longer than PATH_MAX is ENAMETOOLONG, its message short", async () => {
    for (const p of ["/" + "a".repeat(5000), "/" + "d/..".repeat(1100) + "etc/passwd"]) {
      const r = await run("target-fs", ["-q", targets.tar4k!, "stat", p]);
      bounded(r);
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/^target-fs: stat: ENAMETOOLONG: path longer than 4096 bytes: .{100,}…\(\d+ more characters\)…/);
      expect(r.stderr.length).toBeLessThan(600);
    }
  });
});
