// The acceptance test: a folder of 20 host images (directory, tar, tar.gz, UAC, one corrupt archive,
// one with a damaged atop file) plus one missing path gives every good record, a report that names each
// failure, and exit code 1 (in this thread here; with worker threads through the compiled CLI in cli.test.ts).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import { captureIO } from "./helpers.js";
import { check, makeFleet, type Report } from "./fleet.js";
import { matrixRegistry } from "./images.js";

const GEN = ["--generated", "2024-01-01T00:00:00Z"];

describe("a folder of 20 host images", () => {
  it("in this thread: every good record, each failure named in the report and the summary, exit 1", async () => {
    const f = makeFleet();
    const reportFile = path.join(f.dir, "report.json");
    const io = captureIO();
    const code = await main(["--targets-from", f.list, "-f", "users,hostname,atopstub", "-j", "--jobs", "1", "--report", reportFile, ...GEN], io, matrixRegistry);
    expect(code).toBe(1);
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report;
    check(f, io.out(), report, true);
    const err = io.err();
    expect(err).toContain("summary: 21 targets: 19 opened, 2 could not be opened, 1 entry skipped");
    expect(err).toContain(`${f.missing}: path does not exist`);
    expect(err).toMatch(/corrupt\.tar\.gz: loader tar failed/);
    expect(err).toMatch(/evidence warnings:\n  .*truncated\.tar\.gz: /);
    expect(err).toContain(`${f.damaged}: atopstub: /var/log/atop/atop_20240102 @ 0: not an atop file (bad magic)`);
  });
});
