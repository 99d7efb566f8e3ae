// atop.cgroups (2.11+) against the CGR lines of `atop -P ALL` (fixtures: the CGR/SEP/RESET lines of the
// parseable-all oracle): per sample, every "C" line (path, nprocs, procsbelow, cpu utime/stime) and
// every "P" line (the cgroup's pid list) in order. Also: processes map to their cgroup.
import { describe, expect, it } from "vitest";
import { gunzipSync } from "node:zlib";
import { fixture, runFn, targetWith } from "./helpers.js";

describe.each(["2.12", "2.13"])("atop.cgroups %s", (version) => {
  it("matches every CGR line of the oracle", async () => {
    const lines = gunzipSync(fixture(`atop_${version}.parseable-all.CGR.txt.gz`)).toString("utf8").split("\n").filter(Boolean);
    const samples: string[][] = [[]];
    for (const l of lines) {
      if (l === "SEP") samples.push([]);
      else if (l !== "RESET") samples[samples.length - 1]!.push(l.split(" ").slice(6).join(" "));
    }
    samples.pop();
    const r = await runFn(targetWith({ [`atop_${version}`]: fixture(`atop_${version}.raw`) }), "atop.cgroups");
    expect(r.warnings).toEqual([]);
    const bySample = new Map<number, Record<string, unknown>[]>();
    for (const rec of r.records) {
      const k = (rec.ts as { seconds: number }).seconds;
      if (!bySample.has(k)) bySample.set(k, []);
      bySample.get(k)!.push(rec);
    }
    const ours = [...bySample.values()];
    expect(ours.length).toBe(samples.length);
    let compared = 0;
    ours.forEach((cgs, i) => {
      const c = samples[i]!.filter((l) => l.startsWith("C "));
      const p = samples[i]!.filter((l) => l.startsWith("P "));
      expect(cgs.length).toBe(c.length);
      cgs.forEach((cg, k) => {
        const cols = c[k]!.split(" ");
        expect([cols[1], Number(cols[2]), Number(cols[3]), Number(cols[4]), Number(cols[5])]).toEqual([
          cg.path, cg.nprocs, cg.procsbelow, cg.cpu_utime, cg.cpu_stime,
        ]);
        compared++;
      });
      const withPids = cgs.filter((cg) => (cg.pids as number[]).length > 0);
      expect(withPids.map((cg) => `P ${cg.path} ${(cg.pids as number[]).join(" ")}`)).toEqual(p);
      compared += p.length;
    });
    expect(compared).toBe(lines.filter((l) => l.startsWith("CGR")).length);
  });
});

describe("atop.processes", () => {
  it("one lifetime per process across the samples, with its exit", async () => {
    const target = targetWith({ atop_20261121: fixture("atop_2.13.raw") });
    const tasks = (await runFn(target, "atop")).records;
    const r = await runFn(target, "atop.processes");
    expect(r.warnings).toEqual([]);
    const procs = r.records as Record<string, unknown>[];
    const keys = new Set(tasks.filter((t) => t.isproc).map((t) => `${t.pid}/${(t.start as { seconds: number }).seconds}`));
    expect(procs.length).toBe(keys.size);
    // the workload's `sh -c 'sleep 2; exit 3'` exits with code 3 during sampling
    const exit3 = procs.filter((p) => p.excode === 3 && p.end !== null && p.process === "sh");
    expect(exit3.length).toBeGreaterThan(0);
    // a long-running process is seen in all 4 samples and its utime is the sum of the per-sample deltas
    const init = procs.find((p) => p.pid === 1)!;
    expect(init.samples).toBe(4);
    expect(init.end).toBeNull();
    const sum = tasks.filter((t) => t.pid === 1 && t.isproc).reduce((a, t) => a + (t.utime as number), 0);
    expect(init.utime).toBe(sum);
    expect((init.first_seen as { seconds: number }).seconds).toBeLessThan((init.last_seen as { seconds: number }).seconds);
    expect(init.cmdline).toMatch(/^\/process_api/);
  });

  it("the cgroup path of each 2.12 process comes from the pid lists", async () => {
    const r = await runFn(targetWith({ atop_x: fixture("atop_2.12.raw") }), "atop");
    const p1 = r.records.find((t) => t.pid === 1 && t.isproc)!;
    expect(typeof p1.cgroup).toBe("string");
  });
});
