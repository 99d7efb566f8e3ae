// docs/writing-plugins.md is executable: its ```sh blocks run in order in one shell from the repository root
// (after the build), and a ```text block right after one is that block's exact standard output. Its ```ts
// blocks marked `file=PATH` are verbatim excerpts of the shipped plugin, so the page cannot drift from the code.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpdir } from "../helpers/tmp.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PAGE = path.join(ROOT, "docs/writing-plugins.md");

interface Block {
  lang: string;
  info: string;
  body: string;
  line: number;
}

/** Fenced blocks of a markdown page, with their info strings and starting lines. */
function fencedBlocks(md: string): Block[] {
  const out: Block[] = [];
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    out.push({ lang: open[1]!, info: open[2]!, body: body.join("\n"), line: start + 1 });
  }
  return out;
}

function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => (l.trim() ? l.slice(indent) : l));
}

const blocks = fencedBlocks(fs.readFileSync(PAGE, "utf8"));

describe("docs/writing-plugins.md", () => {
  it("has commands to run and outputs to check", () => {
    expect(blocks.filter((b) => b.lang === "sh").length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.lang === "text").length).toBeGreaterThanOrEqual(2);
  });

  it("shows the shipped plugin's code verbatim", () => {
    const excerpts = blocks.filter((b) => b.lang === "ts" && /\bfile=/.test(b.info));
    expect(excerpts.length).toBeGreaterThanOrEqual(4);
    for (const b of excerpts) {
      const file = /\bfile=(\S+)/.exec(b.info)![1]!;
      const source = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
      const want = b.body.split("\n");
      // Lines in a row of the file, with their common indentation trimmed as the page shows them.
      const found = source.some((_, i) => dedent(source.slice(i, i + want.length)).join("\n") === b.body);
      expect(found, `docs/writing-plugins.md:${b.line} is not an excerpt of ${file}`).toBe(true);
    }
  });

  it("its reference names every export of the public API (src/index.ts), and nothing else", () => {
    const index = fs.readFileSync(path.join(ROOT, "src/index.ts"), "utf8");
    const exported = [...index.matchAll(/export (?:type )?\{([^}]*)\} from/g)]
      .flatMap((m) => m[1]!.split(","))
      .map((n) => n.trim().replace(/^type\s+/, ""))
      .filter(Boolean);
    expect(exported.length).toBeGreaterThan(30);
    const page = fs.readFileSync(PAGE, "utf8");
    const api = page.slice(page.indexOf("**The public API**"), page.indexOf("Anything else is internal"));
    const named = [...api.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
    expect([...new Set(named)].sort()).toEqual([...new Set(exported)].sort());
  });

  it("its commands, run as written, print what the page says", () => {
    // Each ```sh block is followed in the script by a marker line, so the output splits back into blocks.
    const steps: { block: Block; expected: string | null }[] = [];
    for (let i = 0; i < blocks.length; i++) {
      if (blocks[i]!.lang !== "sh") continue;
      const next = blocks[i + 1];
      steps.push({ block: blocks[i]!, expected: next?.lang === "text" ? next.body : null });
    }
    const marker = (n: number) => `@@quarry-tutorial-step-${n}@@`;
    const script = ["set -euo pipefail", ...steps.flatMap((s, n) => [s.block.body, `echo '${marker(n)}'`])].join("\n");
    // The page's mktemp -d folders go to a temporary directory of the test's own, removed afterwards.
    const env = { ...process.env, TMPDIR: tmpdir("quarry-tutorial-") };
    const r = spawnSync("bash", ["-c", script], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 1 << 26, timeout: 300_000 });
    expect(r.status, `the tutorial's commands failed:\n${r.stderr}`).toBe(0);
    let rest = r.stdout;
    steps.forEach((s, n) => {
      const at = rest.indexOf(marker(n) + "\n");
      expect(at, `no output marker after docs/writing-plugins.md:${s.block.line}`).toBeGreaterThanOrEqual(0);
      const out = rest.slice(0, at);
      rest = rest.slice(at + marker(n).length + 1);
      if (s.expected !== null) expect(out.trimEnd(), `output of the commands at docs/writing-plugins.md:${s.block.line}`).toBe(s.expected.trimEnd());
    });
  }, 300_000);
});
