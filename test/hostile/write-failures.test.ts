// Hostile class: destinations that fail. stdout on /dev/full, -w /dev/full, a file on a full disk (a file size
// limit: EFBIG), a reader that goes away (| head -1, stdout and stderr alike), a FIFO, an unwritable path.
// Every write error is one line naming the destination and the error, exit 1, no stack trace, and a file the
// run created is removed; a closed pipe ends quietly with exit 0; a device or FIFO stays what it was.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../helpers/prng.js";
import { describeRun, ROOT, runTool, type BoundedOptions, type BoundedRun, type Tool } from "./harness.js";

const CEILING = { timeoutMs: 30_000, rssMb: 600 };
let dir: string;
let host: string;
let fleet: string;
let recFile: string;
const env = (): NodeJS.ProcessEnv => ({ QUARRY_TMPDIR: path.join(dir, "qtmp") });

/** A host whose shell history gives a few MB of records in every format (far more than a pipe holds). */
function makeHost(at: string, name: string, lines: number): string {
  const root = path.join(at, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var", "log"), { recursive: true });
  fs.mkdirSync(path.join(root, "root"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc", "hostname"), name + "\n");
  fs.writeFileSync(path.join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  // Seeded noise: it must not compress below the file size limit either (the .gz case).
  const rnd = prng(lines);
  let h = "";
  for (let i = 0; i < lines; i++) h += `echo ${name} line ${i} ${Math.floor(rnd() * 2 ** 52).toString(36)}${Math.floor(rnd() * 2 ** 52).toString(36)}\n`;
  fs.writeFileSync(path.join(root, "root", ".bash_history"), h);
  return root;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-write-"));
  fs.mkdirSync(path.join(dir, "qtmp"));
  host = makeHost(dir, "host", 5000);
  fleet = path.join(dir, "fleet");
  for (const n of ["a", "b", "c"]) makeHost(fleet, n, 3000);
  recFile = path.join(dir, "host.rec");
  const r = await runTool("target-query", ["-f", "commandhistory", "-w", recFile, host], { timeoutMs: CEILING.timeoutMs, env: env() });
  expect(r.code, describeRun(r)).toBe(0);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Case {
  tool: Tool;
  args: string[];
}

function run(c: Case, opts: Partial<BoundedOptions> = {}): Promise<BoundedRun> {
  return runTool(c.tool, c.args, { timeoutMs: CEILING.timeoutMs, env: env(), ...opts });
}

function withinBounds(r: BoundedRun): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(CEILING.timeoutMs);
  if (r.peakRssMb !== null) expect(r.peakRssMb, describeRun(r)).toBeLessThan(CEILING.rssMb);
}

/** No stack trace, no uncaught-exception banner, no raw error object. */
function noCrash(r: BoundedRun): void {
  expect(r.stderr, describeRun(r)).not.toMatch(/^\s+at |node:internal|node:events|Uncaught|errno:|triggerUncaughtException/m);
}

const STDOUT_CASES: Case[] = [
  { tool: "target-query", args: ["-f", "commandhistory", "-s", "HOST"] },
  { tool: "target-query", args: ["-f", "commandhistory", "-j", "HOST"] },
  { tool: "target-query", args: ["-f", "commandhistory", "HOST"] }, // the binary stream (stdout is no terminal)
  { tool: "target-query", args: ["-f", "commandhistory", "-j", "--jobs", "2", "FLEET"] },
  { tool: "target-query", args: ["-f", "commandhistory", "--jobs", "2", "FLEET"] },
  { tool: "rdump", args: ["REC"] },
  { tool: "rdump", args: ["REC", "-w", "-"] },
  { tool: "target-fs", args: ["HOST", "cat", "/root/.bash_history"] },
  { tool: "target-fs", args: ["HOST", "tar", "/"] },
  { tool: "target-fs", args: ["HOST", "walk", "/"] },
];

const fill = (c: Case): Case => ({ tool: c.tool, args: c.args.map((a) => (a === "HOST" ? host : a === "FLEET" ? fleet : a === "REC" ? recFile : a)) });

/** Run cases a few at a time (the machine is shared). */
async function inBatches<T, R>(items: readonly T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(f))));
  return out;
}

describe("hostile: write failures", () => {
  it("stdout on /dev/full: one line naming standard output and ENOSPC, exit 1, no stack trace", async () => {
    const cases = [...STDOUT_CASES.map(fill), { tool: "target-info" as Tool, args: [host] }, { tool: "target-query" as Tool, args: ["-l"] }];
    const runs = await inBatches(cases, 4, (c) => {
      const fd = fs.openSync("/dev/full", "w");
      return run(c, { stdout: fd }).finally(() => fs.closeSync(fd));
    });
    runs.forEach((r, i) => {
      const c = cases[i]!;
      const what = `${c.tool} ${c.args.join(" ")}: ${describeRun(r)}`;
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toMatch(new RegExp(`^${c.tool}: error: cannot write to standard output: no space left on device \\(ENOSPC\\)$`, "m"));
      expect(r.stderr.match(/ENOSPC/g)?.length, what).toBe(1);
      noCrash(r);
      withinBounds(r);
    });
  });

  it("-w /dev/full: the device is written in place (never replaced), one message, exit 1", async () => {
    const cases: Case[] = [
      { tool: "target-query", args: ["-f", "commandhistory", "-w", "/dev/full", host] },
      { tool: "target-query", args: ["-f", "commandhistory", "-j", "-w", "/dev/full", host] },
      { tool: "rdump", args: [recFile, "-w", "/dev/full"] },
    ];
    const runs = await Promise.all(cases.map((c) => run(c)));
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr, describeRun(r)).toMatch(/^(target-query|rdump): error: cannot write to \/dev\/full: no space left on device \(ENOSPC\)$/m);
      noCrash(r);
      withinBounds(r);
    }
    expect(fs.statSync("/dev/full").isCharacterDevice()).toBe(true);
  });

  it("a file on a full disk (a file size limit): EFBIG named, the file the run created removed, exit 1", async () => {
    // RLIMIT_FSIZE stands in for a full file system (no mount needed): with SIGXFSZ ignored, the write past
    // 32 KiB fails with EFBIG, as one past the free space fails with ENOSPC.
    const launcher = ["sh", "-c", 'trap "" XFSZ; ulimit -f 64; exec "$@"', "sh"];
    const out = path.join(dir, "full");
    fs.mkdirSync(out);
    const existing = path.join(out, "existing.jsonl");
    fs.writeFileSync(existing, "old contents\n");
    const cases: [Case, string, RegExp][] = [
      [{ tool: "target-query", args: ["-f", "commandhistory", "-w", path.join(out, "a.rec"), host] }, path.join(out, "a.rec"), /the incomplete file was removed$/m],
      [{ tool: "target-query", args: ["-f", "commandhistory", "-w", path.join(out, "b.jsonl.gz"), host] }, path.join(out, "b.jsonl.gz"), /the incomplete file was removed$/m],
      [{ tool: "rdump", args: [recFile, "-w", path.join(out, "c.jsonl")] }, path.join(out, "c.jsonl"), /the incomplete file was removed$/m],
      [{ tool: "target-query", args: ["-f", "commandhistory", "-w", existing, host] }, existing, /is incomplete$/m],
    ];
    const runs = await Promise.all(cases.map(([c]) => run(c, { launcher })));
    runs.forEach((r, i) => {
      const [c, file, note] = cases[i]!;
      const what = `${c.tool} ${c.args.join(" ")}: ${describeRun(r)}`;
      expect(r.code, what).toBe(1);
      expect(r.stderr, what).toMatch(new RegExp(`^${c.tool}: error: cannot write to ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: file too large \\(EFBIG\\)`, "m"));
      expect(r.stderr, what).toMatch(note);
      noCrash(r);
      withinBounds(r);
      // Created by the run: gone. There before: left (the analyst's file), and the message says it is incomplete.
      expect(fs.existsSync(file), what).toBe(file === existing);
    });
  });

  it("a reader that goes away (| head -1) ends every tool quietly with exit 0", async () => {
    const cases = STDOUT_CASES.map(fill);
    const runs = await inBatches(cases, 4, async (c) => {
      const head = spawn("head", ["-n", "1"], { stdio: ["pipe", "ignore", "ignore"] });
      head.stdin.on("error", () => {});
      try {
        return await run(c, { stdout: head.stdin });
      } finally {
        head.kill();
      }
    });
    runs.forEach((r, i) => {
      const c = cases[i]!;
      const what = `${c.tool} ${c.args.join(" ")}: ${describeRun(r)}`;
      expect(r.code, what).toBe(0);
      expect(r.stderr, what).not.toMatch(/error|EPIPE|closed/i);
      noCrash(r);
      withinBounds(r);
    });
  });

  it("stdout and stderr both into a reader that goes away (2>&1 | head -1): exit 0", async () => {
    const tools: Case[] = [
      { tool: "target-query", args: ["-f", "commandhistory", "-s", host] },
      { tool: "rdump", args: [recFile, "-L"] },
    ];
    const codes = await Promise.all(
      tools.map(
        (c) =>
          new Promise<number | null>((resolve) => {
            const head = spawn("head", ["-n", "1"], { stdio: ["pipe", "ignore", "ignore"] });
            head.stdin.on("error", () => {});
            const child = spawn(process.execPath, [path.join(ROOT, `dist/src/cli/bin/${c.tool}.js`), ...c.args], {
              stdio: ["ignore", head.stdin, head.stdin],
              env: { ...process.env, ...env() },
            });
            const killer = setTimeout(() => child.kill("SIGKILL"), CEILING.timeoutMs);
            child.on("close", (code) => {
              clearTimeout(killer);
              head.kill();
              resolve(code);
            });
          }),
      ),
    );
    expect(codes).toEqual([0, 0]);
  });

  it("-w a FIFO: written in place (still a FIFO), a reader reading all gets every byte, one that leaves ends it quietly", async () => {
    const fifo = path.join(dir, "out.jsonl");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const gen = ["--generated", "2024-01-01T00:00:00Z"];
    const args = ["-f", "commandhistory", "-w", fifo, ...gen, host];

    // A reader that reads everything: the bytes equal those of -w to a regular file.
    const copy = path.join(dir, "fifo-copy.jsonl");
    const plain = path.join(dir, "plain.jsonl");
    const cat = spawn("sh", ["-c", 'exec cat "$1" > "$2"', "sh", fifo, copy], { stdio: "ignore" });
    const catDone = new Promise((res) => cat.on("close", res));
    const [viaFifo, ref] = await Promise.all([
      run({ tool: "target-query", args }),
      run({ tool: "target-query", args: ["-f", "commandhistory", "-w", plain, ...gen, host] }),
    ]);
    await catDone;
    expect(viaFifo.code, describeRun(viaFifo)).toBe(0);
    expect(ref.code, describeRun(ref)).toBe(0);
    expect(fs.readFileSync(copy).equals(fs.readFileSync(plain))).toBe(true);

    // A reader that takes one line and leaves.
    const head = spawn("sh", ["-c", 'exec head -n 1 "$1" > /dev/null', "sh", fifo], { stdio: "ignore" });
    const headDone = new Promise((res) => head.on("close", res));
    const r = await run({ tool: "target-query", args });
    await headDone;
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr, describeRun(r)).not.toMatch(/error|EPIPE/i);
    noCrash(r);
    withinBounds(r);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a destination that cannot be opened: a usage error naming it (exit 2) before any work, nothing created", async () => {
    const ro = path.join(dir, "readonly");
    fs.mkdirSync(ro);
    fs.chmodSync(ro, 0o555);
    const asFile = path.join(dir, "plainfile");
    fs.writeFileSync(asFile, "x");
    const cases: [Case, RegExp][] = [
      [{ tool: "target-query", args: ["-f", "commandhistory", "-w", path.join(asFile, "out.rec"), host] }, /cannot write to .*plainfile\/out\.rec: not a directory \(ENOTDIR\)$/m],
      [{ tool: "rdump", args: [recFile, "-w", dir] }, /cannot write to .*: .*\(EISDIR\)$/m],
    ];
    // root writes into a read-only directory anyway: the EACCES case only means something for other users.
    if (process.getuid?.() !== 0) {
      cases.push([{ tool: "target-query", args: ["-f", "commandhistory", "-w", path.join(ro, "out.rec"), host] }, /cannot write to .*readonly\/out\.rec: permission denied \(EACCES\)$/m]);
    }
    const runs = await Promise.all(cases.map(([c]) => run(c)));
    runs.forEach((r, i) => {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr, describeRun(r)).toMatch(cases[i]![1]);
      noCrash(r);
      withinBounds(r);
    });
    fs.chmodSync(ro, 0o755);
    expect(fs.readdirSync(ro)).toEqual([]);
  });
});
