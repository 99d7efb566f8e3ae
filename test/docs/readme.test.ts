// The README's quick start and tour run as written (the tour from the repository root, through npx, as a user
// would after `npm ci`): every command exits 0. Files the tour writes under /tmp go to a fresh folder instead.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpdir } from "../helpers/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The shell lines of the first ```sh block after a heading. */
function shBlock(heading: string): string[] {
  const from = README.indexOf(heading);
  expect(from, heading).toBeGreaterThan(-1);
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(from));
  return m![1]!.trimEnd().split("\n");
}

describe("README", () => {
  it("the quick start is two commands: install and run on the sample host, then the tests", () => {
    expect(shBlock("## Quick start")).toEqual(["npm ci && npx target-query -f atop,wtmp fixtures/hosts/web01.tar", "npm test"]);
  });

  it("every tour command runs as written and exits 0", { timeout: 240_000 }, () => {
    const tmp = tmpdir();
    const lines = shBlock("## A short tour");
    const failures: string[] = [];
    let vars = "";
    for (const line of lines) {
      if (/^[A-Z]+=\S+/.test(line)) {
        vars += line.replace(/\s+#.*$/, "") + "\n";
        continue;
      }
      const cmd = line.replaceAll("/tmp/", `${tmp}/`);
      const r = spawnSync("bash", ["-c", `set -o pipefail\n${vars}${cmd}`], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
      if (r.status !== 0) failures.push(`${line}\n  exit ${r.status}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
    }
    expect(failures).toEqual([]);
    // what the tour wrote: a tar of /var/log, per-host files and a report
    expect(fs.statSync(path.join(tmp, "logs.tar")).size).toBeGreaterThan(10_000);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, "run.json"), "utf8"))).toMatchObject({ exitCode: 0 });
  });
});
