// Class: a timeline of more records than memory should hold. --timeline over a btmp of 1,000,000 records (384 MB)
// must sort them all with a bounded peak RSS: runs of 4 MiB (estimated) sorted and spilled to nameless temp files,
// merged at the end (docs/timeline.md: Memory). Measured on a 2-core VM: 186 MiB peak, 14.6 s; without --timeline the
// same -j run peaks at 88 MiB. The ceiling below is the documented bound, not the measurement.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listTree } from "./batch-fleet.js";
import { describeRun, runTool } from "./harness.js";
import { BASE, bigBtmpHost } from "../timeline/bigbtmp.js";

const N = 1_000_000;
/** docs/timeline.md: the peak RSS of --timeline on this input stays below this. */
const CEILING_MB = 300;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-timeline-mem-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A reader for the run's stdout that keeps nothing (test/timeline/consumer.mjs) and reports what it saw. */
function consumer(): { stdin: NodeJS.WritableStream; result: Promise<{ entries: number; sorted: boolean; first: string; last: string; bytes: number }> } {
  const c = spawn(process.execPath, [path.join(import.meta.dirname, "../timeline/consumer.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  c.stdout.on("data", (b: Buffer) => (out += b.toString()));
  return { stdin: c.stdin, result: new Promise((resolve) => c.on("close", () => resolve(JSON.parse(out)))) };
}

describe("--timeline on 1,000,000 btmp records", () => {
  it(`every record one entry, in time order, peak RSS under ${CEILING_MB} MiB, the temp folder empty after`, { timeout: 420_000 }, async () => {
    const host = bigBtmpHost(dir, N);
    const tmp = path.join(dir, "tmp");
    fs.mkdirSync(tmp);
    const reader = consumer();
    const r = await runTool("target-query", [host, "-f", "btmp", "--timeline", "-j", "-vv"], {
      timeoutMs: 360_000,
      env: { QUARRY_TMPDIR: tmp },
      stdout: reader.stdin as never,
    });
    reader.stdin.end(); // our copy of the pipe: the reader sees the end once the run's copy is closed too
    const seen = await reader.result;
    expect(r.code, describeRun(r)).toBe(0);
    expect(seen).toMatchObject({ entries: N, sorted: true, first: new Date(BASE * 1000).toISOString().replace(".000Z", "+00:00") });
    expect(seen.last).toBe(new Date((BASE + N - 1) * 1000).toISOString().replace(".000Z", "+00:00"));
    // the records went through temp files: ~157 runs of ~6,400, one merge at the end
    const m = /timeline: 1000000 entries from 1000000 records; (\d+) runs spilled \((\d+) bytes\), merging (\d+)/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(20);
    expect(Number(m![2])).toBeGreaterThan(100e6);
    expect(r.peakRssMb, describeRun(r)).not.toBeNull();
    expect(r.peakRssMb!, describeRun(r)).toBeLessThan(CEILING_MB);
    expect(listTree(tmp)).toEqual([]);
  });
});
