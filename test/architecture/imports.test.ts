// The shape of the import graph: built-in plugins are written as external ones are (only "quarry", their own
// files and other plugins' files), the framework knows the plugins only at its entry points (the CLI, the batch
// worker, the docs generator), and no module imports itself back through any chain (type imports included: a
// type-only circle is still two modules that cannot be understood apart).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOTS = ["src", "plugins", "loaders"];
/** src modules that may import the built-in registry: where a program starts. */
const ENTRY_POINTS = ["src/cli/", "src/batch/worker.ts", "src/docs/"];
const IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Every module's imports, as repository paths (".ts"); "quarry" is src/index.ts. */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of ROOTS.flatMap(sources)) {
    const deps: string[] = [];
    for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (spec === "quarry") deps.push("src/index.ts");
      else if (spec.startsWith(".")) deps.push(path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, ".ts"));
    }
    g.set(file, deps);
  }
  return g;
}

/** Strongly connected components of more than one module (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1 || (g.get(v) ?? []).includes(v)) found.push(c.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("import graph", () => {
  const g = graph();

  it("has no circle", () => {
    expect(circles(g)).toEqual([]);
  });

  it("built-in plugins import the framework only through \"quarry\"", () => {
    const reaching = [...g].flatMap(([file, deps]) =>
      file.startsWith("plugins/") ? deps.filter((d) => !d.startsWith("plugins/") && d !== "src/index.ts").map((d) => `${file} → ${d}`) : [],
    );
    expect(reaching).toEqual([]);
  });

  it("the framework imports the built-in plugins only at its entry points", () => {
    const reaching = [...g].flatMap(([file, deps]) =>
      (file.startsWith("src/") || file.startsWith("loaders/")) && !ENTRY_POINTS.some((e) => file.startsWith(e))
        ? deps.filter((d) => d.startsWith("plugins/")).map((d) => `${file} → ${d}`)
        : [],
    );
    expect(reaching).toEqual([]);
  });
});
