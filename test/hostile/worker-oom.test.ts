// Class: a target that exhausts memory. A worker that reaches its JS heap ceiling (--worker-heap) is stopped by
// Node (ERR_WORKER_OUT_OF_MEMORY) and costs only its target: the function that was running is reported as
// `worker failed: out of memory`, the target's finished functions keep their records, a new worker takes the
// next target, and the other targets' records and the report are complete. Nothing is left in the temp folder.
// Before: the run was killed at 3 GB RSS (≥ 3 GB at kill, no report, `.partial` left; with a 512 MB heap, --jobs 1
// aborted with SIGABRT and no output at all).
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

const HEAP = ["--worker-heap", "128"];

describe("a worker that runs out of memory costs only its target", () => {
  for (const jobs of ["2", "1"]) {
    it(`--jobs ${jobs}: the others complete, the report names the function, nothing is left behind`, async () => {
      const f = hostileFleet({ a: "ok", b: "heap", c: "ok", d: "ok" });
      const report = path.join(f.dir, "out", "report.json");
      const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--jobs", jobs, ...HEAP, "--report", report], { timeoutMs: 60_000, env: f.env });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.wallMs, describeRun(r)).toBeLessThan(45_000);
      expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(1200);
      expect(r.stderr).toContain(`${f.host("b")}: hostile: worker failed: out of memory`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace

      const recs = records(r.stdout);
      for (const h of ["a", "c", "d"]) expect(fnsOf(recs, h)).toEqual([...Array(3).fill("before"), ...Array(4).fill("hostile"), ...Array(3).fill("after")]);
      expect(fnsOf(recs, "b")).toEqual(["before", "before", "before"]);

      const rep = JSON.parse(fs.readFileSync(report, "utf8")) as Report;
      expect(rep.exitCode).toBe(1);
      expect(rep.targets).toHaveLength(4);
      const b = rep.targets.find((t) => t.path === f.host("b"))!;
      expect(b).toMatchObject({ status: "ok", hostname: "b", records: 3 });
      expect(b.functions.map((x) => [x.name, x.status, x.records, x.reason ?? null])).toEqual([
        ["before", "ok", 3, null],
        ["hostile", "error", 0, "worker failed: out of memory"],
        ["after", "error", 0, "not run: the target was stopped in hostile (worker failed: out of memory)"],
      ]);
      expect(rep.totals).toMatchObject({ targets: 4, opened: 4, failed: 0, records: 33, functionErrors: 2 });
      expect(rep.totals.functions.hostile).toEqual({ ok: 3, absent: 0, error: 1, records: 12 });

      expect(listTree(f.tmp)).toEqual([]);
      expect(leftovers(f.dir)).toEqual([]);
    });
  }

  it("with --output-dir: the finished functions' files stay, the dying one leaves no .partial, no lock", async () => {
    const f = hostileFleet({ a: "ok", b: "heap" });
    const out = path.join(f.dir, "out");
    const r = await runTool("target-query", [f.fleet, ...f.args, "--jobs", "2", ...HEAP, "--output-dir", out], { timeoutMs: 60_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(1);
    const ids = fs.readdirSync(out).filter((e) => e.startsWith("b-"));
    expect(listTree(path.join(out, ids[0]!))).toEqual(["before.jsonl"]);
    expect(listTree(out).filter((p) => p.startsWith("a-"))).toHaveLength(4); // the folder and three files
    expect(leftovers(f.dir)).toEqual([]);
    expect(listTree(f.tmp)).toEqual([]);
  });

  it("a huge Buffer (outside the JS heap) is refused by Node: a function error, not a dead run", async () => {
    const f = hostileFleet({ a: "bigbuf", b: "ok" });
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--jobs", "2", ...HEAP], { timeoutMs: 60_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/ \(a\): hostile: failed after 0 records: .*out of range/);
    expect(fnsOf(records(r.stdout), "a")).toEqual(["before", "before", "before", "after", "after", "after"]);
    expect(fnsOf(records(r.stdout), "b")).toHaveLength(10);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(1200);
  });

  it("--worker-heap is checked", async () => {
    const f = hostileFleet({ a: "ok" });
    const r = await runTool("target-query", [f.fleet, ...f.args, "--worker-heap", "10"], { timeoutMs: 30_000, env: f.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--worker-heap: expected a whole number of MB, at least 64, got 10");
  });
});
