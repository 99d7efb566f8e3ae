// Class: batch outputs that cannot be written, or are not regular files. `--report FILE` is written as
// FILE.partial and renamed over FILE only when FILE is a regular file (or new); a device, a FIFO or a symlink is
// written in place and never replaced. A full disk under `--output-dir`, the temp folder or the report ends the
// run with one message and a non-zero exit, no stack trace, and nothing left behind (no `.partial`, no lock, no
// spool). Before: `--report` on a device node replaced it with a regular file and exited 0 (root); a full
// output folder died with an uncaught ENOSPC stack trace (--jobs 1) leaving `.partial` and the lock, or
// reported every target "worker failed: ENOSPC" and exited 3 (--jobs 2).
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostileFleet, isRoot, leftovers, listTree, type HostileFleet } from "./batch-fleet.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const ENOSPC = "no space left on device (ENOSPC)";

/** A character device like /dev/full (writes fail with ENOSPC): a private node as root, never /dev/full itself. */
function fullDevice(f: HostileFleet): string | null {
  if (!isRoot) return fs.existsSync("/dev/full") ? "/dev/full" : null;
  const node = path.join(f.dir, "full");
  try {
    execFileSync("mknod", [node, "c", "1", "7"]);
    return node;
  } catch {
    return null;
  }
}

/** A small tmpfs at dir (root only); null when this machine does not allow mounts. */
function smallDisk(dir: string, size: string, options = ""): (() => void) | null {
  if (!isRoot) return null;
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}${options ? "," + options : ""}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return null;
  }
  return () => execFileSync("umount", [dir]);
}

/** Hosts whose `users` output (~170 KB of JSON lines each) does not fit a 256 KiB disk twice. */
function bigHosts(f: HostileFleet, n: number): string {
  const fleet = path.join(f.dir, "big");
  for (let h = 0; h < n; h++) {
    const root = path.join(fleet, `h${h}`);
    fs.mkdirSync(path.join(root, "etc"), { recursive: true });
    fs.mkdirSync(path.join(root, "var", "log"), { recursive: true });
    fs.writeFileSync(path.join(root, "etc", "hostname"), `h${h}\n`);
    let pw = "root:x:0:0:root:/root:/bin/bash\n";
    for (let i = 0; i < 3000; i++) pw += `u${i}:x:${1000 + i}:${1000 + i}:user ${i}:/home/u${i}:/bin/sh\n`;
    fs.writeFileSync(path.join(root, "etc", "passwd"), pw);
  }
  return fleet;
}

function oneClearMessage(r: BoundedRun, text: string): void {
  expect(r.stderr, describeRun(r)).toContain(text);
  expect(r.stderr.split("\n").filter((l) => l.includes(text))).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |node:internal|Error: ENOSPC/);
}

describe("--report to what is not a regular file", () => {
  it("a device that is full: one message, exit 1, the device is still a device", async () => {
    const f = hostileFleet({ a: "ok" });
    const dev = fullDevice(f);
    if (!dev) return;
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", dev], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(1);
    oneClearMessage(r, `--report: cannot write ${dev}: ${ENOSPC}`);
    expect(fs.lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(fs.existsSync(dev + ".partial")).toBe(false);
    expect(listTree(f.tmp)).toEqual([]);
  });

  it("a FIFO with a reader: the reader gets the report, the FIFO stays a FIFO", async () => {
    const f = hostileFleet({ a: "ok" });
    const fifo = path.join(f.dir, "report.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    let got = "";
    reader.stdout.on("data", (c: Buffer) => (got += c.toString()));
    const closed = new Promise<void>((resolve) => reader.on("close", () => resolve()));
    try {
      const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", fifo], { timeoutMs: 30_000, env: f.env });
      expect(r.code, describeRun(r)).toBe(0);
      await closed;
    } finally {
      reader.kill();
    }
    expect(JSON.parse(got)).toMatchObject({ tool: "target-query", exitCode: 0, totals: { targets: 1, records: 10 } });
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
    expect(listTree(f.dir).filter((p) => p.startsWith("report"))).toEqual(["report.fifo"]);
    expect(listTree(f.tmp)).toEqual([]); // a run that succeeds leaves nothing either
  });

  it("a symlink: written through, the link stays a link (to a file, or to a full device: one message)", async () => {
    const f = hostileFleet({ a: "ok" });
    const real = path.join(f.dir, "real.json");
    fs.writeFileSync(real, "old");
    const link = path.join(f.dir, "report.json");
    fs.symlinkSync("real.json", link);
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", link], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(real, "utf8"))).toMatchObject({ exitCode: 0 });
    expect(leftovers(f.dir)).toEqual([]);
    expect(listTree(f.tmp)).toEqual([]);

    const dev = fullDevice(f);
    if (!dev) return;
    const devLink = path.join(f.dir, "to-full");
    fs.symlinkSync(dev, devLink);
    const r2 = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", devLink], { timeoutMs: 30_000, env: f.env });
    expect(r2.code, describeRun(r2)).toBe(1);
    oneClearMessage(r2, `--report: cannot write ${devLink}: ${ENOSPC}`);
    expect(fs.lstatSync(devLink).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(dev).isCharacterDevice()).toBe(true);
  });

  it("a directory, or a folder that cannot be written: a usage error before any work", async () => {
    const f = hostileFleet({ a: "ok" });
    const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", f.dir], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain(`--report: ${f.dir} is a directory`);
    expect(r.stdout.length).toBe(0);

    const ro = path.join(f.dir, "ro");
    const unmount = smallDisk(ro, "64k", "ro");
    if (!unmount && isRoot) return; // root ignores permissions, and this machine allows no read-only mount
    if (!unmount) {
      fs.mkdirSync(ro);
      fs.chmodSync(ro, 0o555);
    }
    try {
      const r2 = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", path.join(ro, "r.json")], { timeoutMs: 30_000, env: f.env });
      expect(r2.code, describeRun(r2)).toBe(2);
      expect(r2.stderr).toMatch(/--report: cannot write .*ro\/r\.json: (read-only file system \(EROFS\)|permission denied \(EACCES\))/);
    } finally {
      unmount?.();
    }
  });

  it("a full disk where the report goes: one message, exit 1, the earlier report untouched, no FILE.partial", async () => {
    const f = hostileFleet({ a: "ok" });
    const disk = path.join(f.dir, "disk");
    const unmount = smallDisk(disk, "64k");
    if (!unmount) return;
    try {
      const report = path.join(disk, "r.json");
      fs.writeFileSync(report, "earlier");
      try {
        fs.writeFileSync(path.join(disk, "filler"), Buffer.alloc(1 << 20));
      } catch {
        /* filled up */
      }
      const r = await runTool("target-query", [f.fleet, ...f.args, "-j", "--report", report], { timeoutMs: 30_000, env: f.env });
      expect(r.code, describeRun(r)).toBe(1);
      oneClearMessage(r, `--report: cannot write ${report}: ${ENOSPC}`);
      expect(fs.readFileSync(report, "utf8")).toBe("earlier");
      expect(listTree(disk)).toEqual(["filler", "r.json"]);
    } finally {
      unmount();
    }
  });
});

describe("a full disk under the batch's own files", () => {
  it("--output-dir: one message, exit 1, no .partial, no lock; after freeing space --resume completes it", async () => {
    const f = hostileFleet({});
    const fleet = bigHosts(f, 4);
    const out = path.join(f.dir, "out");
    const unmount = smallDisk(out, "256k");
    if (!unmount) return;
    try {
      for (const jobs of ["1", "2"]) {
        const r = await runTool("target-query", [fleet, "-f", "users", "--jobs", jobs, "--output-dir", out, "--resume", "--generated", "2024-01-01T00:00:00Z"], {
          timeoutMs: 30_000,
          env: f.env,
        });
        expect(r.code, describeRun(r)).toBe(1);
        oneClearMessage(r, ENOSPC);
        expect(r.stderr).toMatch(/the run stopped after \d of 4 targets; run it again with --resume to go on/);
        expect(leftovers(out)).toEqual([]);
        expect(listTree(f.tmp)).toEqual([]);
      }
      execFileSync("mount", ["-o", "remount,size=16m", out]);
      const r = await runTool("target-query", [fleet, "-f", "users", "--jobs", "2", "--output-dir", out, "--resume", "--generated", "2024-01-01T00:00:00Z"], {
        timeoutMs: 30_000,
        env: f.env,
      });
      expect(r.code, describeRun(r)).toBe(0);
      expect(listTree(out).filter((p) => p.endsWith("users.jsonl"))).toHaveLength(4);
      expect(leftovers(out)).toEqual([]);
    } finally {
      unmount();
    }
  });

  it("the temp folder (spools): one message, exit 1, the temp folder empty", async () => {
    const f = hostileFleet({});
    const fleet = bigHosts(f, 4);
    const tmp = path.join(f.dir, "smalltmp");
    const unmount = smallDisk(tmp, "128k");
    if (!unmount) return;
    try {
      const r = await runTool("target-query", [fleet, "-f", "users", "-j", "--jobs", "2"], { timeoutMs: 30_000, env: { QUARRY_TMPDIR: tmp } });
      expect(r.code, describeRun(r)).toBe(1);
      oneClearMessage(r, `cannot write a spool file in the temp folder (QUARRY_TMPDIR): ${ENOSPC}`);
      expect(listTree(tmp)).toEqual([]);
    } finally {
      unmount();
    }
  });

  it("the run's own output failing in the parent (-w to a full device, --jobs 2) leaves nothing behind", async () => {
    const f = hostileFleet({ a: "ok", b: "ok", c: "ok" });
    const dev = fullDevice(f);
    if (!dev) return;
    const report = path.join(f.dir, "r.json");
    const r = await runTool("target-query", [f.fleet, ...f.args, "--jobs", "2", "-w", dev, "--report", report], { timeoutMs: 30_000, env: f.env });
    expect(r.code, describeRun(r)).not.toBe(0);
    expect(fs.lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(listTree(f.tmp)).toEqual([]);
    expect(leftovers(f.dir)).toEqual([]);
  });
});
