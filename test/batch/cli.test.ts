// Worker threads exist only in the compiled build (test/setup/build.ts builds it once): these tests run the compiled CLI (and the
// compiled runBatch with a test registry module) with --jobs 2.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { TargetReport } from "../../src/batch/report.js";
import { targetId } from "../../src/target.js";
import { makeHost, parseJsonLines, recordsBySource, tempDir, treeContents } from "./helpers.js";
import { check, makeFleet, type Report } from "./fleet.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST = path.join(ROOT, "dist");
const CLI = path.join(DIST, "src/cli/bin/target-query.js");
const GEN = ["--generated", "2024-01-01T00:00:00Z"];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function passwd(n: number, host: string): string {
  let s = "root:x:0:0:root:/root:/bin/bash\n";
  for (let i = 0; i < n; i++) s += `${host}u${i}:x:${1000 + i}:${1000 + i}:user ${i}:/home/${host}u${i}:/bin/sh\n`;
  return s;
}

describe("compiled CLI with worker threads", () => {
  it("--jobs 2 gives the same records as --jobs 1, each target's records together, and the same report", () => {
    const dir = tempDir();
    const coll = path.join(dir, "fleet");
    for (let i = 0; i < 8; i++) makeHost(coll, `h${i}`, { passwd: passwd(300 * (i + 1), `h${i}`) });
    makeHost(coll, "bad", { passwd: "root:x:0:0:root:/root:/bin/bash\nbroken\n" });
    const missing = path.join(dir, "missing");
    const one = cli([coll, missing, "-f", "users,hostname", "-j", "--jobs", "1", "--report", path.join(dir, "r1.json"), ...GEN]);
    const two = cli([coll, missing, "-f", "users,hostname", "-j", "--jobs", "2", "--report", path.join(dir, "r2.json"), ...GEN]);
    expect(one.code).toBe(1);
    expect(two.code).toBe(1);
    const a = recordsBySource(one.out);
    const b = recordsBySource(two.out);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(b.get(k)).toEqual(v);
    const order = parseJsonLines(two.out).filter((r) => r._type === "record").map((r) => r._source);
    const runs = order.filter((s, i) => i === 0 || order[i - 1] !== s);
    expect(new Set(runs).size).toBe(runs.length);
    // Each descriptor is announced once per run, also when records come back from workers.
    expect(parseJsonLines(two.out).filter((r) => r._type === "recorddescriptor")).toHaveLength(2);
    const strip = (f: string) =>
      (JSON.parse(fs.readFileSync(f, "utf8")) as { targets: TargetReport[] }).targets
        .map((t) => ({ ...t, durationMs: 0, functions: t.functions.map((x) => ({ ...x, durationMs: 0 })) }))
        .sort((x, y) => x.index - y.index);
    expect(strip(path.join(dir, "r2.json"))).toEqual(strip(path.join(dir, "r1.json")));
    expect(two.err).toMatch(/summary: 10 targets: 9 opened, 1 could not be opened/);
    // Text (-s) rendered by the workers: the same lines.
    const s1 = cli([coll, "-f", "users", "-s", "--jobs", "1", ...GEN]);
    const s2 = cli([coll, "-f", "users", "-s", "--jobs", "2", ...GEN]);
    expect(s2.out.split("\n").sort()).toEqual(s1.out.split("\n").sort());
    expect(s1.out).toContain("<unix/user hostname='h0' domain=None name='root'");
  });

  it("a plugin that throws, kills its worker or hangs (--timeout) fails only its own target", async () => {
    const dir = tempDir();
    const coll = path.join(dir, "fleet");
    makeHost(coll, "good", { files: { "var/log/t.log": "a\nb\n" } });
    makeHost(coll, "throws", { files: { "var/log/t.log": "a\nBOOM\n" } });
    makeHost(coll, "exits", { files: { "var/log/t.log": "a\nEXIT\n" } });
    makeHost(coll, "good2", { files: { "var/log/t.log": "c\n" } });
    makeHost(coll, "hangs", { files: { "var/log/t.log": "a\nHANG\n" } });
    const mod = path.join(dir, "registry.mjs");
    const d = (p: string) => JSON.stringify(pathToFileURL(path.join(DIST, p)).href);
    fs.writeFileSync(
      mod,
      `import { Registry } from ${d("src/plugin/registry.js")};
import { PLUGINS } from ${d("plugins/index.js")};
import { definePlugin, ok, absent } from ${d("src/plugin/define.js")};
import { defineRecord } from ${d("src/records/descriptor.js")};
const R = defineRecord("test/line", { line: "string", filepath: "path" });
const lines = definePlugin({
  name: "t", path: "os.unix.log.t", description: "test",
  checkCompatible: (t) => (t.fs.isFile("/var/log/t.log") ? ok() : absent("no t.log")),
  functions: { t: { output: "records", description: "lines", records: [R], *run(t, ctx) {
    for (const line of t.fs.readText("/var/log/t.log").split("\\n").filter(Boolean)) {
      if (line === "BOOM") throw new Error("boom");
      if (line === "EXIT") process.exit(7);
      if (line === "HANG") for (;;) {}
      yield R.create({ line, filepath: "/var/log/t.log" });
    }
  } } },
});
export const registry = new Registry([...PLUGINS, lines]);
`,
    );
    const { registry } = (await import(pathToFileURL(mod).href)) as { registry: import("../../src/plugin/registry.js").Registry };
    const { runBatch } = (await import(pathToFileURL(path.join(DIST, "src/batch/run.js")).href)) as typeof import("../../src/batch/run.js");
    const { expandTargets } = (await import(pathToFileURL(path.join(DIST, "src/batch/targets.js")).href)) as typeof import("../../src/batch/targets.js");
    const { JsonLinesSink } = (await import(pathToFileURL(path.join(DIST, "src/records/sinks/jsonl.js")).href)) as typeof import("../../src/records/sinks/jsonl.js");
    const { Output } = (await import(pathToFileURL(path.join(DIST, "src/records/output.js")).href)) as typeof import("../../src/records/output.js");
    let out = "";
    let err = "";
    const sink = new JsonLinesSink(new Output(new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) })));
    const list = expandTargets([coll]);
    const reportFile = path.join(dir, "report.json");
    const res = await runBatch({
      targets: list.targets, skipped: list.skipped, functions: ["t"], excluded: [], registry, registryModule: mod,
      builtinRegistry: false, fnArgs: {}, jobs: 2, timeoutMs: 3000, sink, shard: null, reportFile, argv: [], level: "info",
      stderr: new Writable({ write: (c, _e, cb) => ((err += c.toString()), cb()) }), progress: false, summary: true,
    });
    await sink.close();
    expect(res.exitCode).toBe(1);
    const by = recordsBySource(out);
    const lines = (n: string) => (by.get(targetId(path.join(coll, n))) ?? []).map((r) => r.line);
    expect(lines("good")).toEqual(["a", "b"]);
    expect(lines("good2")).toEqual(["c"]);
    expect(lines("throws")).toEqual(["a"]);
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { targets: TargetReport[] };
    const t = (n: string) => report.targets.find((x) => x.path === path.join(coll, n))!;
    // The target was open: the function that was running is the failure (docs/batch.md). Its records up to the
    // last batch it spooled are kept (the "a" before the exit, unless it was still in the worker's buffer), and
    // the report counts exactly those.
    expect(t("exits")).toMatchObject({ status: "ok" });
    expect(t("exits").functions).toMatchObject([{ name: "t", status: "error", reason: "worker failed: exited with code 7" }]);
    expect(["", "a"]).toContain(lines("exits").join());
    expect(t("exits").functions[0]!.records).toBe(lines("exits").length);
    expect(t("throws").functions[0]).toMatchObject({ status: "error", reason: "boom", records: 1 });
    expect(t("good2").functions[0]).toMatchObject({ status: "ok", records: 1 });
    expect(err).toContain("exits: t: worker failed: exited with code 7");
    expect(t("hangs")).toMatchObject({ status: "ok" });
    expect(t("hangs").functions).toMatchObject([{ name: "t", status: "error", reason: "timed out after 3 s" }]);
    expect(["", "a"]).toContain(lines("hangs").join());
    expect(t("hangs").functions[0]!.records).toBe(lines("hangs").length);

    // Workers that cannot even load their registry end the run with that reason (no endless respawning).
    const broken = runBatch({
      targets: list.targets, skipped: [], functions: ["t"], excluded: [], registry, registryModule: path.join(dir, "no-such-module.mjs"),
      builtinRegistry: false, fnArgs: {}, jobs: 2, shard: null, argv: [], level: "info", progress: false, summary: false,
      sink: new JsonLinesSink(new Output(new Writable({ write: (_c, _e, cb) => cb() }))),
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    await expect(broken).rejects.toThrow(/batch worker could not start/);
  });

  it("an --output-dir run killed mid-way resumes and ends with the same files as an uninterrupted run", async () => {
    const dir = tempDir();
    const coll = path.join(dir, "fleet");
    const N = 24;
    for (let i = 0; i < N; i++) makeHost(coll, `h${String(i).padStart(2, "0")}`, { passwd: passwd(6000, `h${i}`) });
    makeHost(coll, "bad", { passwd: "root:x:0:0:root:/root:/bin/bash\nbroken\n" });
    const ref = path.join(dir, "ref");
    const refRun = cli([coll, "-f", "users,hostname", "--output-dir", ref, "--jobs", "1", ...GEN]);
    expect(refRun.code).toBe(0);

    const out = path.join(dir, "out");
    const child = spawn(process.execPath, [CLI, coll, "-f", "users,hostname", "--output-dir", out, "--jobs", "2", ...GEN], { stdio: "ignore" });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
    const finishedDirs = () => {
      try {
        return fs.readdirSync(out).filter((e) => fs.existsSync(path.join(out, e, "users.jsonl"))).length;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 30_000;
    while (finishedDirs() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const partDone = finishedDirs();
    expect(partDone).toBeGreaterThanOrEqual(3);
    expect(partDone).toBeLessThan(N + 1); // really interrupted

    const resumed = cli([coll, "-f", "users,hostname", "--output-dir", out, "--jobs", "2", "--resume", "--report", path.join(dir, "r.json"), ...GEN]);
    expect(resumed.code).toBe(0);
    expect(treeContents(out)).toEqual(treeContents(ref));
    const report = JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8")) as { targets: TargetReport[] };
    const resumedPairs = report.targets.flatMap((t) => t.functions.filter((f) => f.resumed)).length;
    expect(resumedPairs).toBeGreaterThanOrEqual(3);
  });

  it("Ctrl-C (SIGINT) leaves no spool, report side file or lock behind", async () => {
    const dir = tempDir();
    const coll = path.join(dir, "fleet");
    for (let i = 0; i < 16; i++) makeHost(coll, `h${String(i).padStart(2, "0")}`, { passwd: passwd(40000, `h${i}`) });
    const tmp = path.join(dir, "tmp");
    fs.mkdirSync(tmp);
    const out = path.join(dir, "out");
    for (const extra of [["-j"], ["--output-dir", out]]) {
      const child = spawn(process.execPath, [CLI, coll, "-f", "users", "--jobs", "2", "--report", path.join(dir, "r.json"), ...extra], {
        stdio: ["ignore", "pipe", "ignore"],
        env: { ...process.env, TMPDIR: tmp },
      });
      let got = 0;
      child.stdout.on("data", (c: Buffer) => (got += c.length));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_c, sig) => resolve(sig)));
      const deadline = Date.now() + 20_000;
      const started = () => got > 0 || (fs.existsSync(out) && fs.readdirSync(out).length > 2);
      while (!started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill("SIGINT");
      expect(await exited).toBe("SIGINT");
      expect(fs.readdirSync(tmp)).toEqual([]);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith("r.json"))).toEqual([]);
      if (fs.existsSync(out)) expect(fs.readdirSync(out).filter((f) => f.endsWith(".lock"))).toEqual([]);
    }
  });

  it("the 20-image fleet: --jobs 2 (and --shard slices) give the same records and report as --jobs 1", () => {
    const f = makeFleet();
    const run = (extra: string[]) => {
      const r = spawnSync(process.execPath, [CLI, "--targets-from", f.list, "-f", "users,hostname", "-j", ...extra, ...GEN], { encoding: "utf8" });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const r1 = run(["--jobs", "1", "--report", path.join(f.dir, "r1.json")]);
    const r2 = run(["--jobs", "2", "--report", path.join(f.dir, "r2.json")]);
    expect(r1.code).toBe(1);
    expect(r2.code).toBe(1);
    const rep2 = JSON.parse(fs.readFileSync(path.join(f.dir, "r2.json"), "utf8")) as Report;
    check(f, r2.out, rep2, false);
    const a = recordsBySource(r1.out);
    const b = recordsBySource(r2.out);
    expect(new Map([...b].sort())).toEqual(new Map([...a].sort()));
    // Three shards on "three machines" cover the fleet exactly once.
    const seen: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const r = run(["--jobs", "2", "--shard", `${k}/3`]);
      seen.push(...recordsBySource(r.out).keys());
    }
    expect(seen.sort()).toEqual([...a.keys()].sort());
  });
});
