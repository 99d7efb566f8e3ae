// The hostile suite's one way to run a CLI tool: a child process with a wall-clock ceiling, its peak RSS
// (reported by the child at exit, else the last VmHWM polled from /proc), and optionally a signal sent to it
// after a delay. These are resource *bounds* with generous ceilings, not speed tests.
import { spawn } from "node:child_process";
import type { Stream } from "node:stream";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PRELOAD = path.join(ROOT, "test/hostile/rusage-preload.mjs");

export type Tool = "target-query" | "target-info" | "target-fs" | "rdump";

export interface BoundedOptions {
  /** Kill the child (SIGKILL) after this long; the result says timedOut. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string | Uint8Array;
  /** Send this signal once, `afterMs` after the start (or once `whenStderr` has appeared on stderr). */
  signal?: { name: NodeJS.Signals; afterMs: number; whenStderr?: RegExp };
  /** Extra node flags (e.g. --max-old-space-size=256). */
  nodeArgs?: string[];
  /**
   * The child's stdout, instead of the pipe the harness reads: an fd (e.g. opened on /dev/full) or a stream with
   * one (another child's stdin: a reader that goes away). The result's stdout is empty then.
   */
  stdout?: number | Stream;
  /**
   * A command that starts node with the rest of the arguments (it must exec them), e.g. a shell that sets a
   * resource limit first: ["sh", "-c", 'ulimit -f 64; exec "$@"', "sh"].
   */
  launcher?: string[];
}

export interface BoundedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  wallMs: number;
  /** Peak resident set size of the whole process, MiB (null when it could not be measured). */
  peakRssMb: number | null;
  timedOut: boolean;
  /** Milliseconds from the signal being sent to the process ending (when `signal` was given). */
  afterSignalMs: number | null;
}

function pollHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Run one of the compiled CLI tools (dist/, built by the test setup). */
export function runTool(tool: Tool, args: readonly string[], opts: BoundedOptions): Promise<BoundedRun> {
  return runNode([path.join(ROOT, `dist/src/cli/bin/${tool}.js`), ...args], opts);
}

/** Run node with a script and arguments, bounded and measured. */
export function runNode(args: readonly string[], opts: BoundedOptions): Promise<BoundedRun> {
  const rusage = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "quarry-rusage-")), "rusage.json");
  const t0 = performance.now();
  const argv = [process.execPath, ...(opts.nodeArgs ?? []), "--import", PRELOAD, ...args];
  const [cmd, ...rest] = opts.launcher ? [...opts.launcher, ...argv] : argv;
  const child = spawn(cmd!, rest, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env, QUARRY_TEST_RUSAGE: rusage },
    stdio: ["pipe", opts.stdout ?? "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  let err = "";
  let hwm: number | null = null;
  let timedOut = false;
  let signalledAt: number | null = null;
  const sendSignal = (): void => {
    if (signalledAt !== null || !opts.signal) return;
    signalledAt = performance.now();
    child.kill(opts.signal.name);
  };
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stderr!.on("data", (c: Buffer) => {
    err += c.toString("utf8");
    if (opts.signal?.whenStderr?.test(err)) sendSignal();
  });
  child.stdin!.on("error", () => {});
  child.stdin!.end(opts.stdin ?? "");
  const poll = setInterval(() => {
    const h = child.pid ? pollHwmKb(child.pid) : null;
    if (h !== null) hwm = Math.max(hwm ?? 0, h);
  }, 25);
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs);
  const signalTimer = opts.signal && !opts.signal.whenStderr ? setTimeout(sendSignal, opts.signal.afterMs) : null;
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const end = performance.now();
      clearInterval(poll);
      clearTimeout(killer);
      if (signalTimer) clearTimeout(signalTimer);
      let peakKb = hwm;
      try {
        const r = JSON.parse(fs.readFileSync(rusage, "utf8")) as { maxRssKb: number };
        peakKb = Math.max(peakKb ?? 0, r.maxRssKb);
      } catch {
        /* died before its exit hook: keep the polled figure */
      }
      fs.rmSync(path.dirname(rusage), { recursive: true, force: true });
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: err,
        wallMs: end - t0,
        peakRssMb: peakKb === null ? null : peakKb / 1024,
        timedOut,
        afterSignalMs: signalledAt === null ? null : end - signalledAt,
      });
    });
  });
}

/** A one-line description of a run, for assertion messages. */
export function describeRun(r: BoundedRun): string {
  const rss = r.peakRssMb === null ? "?" : r.peakRssMb.toFixed(0);
  return `exit ${r.code ?? r.signal}${r.timedOut ? " (timed out)" : ""}, ${r.wallMs.toFixed(0)} ms, peak RSS ${rss} MiB; stderr: ${r.stderr.slice(0, 2000)}`;
}
