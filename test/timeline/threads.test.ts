// The timeline is the same however the run is spread: one thread (the sources, in this process), worker threads
// with --jobs 1 and --jobs 2 (the compiled CLI: records come back through the spools), the targets listed in an
// @file, or two of them as a folder fleet; spilled or not.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, runTool } from "../hostile/harness.js";
import { FUNCTIONS, GENERATED, makeFleet, query, type TimelineFleet } from "./fleet.js";

let fleet: TimelineFleet;
let inThread: Buffer;
const ARGS = ["-f", FUNCTIONS, "--timeline", "-j", "-q", "--generated", GENERATED];

beforeAll(async () => {
  fleet = makeFleet();
  const r = await query([...fleet.targets, ...ARGS]);
  expect(r.code, r.err).toBe(0);
  inThread = r.out;
});
afterAll(() => fleet.remove());

async function cli(targets: string[], extra: string[], env: NodeJS.ProcessEnv = {}): Promise<Buffer> {
  const r = await runTool("target-query", [...targets, ...ARGS, ...extra], { timeoutMs: 60_000, env });
  expect(r.code, describeRun(r)).toBe(0);
  return r.stdout;
}

describe("--timeline over worker threads", () => {
  it("--jobs 1 and --jobs 2 give the bytes of the run in one thread", async () => {
    expect((await cli(fleet.targets, ["--jobs", "1"])).equals(inThread)).toBe(true);
    expect((await cli(fleet.targets, ["--jobs", "2"])).equals(inThread)).toBe(true);
  });

  it("--jobs 2 with runs of 3 entries spilled and merged: the same bytes", async () => {
    expect((await cli(fleet.targets, ["--jobs", "2"], { QUARRY_TIMELINE_RUN_RECORDS: "3" })).equals(inThread)).toBe(true);
  });

  it("an @file list and a folder fleet: the same targets in the same order, the same bytes", async () => {
    const list = path.join(fleet.dir, "targets.txt");
    fs.writeFileSync(list, `# three hosts\n${fleet.targets.join("\n")}\n`);
    expect((await cli([`@${list}`], ["--jobs", "2"])).equals(inThread)).toBe(true);
    expect((await cli([fleet.targets[0], fleet.folder], ["--jobs", "2"])).equals(inThread)).toBe(true);
  });
});
