// After --resume the report's totals equal the sum of its functions: records of the pairs an earlier run
// finished count in `records` everywhere (the output folder holds them), and `resumedRecords` says how many of
// them that was. (Before, `totals.records` left resumed pairs out while `totals.functions` and each target's
// functions counted them: 3 against 18 in a three-host run with one pair to redo.)
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import type { RunTotals, TargetReport } from "../../src/batch/report.js";
import { captureIO, makeHost, tempDir, testRegistry } from "./helpers.js";

const GEN = ["--generated", "2024-01-01T00:00:00Z"];

interface Report {
  totals: RunTotals;
  targets: TargetReport[];
}

function checkSums(rep: Report): void {
  const fnTotals = Object.values(rep.totals.functions);
  const pairs = rep.targets.flatMap((t) => t.functions);
  expect(rep.totals.records).toBe(fnTotals.reduce((n, f) => n + f.records, 0));
  expect(rep.totals.records).toBe(rep.targets.reduce((n, t) => n + t.records, 0));
  expect(rep.totals.records).toBe(pairs.reduce((n, f) => n + f.records, 0));
  expect(rep.totals.resumedRecords).toBe(pairs.filter((f) => f.resumed).reduce((n, f) => n + f.records, 0));
  for (const t of rep.targets) expect(t.records).toBe(t.functions.reduce((n, f) => n + f.records, 0));
  for (const [name, c] of Object.entries(rep.totals.functions)) {
    const mine = pairs.filter((f) => f.name === name);
    expect(c.records).toBe(mine.reduce((n, f) => n + f.records, 0));
    expect(c.ok + c.absent + c.error).toBe(mine.length);
  }
}

describe("--resume totals", () => {
  it("equal the sum of the functions, in the report and in the summary", async () => {
    const dir = tempDir();
    const coll = path.join(dir, "fleet");
    for (const h of ["h1", "h2", "h3"]) makeHost(coll, h, { files: { "var/log/test.log": "a\nb\nc\nd\n" } });
    const out = path.join(dir, "out");
    const first = path.join(dir, "first.json");
    expect(await main([coll, "-f", "users,testlines", "--output-dir", out, "--jobs", "1", "--report", first, ...GEN], captureIO(), testRegistry)).toBe(0);
    const whole = JSON.parse(fs.readFileSync(first, "utf8")) as Report;
    checkSums(whole);
    expect(whole.totals).toMatchObject({ records: 18, resumedRecords: 0 });

    // Forget two finished pairs (an interruption): the resumed run redoes them and skips the other four.
    const state = path.join(out, "quarry-state.jsonl");
    const lines = fs.readFileSync(state, "utf8").trim().split("\n");
    fs.writeFileSync(state, [lines[0], ...lines.slice(1).filter((_, i) => i !== 1 && i !== 4)].join("\n") + "\n");
    const resumedReport = path.join(dir, "resumed.json");
    const io = captureIO();
    expect(await main([coll, "-f", "users,testlines", "--output-dir", out, "--resume", "--jobs", "1", "--report", resumedReport, ...GEN], io, testRegistry)).toBe(0);
    const rep = JSON.parse(fs.readFileSync(resumedReport, "utf8")) as Report;
    checkSums(rep);
    const redone = rep.targets.flatMap((t) => t.functions).filter((f) => !f.resumed);
    expect(redone).toHaveLength(2);
    expect(rep.totals.records).toBe(whole.totals.records); // the same result as the uninterrupted run
    expect(rep.totals.functions).toEqual(whole.totals.functions);
    expect(rep.totals.resumedRecords).toBe(18 - redone.reduce((n, f) => n + f.records, 0));
    expect(io.err()).toContain(`; 18 records (${rep.totals.resumedRecords} from an earlier run), 0 function errors`);
  });
});
