// Class: a target that never finishes (a parser spinning on hostile input) under --timeout. The time limit is
// a failure of the function that was running when it ran out (status error, `timed out after N s`), not a
// target that "could not be opened"; the functions that finished keep their outcomes and records; exit code 1.
// Before: the target was reported as not opened (`timed out after 2 s`), its finished function's records were
// dropped, and a single such target made the run exit 3.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunTotals, TargetReport } from "../../src/batch/report.js";
import { fnsOf, hostileFleet, leftovers, listTree, records } from "./batch-fleet.js";
import { describeRun, runTool } from "./harness.js";

interface Report {
  exitCode: number;
  totals: RunTotals;
  targets: TargetReport[];
}

const TIMEOUT = ["--timeout", "2"];

function outcomes(t: TargetReport): [string, string, number, string | null][] {
  return t.functions.map((x) => [x.name, x.status, x.records, x.reason ?? null]);
}

describe("--timeout is a function timeout of its target", () => {
  it("one target: exit 1, the timed-out function named, the finished one's records kept", async () => {
    const f = hostileFleet({ spin: "spin" });
    const report = path.join(f.dir, "report.json");
    const r = await runTool("target-query", [f.host("spin"), ...f.args, "-j", ...TIMEOUT, "--report", report], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.wallMs, describeRun(r)).toBeLessThan(20_000);
    expect(r.stderr).toContain(`${f.host("spin")}: hostile: timed out after 2 s`);
    expect(r.stderr).toMatch(/summary: 1 target: 1 opened, 0 could not be opened/);
    expect(fnsOf(records(r.stdout), "spin")).toEqual(["before", "before", "before"]);
    const rep = JSON.parse(fs.readFileSync(report, "utf8")) as Report;
    expect(rep.exitCode).toBe(1);
    expect(rep.targets[0]).toMatchObject({ status: "ok", hostname: "spin", records: 3 });
    expect(outcomes(rep.targets[0]!)).toEqual([
      ["before", "ok", 3, null],
      ["hostile", "error", 0, "timed out after 2 s"],
      ["after", "error", 0, "not run: the target was stopped in hostile (timed out after 2 s)"],
    ]);
    expect(listTree(f.tmp)).toEqual([]);
    expect(leftovers(f.dir)).toEqual([]);
  });

  it("in a fleet (--jobs 2): the other targets complete; the totals add up", async () => {
    const f = hostileFleet({ a: "ok", spin: "spin", z: "ok" });
    const report = path.join(f.dir, "report.json");
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--jobs", "2", ...TIMEOUT, "--report", report], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(1);
    const recs = records(r.stdout);
    expect(fnsOf(recs, "a")).toHaveLength(10);
    expect(fnsOf(recs, "z")).toHaveLength(10);
    expect(fnsOf(recs, "spin")).toEqual(["before", "before", "before"]);
    const rep = JSON.parse(fs.readFileSync(report, "utf8")) as Report;
    expect(rep.totals).toMatchObject({ targets: 3, opened: 3, failed: 0, records: 23, functionErrors: 2 });
    expect(rep.totals.functions).toEqual({
      before: { ok: 3, absent: 0, error: 0, records: 9 },
      hostile: { ok: 2, absent: 0, error: 1, records: 8 },
      after: { ok: 2, absent: 0, error: 1, records: 6 },
    });
    expect(listTree(f.tmp)).toEqual([]);
  });

  it("with --output-dir: the finished function's file and journal line stay; --resume runs the rest again", async () => {
    const f = hostileFleet({ spin: "spin" });
    const out = path.join(f.dir, "out");
    const run = () => runTool("target-query", [f.fleet, ...f.args, ...TIMEOUT, "--output-dir", out, "--resume"], { timeoutMs: 30_000, env: f.env });
    const r = await run();
    expect(r.code, describeRun(r)).toBe(1);
    const id = fs.readdirSync(out).find((e) => e.startsWith("spin-"))!;
    expect(listTree(path.join(out, id))).toEqual(["before.jsonl"]);
    const journal = fs.readFileSync(path.join(out, "quarry-state.jsonl"), "utf8").trim().split("\n");
    expect(journal.slice(1).map((l) => (JSON.parse(l) as { fn: { name: string } }).fn.name)).toEqual(["before"]);
    expect(leftovers(f.dir)).toEqual([]);
    // Resumed: `before` is not run again; `hostile` times out again and is reported so.
    const again = await run();
    expect(again.code, describeRun(again)).toBe(1);
    expect(again.stderr).toContain("hostile: timed out after 2 s");
    expect(again.stderr).toMatch(/3 records \(3 from an earlier run\)/);
    expect(leftovers(f.dir)).toEqual([]);
  });
});
