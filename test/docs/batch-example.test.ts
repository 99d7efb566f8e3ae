// docs/batch.md's "Using it from code" program, run as written against the compiled package (its imports are the
// package's own exports, "quarry/builtins" and "quarry/batch", resolved by self-reference from inside the package).
// The oracle is the sample host's /etc/passwd itself: each account's shell, counted once per copy of the host.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("docs/batch.md: Using it from code", () => {
  it("runs as written and counts the shells of both copies of the sample host", () => {
    const md = fs.readFileSync(path.join(ROOT, "docs/batch.md"), "utf8");
    const section = md.slice(md.indexOf("## Using it from code"));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    const file = path.join(ROOT, "dist", "doc-batch-example.mjs");
    fs.writeFileSync(file, code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      const shells = new Map<string, number>();
      for (const line of fs.readFileSync(path.join(ROOT, "fixtures/hosts/web01/etc/passwd"), "utf8").split("\n")) {
        const f = line.split(":");
        if (f.length === 7) shells.set(f[6]!, (shells.get(f[6]!) ?? 0) + 2);
      }
      const total = [...shells.values()].reduce((a, b) => a + b, 0);
      const want = [`exit 0: ${total} records`, ...[...shells].sort().map(([s, n]) => `${s} ${n}`)];
      expect(r.stdout.trim().split("\n")).toEqual(want);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
