// Hostile batch runs, built at test time: a test-only external plugin (a compiled JS module loaded with
// --plugin-path) that misbehaves as the target's /hostile.txt says, a fleet of small host roots, a private
// temp folder (QUARRY_TMPDIR) and a way to list whatever a run left behind.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

/**
 * Three functions: `before` (three records), `hostile` (the target's mode), `after` (three records). Modes:
 * ok (four records), spin (a synchronous busy loop inside one generator step, as a parser stuck on hostile
 * input), heap (allocates JS objects until the heap is exhausted), bigbuf (asks for an 8 GiB Buffer, outside
 * the JS heap), exit (process.exit inside the plugin). It says on stderr when it starts
 * misbehaving, so a test can send its signal at the right moment.
 */
export const HOSTILE_PLUGIN = `import { defineRecord, definePlugin, ok, absent } from "quarry";
const R = defineRecord("test/hostile", { fn: "string", n: "varint", filepath: "path" });
function* three(fn) { for (let n = 0; n < 3; n++) yield R.create({ fn, n, filepath: "/hostile.txt" }); }
export default definePlugin({
  name: "hostile", path: "test.hostile", description: "test-only: misbehaves as /hostile.txt says",
  checkCompatible: (t) => (t.fs.isFile("/hostile.txt") ? ok() : absent("no /hostile.txt")),
  functions: {
    before: { output: "records", description: "three records", records: [R], *run() { yield* three("before"); } },
    hostile: { output: "records", description: "misbehaves", records: [R], *run(t) {
      const mode = t.fs.readText("/hostile.txt").trim();
      // (No record before misbehaving: whether one still sat in the worker's buffer would depend on timing.)
      if (mode === "ok") yield R.create({ fn: "hostile", n: 0, filepath: "/hostile.txt" });
      if (mode !== "ok") {
        // A moment first, for the parent to copy what came before: the tests send their signal on this line.
        for (const until = Date.now() + 300; Date.now() < until; );
        console.error("hostile: " + mode + " in " + t.hostname);
      }
      if (mode === "spin") for (;;) {}
      if (mode === "heap") { const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length)); }
      if (mode === "bigbuf") Buffer.alloc(2 ** 33);
      if (mode === "exit") process.exit(7);
      yield* three("hostile");
    } },
    after: { output: "records", description: "three records", records: [R], *run() { yield* three("after"); } },
  },
});
`;

export type Mode = "ok" | "spin" | "heap" | "bigbuf" | "exit";

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export interface HostileFleet {
  dir: string;
  plugins: string;
  /** The folder of hosts (a fleet folder target). */
  fleet: string;
  /** QUARRY_TMPDIR of the runs: must be empty after every one of them. */
  tmp: string;
  env: NodeJS.ProcessEnv;
  host(name: string): string;
  /** target-query arguments for the three functions with the plugin loaded. */
  args: string[];
}

/** A fleet of hosts named as given (sorted by name: the order folder expansion runs them in). */
export function hostileFleet(hosts: Record<string, Mode>): HostileFleet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-batch-"));
  made.push(dir);
  const plugins = path.join(dir, "plugins");
  fs.mkdirSync(plugins);
  fs.writeFileSync(path.join(plugins, "hostile.js"), HOSTILE_PLUGIN);
  const fleet = path.join(dir, "fleet");
  for (const [name, mode] of Object.entries(hosts)) {
    const root = path.join(fleet, name);
    fs.mkdirSync(path.join(root, "etc"), { recursive: true });
    fs.mkdirSync(path.join(root, "var", "log"), { recursive: true });
    fs.writeFileSync(path.join(root, "etc", "hostname"), `${name}\n`);
    fs.writeFileSync(path.join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    fs.writeFileSync(path.join(root, "hostile.txt"), `${mode}\n`);
  }
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(tmp);
  return {
    dir,
    plugins,
    fleet,
    tmp,
    env: { QUARRY_TMPDIR: tmp },
    host: (name) => path.join(fleet, name),
    args: ["--plugin-path", plugins, "-f", "before,hostile,after", "--generated", "2024-01-01T00:00:00Z"],
  };
}

/** Every path below dir (relative, sorted), directories with a trailing slash. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out.push(rel + "/");
        walk(p);
      } else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** What a run must never leave: spools, partial files, a report side file, a lock. */
export function leftovers(dir: string): string[] {
  return listTree(dir).filter((p) => /\.partial$|\.lock$|\.tmp$|quarry-(batch|spool|report)-/.test(p));
}

export interface JsonLine {
  _type?: string;
  _source?: string;
  hostname?: string;
  fn?: string;
  [k: string]: unknown;
}

/** Records of a JSON lines output (descriptor lines left out). */
export function records(stdout: Buffer | string): JsonLine[] {
  return stdout
    .toString()
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JsonLine)
    .filter((r) => r._type === "record");
}

/** `fn` of each record of one host, in output order. */
export function fnsOf(recs: JsonLine[], host: string): string[] {
  return recs.filter((r) => r.hostname === host).map((r) => `${r.fn}`);
}

/** Is this process root (device nodes, mounts, read-only folders need other means otherwise)? */
export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
