// External plugins (--plugin-path, $QUARRY_PLUGINS): good modules load and run, broken ones are reported by
// file and name and never stop the others. The end-to-end cases run the compiled CLI, as an analyst does:
// there "quarry" inside a plugin must resolve to the running copy, in the main thread and in worker threads.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultRegistry } from "../../plugins/index.js";
import { loadExternalPlugins, pluginPaths, withExternalPlugins } from "../../src/plugin/external.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(ROOT, "dist/src/cli/bin/target-query.js");
const SAMPLE = path.join(ROOT, "fixtures/hosts/web01.tar");

// A working plugin that imports the public API by its package name, as the tutorial tells authors to.
const HELLO = `import { defineRecord, definePlugin, ok, absent, Timestamp } from "quarry";
const HelloRecord = defineRecord("example/hello", { ts: "datetime", greeting: "string", filepath: "path" });
export default definePlugin({
  name: "hello",
  path: "example.hello",
  description: "Greets each target",
  checkCompatible: (t) => (t.fs.isFile("/etc/hostname") ? ok() : absent("no /etc/hostname")),
  functions: {
    hello: {
      output: "records",
      description: "One greeting per target, from its /etc/hostname",
      records: [HelloRecord],
      *run(t) {
        yield HelloRecord.create({ ts: Timestamp.fromUnix(1700000000), greeting: "hello " + t.fs.readText("/etc/hostname").trim(), filepath: "/etc/hostname" });
      },
    },
  },
});
`;

// Plain objects (no import at all) are plugins too: the loader checks their shape.
const PLAIN = `export const nodesc = { name: "nodesc", path: "example.nodesc", checkCompatible: () => ({ ok: true }),
  functions: { nodesc: { output: "records", records: [], run() {} } } };
`;

function pluginDirs(): { good: string; bad: string } {
  const root = tmpdir("quarry-plugins-");
  writeTree(root, {
    "good/hello.js": HELLO,
    "good/helpers/util.js": "export const unused = 1;\n",
    "good/README.md": "not a module\n",
    "bad/syntax.js": "export default {{ broken\n",
    "bad/throws.mjs": 'throw new Error("boom at import");\n',
    "bad/invalid.js": PLAIN,
    "bad/twice.js": HELLO, // the second plugin named "hello"
  });
  return { good: path.join(root, "good"), bad: path.join(root, "bad") };
}

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("plugin paths", () => {
  it("--plugin-path entries come first, then $QUARRY_PLUGINS; duplicates and empty entries dropped", () => {
    expect(pluginPaths(["/a", "/b"], "/c::/a")).toEqual(["/a", "/b", "/c"]);
    expect(pluginPaths(undefined, undefined)).toEqual([]);
    expect(pluginPaths("rel", "")).toEqual([path.resolve("rel")]);
  });

  it("a missing path is a failure naming it; the registry keeps every built-in", async () => {
    const r = await withExternalPlugins(defaultRegistry, ["/nonexistent/quarry-plugins"]);
    expect(r.external?.failures).toEqual([{ file: "/nonexistent/quarry-plugins", reason: "no such file or directory" }]);
    expect(r.plugins.map((p) => p.name)).toEqual(defaultRegistry.plugins.map((p) => p.name));
  });

  it("a folder of TypeScript sources only, or a .ts file, is a failure that says to build first", async () => {
    const dir = tmpdir("quarry-plugins-");
    writeTree(dir, { "src/hello.ts": HELLO, "src/types.d.ts": "export {};\n" });
    const ext = await loadExternalPlugins([path.join(dir, "src"), path.join(dir, "src/hello.ts")]);
    expect(ext.plugins).toEqual([]);
    expect(ext.failures).toEqual([
      { file: path.join(dir, "src"), reason: expect.stringMatching(/^no JavaScript modules, only 1 TypeScript source\(s\); plugins are loaded compiled: build the TypeScript first/) },
      { file: path.join(dir, "src/hello.ts"), reason: expect.stringMatching(/^a TypeScript source; plugins are loaded compiled/) },
    ]);
  });

  it("loads modules below a folder in name order, skips non-modules, and names each failure with its reason", async () => {
    const { good, bad } = pluginDirs();
    const ext = await loadExternalPlugins([good, bad], defaultRegistry.plugins);
    expect(ext.plugins.map((p) => p.name)).toEqual(["hello"]);
    expect(ext.sources.map((s) => [path.relative(path.dirname(good), s.file), s.plugins])).toEqual([
      ["good/hello.js", ["hello"]],
      ["good/helpers/util.js", []],
    ]);
    const failures = ext.failures.map((f) => ({ file: path.basename(f.file), plugin: f.plugin, reason: f.reason }));
    expect(failures).toEqual([
      { file: "invalid.js", plugin: "nodesc", reason: expect.stringContaining("function nodesc has no description") },
      // (in-process the test runner's transform words the syntax error; the CLI tests below see Node's SyntaxError)
      { file: "syntax.js", plugin: undefined, reason: expect.stringMatching(/syntax/i) },
      { file: "throws.mjs", plugin: undefined, reason: "boom at import" },
      { file: "twice.js", plugin: "hello", reason: expect.stringContaining(`already loaded from ${path.join(good, "hello.js")}`) },
    ]);
    expect(failures[0]!.reason).toContain("declares no record descriptors");
  });
});

describe("external plugins through the compiled CLI", () => {
  it("runs a good plugin beside a built-in, and reports each broken one by name without stopping the run", () => {
    const { good, bad } = pluginDirs();
    const r = cli(["--plugin-path", good, "--plugin-path", bad, "-f", "hello,users", SAMPLE, "-j", "--generated", "2024-01-01T00:00:00Z"]);
    expect(r.code).toBe(0);
    const recs = r.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((x) => x._type === "record");
    const hello = recs.filter((x) => x._recorddescriptor && (x._recorddescriptor as unknown[])[0] === "example/hello");
    expect(hello).toHaveLength(1);
    expect(hello[0]).toMatchObject({ greeting: "hello web01", ts: "2023-11-14T22:13:20+00:00", hostname: "web01" });
    expect(recs.length).toBeGreaterThan(1); // the users records came too
    expect(r.err).toMatch(/warning: plugin failed to load: .*bad\/syntax\.js: SyntaxError/);
    expect(r.err).toMatch(/warning: plugin failed to load: .*bad\/throws\.mjs: boom at import/);
    expect(r.err).toMatch(/warning: plugin failed to load: nodesc \(.*bad\/invalid\.js\): .*no description/);
    expect(r.err).toMatch(/summary: 1 target: 1 opened.*\n\s+hello\s+ok 1/);
  });

  it("-l lists the external plugin's function and a 'Failed to load' section with the reasons", () => {
    const { good, bad } = pluginDirs();
    const r = cli(["-l"], { QUARRY_PLUGINS: `${good}${path.delimiter}${bad}` });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}hello +One greeting per target, from its \/etc\/hostname\n.*path: example\.hello\.hello\n.*example\/hello: hostname:string, domain:string, ts:datetime, greeting:string, filepath:path/);
    const failed = r.out.slice(r.out.indexOf("Failed to load:"));
    expect(failed).toMatch(/syntax\.js: SyntaxError/);
    expect(failed).toMatch(/throws\.mjs: boom at import/);
    expect(failed).toMatch(/nodesc \(.*invalid\.js\): /);
    expect(failed).toMatch(/hello \(.*twice\.js\): a plugin named hello was already loaded/);
    expect(r.out).toMatch(/External plugins:\n(.*\n)*.*good\/hello\.js: hello\n/);
  });

  it("worker threads load the same plugins (--jobs 2 over three targets)", () => {
    const { good } = pluginDirs();
    const fleet = tmpdir("quarry-fleet-");
    for (const n of ["a", "b", "c"]) fs.copyFileSync(SAMPLE, path.join(fleet, `${n}.tar`));
    const report = path.join(fleet, "report.json");
    const r = cli([fleet, "--jobs", "2", "-f", "hello", "-s", "--plugin-path", good, "--plugin-path", "/nonexistent/p", "--report", report]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual(Array(3).fill(expect.stringMatching(/^<example\/hello hostname='web01' .*greeting='hello web01'/)));
    const rep = JSON.parse(fs.readFileSync(report, "utf8")) as { plugins: { paths: string[]; failures: { file: string }[] } };
    expect(rep.plugins.paths).toEqual([good, "/nonexistent/p"]);
    expect(rep.plugins.failures.map((f) => f.file)).toEqual(["/nonexistent/p"]);
  });

  it("an external plugin with a built-in's name replaces it, and says so", () => {
    const dir = tmpdir("quarry-plugins-");
    writeTree(dir, { "users.js": HELLO.replace(/"hello"/g, '"users"').replace("hello:", "users:").replace('"example.hello"', '"example.users"') });
    const r = cli(["--plugin-path", dir, "-f", "users", SAMPLE, "-s"]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual([expect.stringMatching(/^<example\/hello .*greeting='hello web01'/)]);
    expect(r.err).toMatch(/info: external plugin users \(.*users\.js\) replaces the built-in one/);
  });

  it("a plugin that yields a non-record, a wrong-typed value or throws fails that function only", () => {
    const dir = tmpdir("quarry-plugins-");
    writeTree(dir, {
      "evil.js": `import { defineRecord, definePlugin, ok } from "quarry";
const R = defineRecord("example/evil", { ts: "datetime", n: "varint", filepath: "path" });
const fn = (run) => ({ output: "records", description: "misbehaves on purpose", records: [R], run });
export default definePlugin({ name: "evil", path: "example.evil", description: "Misbehaves", checkCompatible: () => ok(),
  functions: {
    evil_plain: fn(function* () { yield { foo: 1 }; }),
    evil_types: fn(function* () { yield R.create({ ts: null, n: 1, filepath: "/a" }); yield R.create({ ts: "yesterday", n: 2, filepath: "/b" }); }),
    evil_throw: fn(function* () { yield R.create({ ts: null, n: 3, filepath: "/c" }); throw new Error("kaboom"); }),
  } });
`,
    });
    const r = cli(["--plugin-path", dir, "-f", "evil_plain,evil_types,evil_throw,hostname", SAMPLE, "-j"]);
    expect(r.code).toBe(1);
    const recs = r.out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((x) => x._type === "record");
    expect(recs.map((x) => x.n ?? x.value)).toEqual([1, 3, "web01"]);
    expect(r.err).toMatch(/evil_plain: failed after 0 records: function yielded something that is not a record/);
    expect(r.err).toMatch(/evil_types: failed after 1 records: ill-typed record: example\/evil\.ts: not a Timestamp/);
    expect(r.err).toMatch(/evil_throw: failed after 1 records: kaboom/);
    expect(r.err).toMatch(/hostname +ok 1/);
  });

  it("target-info reports a broken plugin path and still describes the target", () => {
    const { bad } = pluginDirs();
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli/bin/target-info.js"), "--plugin-path", bad, SAMPLE], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning: plugin failed to load: .*bad\/syntax\.js: SyntaxError/m);
    expect(r.stdout).toMatch(/^hostname +: web01$/m);
  });

  it("an unknown function says external plugins failed to load", () => {
    const { bad } = pluginDirs();
    const r = cli(["--plugin-path", bad, "-f", "nodesc", SAMPLE]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown function\(s\): nodesc \(3 external plugins or modules failed to load; see target-query -l\)/);
  });
});
