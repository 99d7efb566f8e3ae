// Class: a timeline run that ends any way but well. Its sorted runs live in nameless temp files (O_TMPFILE, or
// unlinked as soon as created), so nothing is ever left in the temp folder: not after a normal end, not when the
// output fails (a full device, a reader that goes away), not when the temp folder itself is full, not on SIGINT
// or SIGTERM while records are gathered or while the runs are merged. Each failure is one message, no stack.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isRoot, listTree } from "./batch-fleet.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";
import { bigBtmpHost } from "../timeline/bigbtmp.js";

const DIE_WITHIN_MS = 5000;
const ENOSPC = "no space left on device (ENOSPC)";

/**
 * A test plugin: `timed` yields 40 records with a time each; on a host with /spin.txt it then says so on stderr
 * and spins (a parser stuck on hostile input), with the runs of what came before already on disk.
 */
const PLUGIN = `import { defineRecord, definePlugin, ok, Timestamp } from "quarry";
const R = defineRecord("test/timed", { ts: "datetime", n: "varint", filepath: "path" });
export default definePlugin({
  name: "timed", path: "test.timed", description: "test-only: records with times, then maybe a spin",
  checkCompatible: () => ok(),
  functions: {
    timed: { output: "records", description: "40 timed records", records: [R], *run(t) {
      for (let n = 0; n < 40; n++) yield R.create({ ts: Timestamp.fromUnix(1709690000 + ((n * 7) % 40)), n, filepath: "/x" });
      if (t.fs.isFile("/spin.txt")) {
        for (const until = Date.now() + 300; Date.now() < until; );
        console.error("timed: spin in " + t.hostname);
        for (;;) {}
      }
    } },
  },
});
`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-timeline-exits-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const plugins = path.join(root, "plugins");
fs.mkdirSync(plugins);
fs.writeFileSync(path.join(plugins, "timed.js"), PLUGIN);

function host(name: string, spin = false): string {
  const d = path.join(root, "hosts", name);
  fs.mkdirSync(path.join(d, "etc"), { recursive: true });
  fs.mkdirSync(path.join(d, "var/log"), { recursive: true });
  fs.writeFileSync(path.join(d, "etc/hostname"), name + "\n");
  if (spin) fs.writeFileSync(path.join(d, "spin.txt"), "spin\n");
  return d;
}
const A = host("a");
const B = host("b");
const SPIN = host("spin", true);
/** 20,000 btmp records: megabytes of timeline, 20 runs of 1,000 with QUARRY_TIMELINE_RUN_RECORDS. */
const BIG = bigBtmpHost(path.join(root, "hosts"), 20_000, "big");

let n = 0;
function tmpFolder(): string {
  const t = path.join(root, `tmp${n++}`);
  fs.mkdirSync(t);
  return t;
}

const TIMED = ["--plugin-path", plugins, "-f", "timed", "--timeline", "--generated", "2024-01-01T00:00:00Z"];
/** Runs of 3 entries: everything goes through temp files. */
const env = (tmp: string): NodeJS.ProcessEnv => ({ QUARRY_TMPDIR: tmp, QUARRY_TIMELINE_RUN_RECORDS: "3" });

function oneClearMessage(r: BoundedRun, text: string): void {
  expect(r.stderr, describeRun(r)).toContain(text);
  expect(r.stderr.split("\n").filter((l) => l.includes(text))).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal/);
}

describe("the temp folder is empty however a timeline run ends", () => {
  it("a normal end, one thread and --jobs 2: 80 entries in order, spilled", async () => {
    for (const jobs of ["1", "2"]) {
      const tmp = tmpFolder();
      const r = await runTool("target-query", [A, B, ...TIMED, "-j", "-vv", "--jobs", jobs], { timeoutMs: 30_000, env: env(tmp) });
      expect(r.code, describeRun(r)).toBe(0);
      const ts = r.stdout.toString().split("\n").filter((l) => l.includes('"_type": "record"')).map((l) => (JSON.parse(l) as { ts: string }).ts);
      expect(ts).toHaveLength(80);
      expect(ts).toEqual([...ts].sort());
      expect(r.stderr).toMatch(/timeline: 80 entries from 80 records; \d+ runs spilled/);
      expect(listTree(tmp)).toEqual([]);
    }
  });

  it("the output is a full device: one message, exit 1", async () => {
    const dev = isRoot ? path.join(root, "full") : "/dev/full";
    if (isRoot && !fs.existsSync(dev)) execFileSync("mknod", [dev, "c", "1", "7"]);
    if (!fs.existsSync(dev)) return;
    const tmp = tmpFolder();
    const r = await runTool("target-query", [A, B, ...TIMED, "-j", "-w", dev], { timeoutMs: 30_000, env: env(tmp) });
    expect(r.code, describeRun(r)).toBe(1);
    oneClearMessage(r, `cannot write to ${dev}: ${ENOSPC}`);
    expect(listTree(tmp)).toEqual([]);
  });

  it("a reader that goes away (| head -c 100, megabytes into a timeline): exit 0, nothing said", async () => {
    const tmp = tmpFolder();
    const status = path.join(root, "status");
    const r = await runTool("target-query", [BIG, A, "-f", "btmp,timed", "--plugin-path", plugins, "--timeline", "-j", "-q"], {
      timeoutMs: 60_000,
      env: { QUARRY_TMPDIR: tmp, QUARRY_TIMELINE_RUN_RECORDS: "1000", STATUS: status },
      // target-query's own exit status, not head's
      launcher: ["sh", "-c", '{ "$@"; echo $? >"$STATUS"; } | head -c 100 >/dev/null; exit "$(cat "$STATUS")"', "sh"],
    });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toBe("");
    expect(listTree(tmp)).toEqual([]);
  });

  it("a full temp folder: one message naming it, exit 1, the folder empty (one thread and --jobs 2)", async () => {
    if (!isRoot) return;
    const tmp = tmpFolder();
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", tmp], { stdio: "ignore" });
    } catch {
      return; // this machine allows no mounts
    }
    try {
      const big = BIG;
      const one = await runTool("target-query", [big, "-f", "btmp", "--timeline", "-j"], { timeoutMs: 60_000, env: { QUARRY_TMPDIR: tmp, QUARRY_TIMELINE_RUN_RECORDS: "1000" } });
      expect(one.code, describeRun(one)).toBe(1);
      oneClearMessage(one, `cannot write a timeline run file in the temp folder (QUARRY_TMPDIR): ${ENOSPC}`);
      expect(one.stderr).toMatch(/the run stopped after 0 of 1 targets/);
      expect(one.stdout.length).toBe(0);
      expect(listTree(tmp)).toEqual([]);
      const two = await runTool("target-query", [big, A, "-f", "btmp,timed", "--plugin-path", plugins, "--timeline", "-j", "--jobs", "2"], {
        timeoutMs: 60_000,
        env: { QUARRY_TMPDIR: tmp, QUARRY_TIMELINE_RUN_RECORDS: "1000" },
      });
      expect(two.code, describeRun(two)).toBe(1);
      oneClearMessage(two, ENOSPC); // the timeline's runs or the batch's spools, whichever fills it first
      expect(listTree(tmp)).toEqual([]);
    } finally {
      execFileSync("umount", [tmp]);
    }
  });

  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    it(`${sig} while records are gathered (runs on disk, a plugin spinning): dies at once`, async () => {
      for (const targets of [[SPIN], [A, SPIN]]) {
        const tmp = tmpFolder();
        const r = await runTool("target-query", [...targets, ...TIMED, "-j", "--jobs", "2"], {
          timeoutMs: 30_000,
          env: env(tmp),
          signal: { name: sig, afterMs: 0, whenStderr: /timed: spin in spin/ },
        });
        expect(r.signal, describeRun(r)).toBe(sig);
        expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
        expect(r.stdout.length).toBe(0); // a timeline is written only once it is whole
        expect(listTree(tmp)).toEqual([]);
      }
    });
  }

  it("SIGINT while the runs are merged into the output: dies at once", async () => {
    const big = bigBtmpHost(root, 300_000, "bigsig");
    const tmp = tmpFolder();
    const r = await runTool("target-query", [big, "-f", "btmp", "--timeline", "-j", "-vv"], {
      timeoutMs: 60_000,
      env: { QUARRY_TMPDIR: tmp, QUARRY_TIMELINE_RUN_RECORDS: "20000" },
      stdout: fs.openSync("/dev/null", "w"),
      signal: { name: "SIGINT", afterMs: 0, whenStderr: /timeline: 300000 entries .* runs spilled .*merging/ },
    });
    expect(r.signal, describeRun(r)).toBe("SIGINT");
    expect(r.afterSignalMs!, describeRun(r)).toBeLessThan(DIE_WITHIN_MS);
    expect(listTree(tmp)).toEqual([]);
  });
});
