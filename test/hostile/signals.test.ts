// Class: a plugin that never gives the thread back (a synchronous busy loop, as sql.js spinning on a recursive
// VIEW). SIGINT and SIGTERM must still stop the run within seconds, the process dying of the signal, with no
// spool, report side file, `.partial` file or lock left behind. Before: the signal handlers the batch had
// installed on the main thread never ran, so both signals were ignored (killed after 18.5 s, still spinning).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fnsOf, hostileFleet, leftovers, listTree, records } from "./batch-fleet.js";
import { describeRun, runTool } from "./harness.js";

const SPINNING = /hostile: spin in/;
/** Generous: the process should die at once; a few seconds cover a loaded machine and worker shutdown. */
const DIE_WITHIN_MS = 5000;

describe("signals stop a run whatever a plugin is doing", () => {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    it(`one target in this thread, no options: ${sig} kills it at once`, async () => {
      const f = hostileFleet({ spin: "spin" });
      const r = await runTool("target-query", [f.host("spin"), ...f.args, "-j"], {
        timeoutMs: 30_000,
        env: f.env,
        signal: { name: sig, afterMs: 0, whenStderr: SPINNING },
      });
      expect(r.signal, describeRun(r)).toBe(sig);
      expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
      expect(listTree(f.tmp)).toEqual([]);
      expect(leftovers(f.dir)).toEqual([]);
    });
  }

  it("with --report (a worker thread): SIGINT leaves neither the report nor its side file", async () => {
    const f = hostileFleet({ spin: "spin" });
    const report = path.join(f.dir, "report.json");
    const r = await runTool("target-query", [f.host("spin"), ...f.args, "-j", "--report", report], {
      timeoutMs: 30_000,
      env: f.env,
      signal: { name: "SIGINT", afterMs: 0, whenStderr: SPINNING },
    });
    expect(r.signal, describeRun(r)).toBe("SIGINT");
    expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
    expect(fs.existsSync(report)).toBe(false);
    expect(listTree(f.tmp)).toEqual([]);
    expect(leftovers(f.dir)).toEqual([]);
  });

  it("with --output-dir: SIGTERM removes the lock and the .partial files, keeps the journal and finished files", async () => {
    const f = hostileFleet({ a: "ok", spin: "spin" });
    const out = path.join(f.dir, "out");
    const r = await runTool("target-query", [f.fleet, ...f.args, "--jobs", "1", "--output-dir", out], {
      timeoutMs: 30_000,
      env: f.env,
      signal: { name: "SIGTERM", afterMs: 0, whenStderr: SPINNING },
    });
    expect(r.signal, describeRun(r)).toBe("SIGTERM");
    expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
    const tree = listTree(out);
    expect(tree).toContain("quarry-state.jsonl");
    expect(tree.filter((p) => p.startsWith("a-"))).toHaveLength(4); // a's folder and its three files
    expect(tree.filter((p) => p.startsWith("spin-"))).toEqual([expect.stringMatching(/\/$/), expect.stringMatching(/\/before\.jsonl$/)]);
    expect(leftovers(f.dir)).toEqual([]);
    expect(listTree(f.tmp)).toEqual([]);
  });

  it("--jobs 1 streams: what came before the spin is out when the signal comes", async () => {
    const f = hostileFleet({ a: "ok", b: "ok", spin: "spin" });
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--jobs", "1", "--report", path.join(f.dir, "r.json")], {
      timeoutMs: 30_000,
      env: f.env,
      signal: { name: "SIGINT", afterMs: 1500, whenStderr: SPINNING },
    });
    expect(r.signal, describeRun(r)).toBe("SIGINT");
    const recs = records(r.stdout);
    expect(fnsOf(recs, "a")).toHaveLength(10);
    expect(fnsOf(recs, "b")).toHaveLength(10);
    expect(fnsOf(recs, "spin")).toEqual(["before", "before", "before"]);
    expect(leftovers(f.dir)).toEqual([]);
    expect(listTree(f.tmp)).toEqual([]);
  });

  it("--jobs 2 (spools in the temp folder): SIGINT leaves the temp folder empty", async () => {
    const f = hostileFleet({ a: "ok", spin1: "spin", spin2: "spin" });
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--jobs", "2", "--report", path.join(f.dir, "r.json")], {
      timeoutMs: 30_000,
      env: f.env,
      signal: { name: "SIGINT", afterMs: 0, whenStderr: /hostile: spin in spin1[^]*hostile: spin in spin2|hostile: spin in spin2[^]*hostile: spin in spin1/ },
    });
    expect(r.signal, describeRun(r)).toBe("SIGINT");
    expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
    expect(listTree(f.tmp)).toEqual([]);
    expect(leftovers(f.dir)).toEqual([]);
  });
});
