import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { expandTargets, gatherTargetArgs, parseTargetLines } from "../../src/batch/targets.js";
import { parseShard, selectShard, shardOf } from "../../src/batch/shard.js";
import { targetId } from "../../src/target.js";
import { UsageError } from "../../src/plugin/args.js";
import { makeHost, tempDir } from "./helpers.js";

describe("target lists", () => {
  it("parses one target per line, skipping blanks and # comments", () => {
    expect(parseTargetLines("# fleet\n a \n\nb\r\n  # c\nd # not a comment\n")).toEqual(["a", "b", "d # not a comment"]);
  });

  it("reads @file lists, --targets-from FILE and --targets-from - in order", async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, "list.txt"), "x1\n# skip\nx2\n");
    fs.writeFileSync(path.join(d, "more.txt"), "y1\n");
    const got = await gatherTargetArgs(["a", `@${path.join(d, "list.txt")}`, "b"], { targetsFrom: path.join(d, "more.txt") });
    expect(got).toEqual(["a", "x1", "x2", "b", "y1"]);
    const fromStdin = await gatherTargetArgs([], { targetsFrom: "-", stdin: Readable.from(["s1\n#c\n", "s2\n"]) });
    expect(fromStdin).toEqual(["s1", "s2"]);
    await expect(gatherTargetArgs(["@/no/such/list"])).rejects.toBeInstanceOf(UsageError);
  });

  it("expands a folder of collections one level, sorted, reporting what no loader takes", () => {
    const d = tempDir();
    const coll = path.join(d, "fleet");
    makeHost(coll, "h2");
    makeHost(coll, "h1");
    fs.writeFileSync(path.join(coll, "notes.txt"), "x");
    fs.mkdirSync(path.join(coll, "empty"));
    fs.writeFileSync(path.join(coll, ".DS_Store"), "x");
    const single = makeHost(d, "single");
    const list = expandTargets([coll, single, path.join(d, "missing")]);
    expect(list.targets.map((t) => path.relative(d, t.path))).toEqual(["fleet/h1", "fleet/h2", "single", "missing"]);
    expect(list.targets[0]!.id).toBe(targetId(path.join(coll, "h1")));
    expect(list.skipped.map((s) => [path.relative(d, s.path), s.reason])).toEqual([
      ["fleet/empty", "no loader recognises it"],
      ["fleet/notes.txt", "no loader recognises it"],
    ]);
  });

  it("keeps a folder with nothing to take as a target (its failure is then reported) and drops duplicates", () => {
    const d = tempDir();
    const empty = path.join(d, "empty");
    fs.mkdirSync(empty);
    const h = makeHost(d, "h");
    const again = `${d}/./h`;
    const list = expandTargets([empty, h, again]);
    expect(list.targets.map((t) => t.path)).toEqual([empty, h]);
    expect(list.skipped).toEqual([{ path: again, reason: `duplicate of ${h}` }]);
  });

  it("ids are stable across runs and distinct per location", () => {
    const d = tempDir();
    const a = makeHost(path.join(d, "x"), "host");
    const b = makeHost(path.join(d, "y"), "host");
    expect(targetId(a)).toBe(targetId(a));
    expect(targetId(a)).not.toBe(targetId(b));
    expect(targetId(a)).toMatch(/^host-[0-9a-f]{8}$/);
  });
});

describe("--shard K/N", () => {
  it("parses K/N and rejects nonsense", () => {
    expect(parseShard("3/8")).toEqual({ k: 3, n: 8 });
    for (const bad of ["0/3", "4/3", "3", "a/b", "1/0"]) expect(() => parseShard(bad)).toThrow(UsageError);
  });

  it("gives N disjoint slices covering the list, the same every time, balanced enough", () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ path: `fleet/host-${i}.tar.gz` }));
    const n = 7;
    const slices = Array.from({ length: n }, (_, k) => selectShard(items, { k: k + 1, n }));
    expect(slices.flat().length).toBe(items.length);
    expect(new Set(slices.flat()).size).toBe(items.length);
    for (const s of slices) expect(s.length).toBeGreaterThan(500 / n / 2);
    expect(selectShard(items, { k: 2, n })).toEqual(slices[1]);
  });

  it("a target's slice does not depend on the rest of the list (a growing folder moves nothing)", () => {
    const before = Array.from({ length: 50 }, (_, i) => ({ path: `h${i}` }));
    const after = [{ path: "new-arrival" }, ...before];
    for (const t of before) expect(shardOf(t.path, 4)).toBe(shardOf(t.path, 4));
    const s1 = selectShard(before, { k: 1, n: 4 }).map((t) => t.path);
    const s1b = selectShard(after, { k: 1, n: 4 }).map((t) => t.path).filter((p) => p !== "new-arrival");
    expect(s1b).toEqual(s1);
  });
});
