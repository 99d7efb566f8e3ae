// Class: the entries of a folder of collections are evidence. A link among them is followed only inside the
// folder (its real place is the target; a second name for one collection runs once); a link out of it
// (`fleet/zz -> /`, to the canary, relative, through a chain, a loop, a dangling link) is a failed target that is
// never opened, named with its target; an entry that cannot be read is a failure too (exit 1), while a file
// that is no collection (MANIFEST.txt, a FIFO) stays "skipped".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { targetId } from "../../src/target.js";
import { evidenceRoot, leaks, makeCanary, userNames } from "./canary.js";
import { describeRun, ROOT, runTool, type BoundedRun } from "./harness.js";

const c = makeCanary("quarry-hostile-fleet-", 0xf1ee7);
afterAll(() => fs.rmSync(c.dir, { recursive: true, force: true }));

const CEILING = { timeoutMs: 30_000, rssMb: 600 };

interface RunReport {
  exitCode: number;
  totals: { targets: number; opened: number; failed: number; skipped: number };
  skipped: { path: string; reason: string }[];
  targets: { path: string; status: "ok" | "error"; error?: string }[];
}

const fleet = path.join(c.dir, "fleet");
const A = evidenceRoot(path.join(fleet, "a"), "a");
const C = evidenceRoot(path.join(fleet, "store", "c"), "c");
const link = (target: string, name: string): void => fs.symlinkSync(target, path.join(fleet, name));
link("a", "inside"); // a second name for fleet/a
link("store/c", "nested"); // inside the folder, below an entry no loader takes
link("/", "zz");
link(c.outside, "out");
link("../outside", "rel");
link("hop", "chain");
link("../outside", "hop");
link("loop", "loop");
link("nothing-here", "dangling");
fs.writeFileSync(path.join(fleet, "MANIFEST.txt"), "a\nc\n");
spawnSync("mkfifo", [path.join(fleet, "pipe")]);

const F = (name: string): string => path.join(fleet, name);
const REFUSED: Record<string, string> = {
  zz: `zz is a symlink to / outside the folder ${fleet}: refused`,
  out: `out is a symlink to ${c.outside} outside the folder ${fleet}: refused`,
  rel: `rel is a symlink to ../outside outside the folder ${fleet}: refused`,
  hop: `hop is a symlink to ../outside outside the folder ${fleet}: refused`,
  chain: `hop is a symlink to ../outside outside the folder ${fleet}: refused (on the way to chain)`,
  loop: "loop: too many levels of symbolic links: refused",
  dangling: "dangling is a symlink to nothing-here, which does not exist",
};

function check(r: BoundedRun, report: RunReport): void {
  const what = describeRun(r);
  expect(r.timedOut, what).toBe(false);
  expect(r.peakRssMb ?? 0, what).toBeLessThan(CEILING.rssMb);
  expect(leaks(r, c, [...A.users, ...C.users]), what).toEqual([]);
  expect(r.code, what).toBe(1);
  expect(report.exitCode).toBe(1);
  const byPath = new Map(report.targets.map((t) => [t.path, t]));
  expect([...byPath.keys()].sort()).toEqual([F("a"), ...Object.keys(REFUSED).map(F), F("store/c")].sort());
  expect(byPath.get(F("a"))!.status).toBe("ok");
  expect(byPath.get(F("store/c"))!.status).toBe("ok");
  for (const [name, why] of Object.entries(REFUSED)) {
    const t = byPath.get(F(name))!;
    expect(t.status, name).toBe("error");
    expect(t.error, name).toBe(why);
    expect(r.stderr, name).toContain(`${F(name)}: ${why}`);
  }
  expect(report.totals).toMatchObject({ targets: 9, opened: 2, failed: 7 });
  expect(report.skipped.map((s) => [path.relative(fleet, s.path), s.reason]).sort()).toEqual(
    [
      ["MANIFEST.txt", "no loader recognises it"],
      ["inside", `duplicate of ${F("a")}`],
      ["pipe", "not a regular file or directory (fifo)"],
      ["store", "no loader recognises it"],
    ].sort(),
  );
  // Records only from the two collections, under their own ids.
  expect(userNames(r.stdout)).toEqual([...A.users, ...C.users].sort());
  const sources = new Set([...r.stdout.toString().matchAll(/"_source": "([^"]+)"/g)].map((m) => m[1]));
  expect([...sources].sort()).toEqual([targetId(F("a")), targetId(F("store/c"))].sort());
}

async function query(args: string[]): Promise<{ r: BoundedRun; report: RunReport }> {
  const reportFile = path.join(c.dir, `report-${args.join("")}.json`);
  const r = await runTool("target-query", ["-f", "hostname,users", "-j", "--report", reportFile, ...args, fleet], { timeoutMs: CEILING.timeoutMs, env: { QUARRY_TMPDIR: c.dir } });
  return { r, report: JSON.parse(fs.readFileSync(reportFile, "utf8")) as RunReport };
}

describe("hostile: fleet folder entries that are symlinks", () => {
  it("links out of the folder are failed targets, never opened (one thread and worker threads); links inside are followed once", async () => {
    const [one, two] = await Promise.all([query(["--jobs", "1"]), query(["--jobs", "2"])]);
    check(one.r, one.report);
    check(two.r, two.report);
  });

  it("target-query -l names the refused entries and opens none of them", async () => {
    const r = await runTool("target-query", ["-l", "*", fleet], { timeoutMs: CEILING.timeoutMs });
    expect(r.code, describeRun(r)).toBe(1);
    expect(leaks(r, c)).toEqual([]);
    expect(r.stderr).toContain(`error: ${F("zz")}: ${REFUSED.zz}`);
    const out = r.stdout.toString();
    expect(out).toContain(F("a"));
    for (const name of Object.keys(REFUSED)) expect(out).not.toContain(F(name) + " ");
  });

  it("an unreadable entry (EACCES) is a failure, exit 1, not only skipped", async () => {
    const d = path.join(c.dir, "locked-fleet");
    const B = evidenceRoot(path.join(d, "b"), "b");
    evidenceRoot(path.join(d, "locked"), "locked");
    fs.writeFileSync(path.join(d, "secret.tar"), Buffer.alloc(1024));
    fs.chmodSync(path.join(d, "locked"), 0);
    fs.chmodSync(path.join(d, "secret.tar"), 0);
    const args = [path.join(ROOT, "dist/src/cli/bin/target-query.js"), "-f", "hostname,users", "-j", "--jobs", "1", d];
    let r: { code: number | null; stdout: string; stderr: string };
    if (process.getuid?.() === 0) {
      // root reads everything: run the CLI as nobody to meet a real EACCES (the test dir made traversable).
      for (let p = d; p !== path.dirname(c.dir); p = path.dirname(p)) fs.chmodSync(p, 0o755);
      const s = spawnSync(process.execPath, args, { uid: 65534, gid: 65534, timeout: CEILING.timeoutMs, encoding: "utf8", cwd: "/" });
      r = { code: s.status, stdout: s.stdout, stderr: s.stderr };
    } else {
      const b = await runTool("target-query", args.slice(1), { timeoutMs: CEILING.timeoutMs });
      r = { code: b.code, stdout: b.stdout.toString(), stderr: b.stderr };
    }
    fs.chmodSync(path.join(d, "locked"), 0o755);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${path.join(d, "locked")}: cannot read: EACCES`);
    expect(r.stderr).toContain(`${path.join(d, "secret.tar")}: cannot read: EACCES`);
    expect(r.stderr).toMatch(/summary: 3 targets: 1 opened, 2 could not be opened/);
    expect(userNames(Buffer.from(r.stdout))).toEqual(B.users);
  });
});
