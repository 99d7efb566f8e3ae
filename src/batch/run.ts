// A batch run: the targets (already expanded and sharded) through a pool of workers (or in this thread with
// --jobs 1), each target isolated, its records kept together in the output, a report and a summary at the end.
import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Registry } from "../plugin/registry.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";
import { Logger, type Level } from "../util/log.js";
import { printableLines } from "../util/escape.js";
import { tempRoot } from "../util/tempfile.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK } from "../cli/common.js";
import { UsageError } from "../plugin/args.js";
import { runTargetJob, type JobEnv, type JobSpec } from "./job.js";
import { StateJournal, type DirFormat, type OutputDirConfig } from "./outdir.js";
import { StatusLine } from "./progress.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./protocol.js";
import { ReportWriter, RunTally, type TargetReport } from "./report.js";
import type { Shard } from "./shard.js";
import { drainSpool } from "./spool.js";
import { drainRendered, type RenderFormat } from "./render.js";
import { Output } from "../records/output.js";
import type { SkippedEntry, TargetSpec } from "./targets.js";

export interface BatchOptions {
  targets: readonly TargetSpec[];
  skipped: readonly SkippedEntry[];
  /** -f and -xf patterns (workers resolve them against their own copy of the registry). */
  functions: readonly string[];
  excluded: readonly string[];
  registry: Registry;
  /**
   * Module the worker threads import for the registry (exporting `registry` or `default`). Without it,
   * workers use the built-in plugins, and a run with any other registry stays in this thread.
   */
  registryModule?: string;
  /** Is `registry` the built-in one (workers can load it themselves)? */
  builtinRegistry: boolean;
  /**
   * External plugin paths `registry` was extended with (src/plugin/external.ts): workers load the same on top of
   * their base registry. `builtinRegistry` then says whether that base is the built-in one.
   */
  pluginPaths?: readonly string[];
  loader?: string;
  fnArgs: Record<string, unknown>;
  limit?: number;
  generated?: string;
  jobs: number;
  /**
   * Give up on a target after this long: its worker thread is stopped and the target reported as timed out.
   * Needs worker threads (the compiled build), so with a timeout even --jobs 1 runs in a worker.
   */
  timeoutMs?: number;
  /** The run's sink (records of every target), unless the output goes to per-host files. */
  sink: RecordSink | null;
  /**
   * When the sink is exactly a plain JSON lines or text sink on `stream` (no field selection, nothing written
   * to it yet): worker threads may render the records themselves and the parent copies the text to `stream`,
   * which is what keeps more than two workers busy. The sink still gets closed by the caller.
   */
  rendered?: { format: RenderFormat; stream: Writable };
  outputDir?: { root: string; format: DirFormat; gzip: boolean; resume: boolean };
  shard: Shard | null;
  reportFile?: string;
  argv: readonly string[];
  level: Level;
  stderr: Writable;
  /** Draw the progress line (stderr is a terminal). */
  progress: boolean;
  /** Print the summary at the end (not with -q). */
  summary: boolean;
  maxIssues?: number;
}

export interface BatchResult {
  exitCode: number;
  tally: RunTally;
}

/** What to remove if the run is killed by SIGINT or SIGTERM (temp spools, the report's side file, the lock). */
const signalCleanups: (() => void)[] = [];

/** The compiled worker next to this module; absent when running from TypeScript sources (tests). */
function workerFile(): string | null {
  const f = fileURLToPath(new URL("./worker.js", import.meta.url));
  return fs.existsSync(f) ? f : null;
}

export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const tally = new RunTally(opts.targets.length, opts.skipped);
  const status = new StatusLine(opts.stderr, opts.progress, () => ({
    done: tally.done,
    total: opts.targets.length,
    records: liveRecords,
    errors: tally.totals.failed + tally.totals.functionErrors,
  }));
  let liveRecords = 0;
  const log = new Logger((line) => status.print(line), opts.level);
  for (const s of opts.skipped) log.warn(`skipped ${s.path}: ${s.reason}`);

  const maxIssues = opts.maxIssues ?? 100;
  const dirCfg: OutputDirConfig | null = opts.outputDir ? { root: opts.outputDir.root, format: opts.outputDir.format, gzip: opts.outputDir.gzip } : null;
  const groups = opts.registry.resolve(opts.functions, opts.excluded).groups;
  const report = opts.reportFile
    ? openReport(opts.reportFile, {
        tool: "target-query",
        argv: opts.argv,
        started: startedAt.toISOString(),
        functions: groups.map((g) => g.name),
        jobs: opts.jobs,
        shard: opts.shard,
        outputDir: opts.outputDir?.root ?? null,
        ...(opts.pluginPaths?.length ? { plugins: { paths: opts.pluginPaths, failures: opts.registry.external?.failures ?? [] } } : {}),
      })
    : null;
  let journal: StateJournal | null = null;
  if (opts.outputDir && dirCfg) {
    journal = new StateJournal(opts.outputDir.root, opts.shard);
    try {
      journal.open(
        { functions: groups.map((g) => g.name), format: dirCfg.format, gzip: dirCfg.gzip, limit: opts.limit ?? null, args: opts.fnArgs },
        opts.outputDir.resume,
      );
    } catch (e) {
      report?.discard();
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--output-dir: cannot use ${opts.outputDir.root}: ${(e as Error).message}`);
    }
  }

  const jobs: JobSpec[] = opts.targets.map((t, index) => {
    const done = journal?.done.get(t.id);
    return done ? { index, path: t.path, id: t.id, done: Object.fromEntries(done) } : { index, path: t.path, id: t.id };
  });
  const onReport = (r: TargetReport): void => {
    tally.add(r);
    report?.add(r);
    status.draw();
  };
  const onFunctionDone = (job: JobSpec, fn: TargetReport["functions"][number]): void => {
    if (journal && !fn.resumed) journal.record(job.id, job.path, fn);
  };

  // Ctrl-C or a scheduler's SIGTERM: leave no temp files or lock behind, then die of the signal as usual.
  const onSignal = (sig: NodeJS.Signals): void => {
    for (const c of signalCleanups) {
      try {
        c();
      } catch {
        /* best effort */
      }
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.kill(process.pid, sig);
  };
  signalCleanups.length = 0;
  if (journal) signalCleanups.push(() => journal.close());
  if (report) signalCleanups.push(() => report.discard());
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const wf = workerFile();
    const canWork = opts.builtinRegistry || opts.registryModule !== undefined;
    const jobsN = Math.max(1, Math.min(opts.jobs, jobs.length));
    const wantWorkers = jobsN > 1 || opts.timeoutMs !== undefined;
    if (wantWorkers && !wf) log.debug("worker threads need the compiled build; running targets one at a time in this thread");
    if (wantWorkers && !canWork) log.debug("a custom registry without a module path: running targets one at a time in this thread");
    if (opts.timeoutMs !== undefined && !(wf && canWork)) log.warn("--timeout needs worker threads; it is not enforced in this run");
    if (wantWorkers && wf && canWork && jobs.length > 0) {
      await runPool(wf, jobsN, jobs, opts, { log, print: (l) => status.print(l), dirCfg, maxIssues, onReport, onFunctionDone, onRecords: (n) => (liveRecords += n) });
    } else {
      const env: JobEnv = {
        registry: opts.registry,
        groups,
        loader: opts.loader,
        fnArgs: opts.fnArgs,
        limit: opts.limit,
        generated: opts.generated ? Timestamp.parse(opts.generated) : undefined,
        log,
        maxIssues,
        output: dirCfg ? { kind: "dir", cfg: dirCfg } : { kind: "sink", sink: opts.sink! },
        onRecords: (n) => {
          liveRecords += n;
          status.draw();
        },
        onFunctionDone,
      };
      for (const job of jobs) onReport(await runTargetJob(job, env));
    }
  } catch (e) {
    report?.discard();
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    signalCleanups.length = 0;
    journal?.close();
    status.stop();
  }

  const exitCode = opts.targets.length > 0 && tally.totals.opened === 0 ? EXIT_NO_TARGET : tally.hadErrors ? EXIT_ERRORS : EXIT_OK;
  const durationMs = performance.now() - t0;
  report?.finish(tally, { finished: new Date().toISOString(), durationMs, exitCode });
  // The summary quotes evidence (paths, errors, warnings): every line made printable (src/util/escape.ts).
  if (opts.summary) opts.stderr.write(printableLines(tally.summary(durationMs, opts.reportFile)));
  return { exitCode, tally };
}

function openReport(file: string, header: ConstructorParameters<typeof ReportWriter>[1]): ReportWriter {
  try {
    return new ReportWriter(file, header);
  } catch (e) {
    throw new UsageError(`--report: cannot write ${file}: ${(e as Error).message}`);
  }
}

interface PoolHooks {
  log: Logger;
  /** Write a log line that a worker formatted already. */
  print(line: string): void;
  dirCfg: OutputDirConfig | null;
  maxIssues: number;
  onReport(r: TargetReport): void;
  onFunctionDone(job: JobSpec, fn: TargetReport["functions"][number]): void;
  onRecords(n: number): void;
}

/**
 * Worker threads, one target each at a time. Spools of finished targets go to the sink one after another, in
 * order of completion; a worker gets no new target while too many spools wait, so disk and memory stay bounded.
 */
async function runPool(file: string, n: number, jobs: JobSpec[], opts: BatchOptions, hooks: PoolHooks): Promise<void> {
  const spoolDir = hooks.dirCfg ? null : fs.mkdtempSync(path.join(tempRoot(), "quarry-batch-"));
  if (spoolDir) signalCleanups.push(() => fs.rmSync(spoolDir, { recursive: true, force: true }));
  const setup: WorkerSetup = {
    registryModule: opts.registryModule,
    pluginPaths: opts.pluginPaths,
    functions: opts.functions,
    excluded: opts.excluded,
    loader: opts.loader,
    fnArgs: opts.fnArgs,
    limit: opts.limit,
    generated: opts.generated,
    level: opts.level,
    maxIssues: hooks.maxIssues,
    output: hooks.dirCfg ? { kind: "dir", cfg: hooks.dirCfg } : { kind: "spool", dir: spoolDir!, render: opts.rendered?.format },
  };
  const rawOut = opts.rendered && !hooks.dirCfg ? new Output(opts.rendered.stream) : null;
  const seenDescriptors = new Set<string>();
  const maxWaiting = n * 2;
  let next = 0;
  let running = 0;
  const waiting: string[] = [];
  let draining: Promise<void> | null = null;
  let failure: Error | null = null;

  try {
    await new Promise<void>((resolveAll) => {
      const slots = new Set<Slot>();
      interface Slot {
        worker: Worker;
        job: JobSpec | null;
        timer: NodeJS.Timeout | null;
        timedOut: boolean;
        ready: boolean;
      }
      const finishIfDone = (): void => {
        if ((next >= jobs.length || failure) && running === 0 && !draining && waiting.length === 0) {
          for (const s of [...slots]) {
            slots.delete(s);
            void s.worker.terminate();
          }
          resolveAll();
        }
      };
      const dispatch = (slot: Slot): void => {
        if (failure || next >= jobs.length || waiting.length >= maxWaiting) {
          finishIfDone();
          return;
        }
        const job = jobs[next++]!;
        slot.job = job;
        running++;
        if (opts.timeoutMs !== undefined) {
          slot.timer = setTimeout(() => {
            slot.timedOut = true;
            void slot.worker.terminate();
          }, opts.timeoutMs);
        }
        slot.worker.postMessage({ type: "job", job } satisfies ToWorker);
      };
      const idle = (): void => {
        for (const s of slots) if (!s.job) dispatch(s);
      };
      const drain = (): void => {
        if (draining || waiting.length === 0) return;
        const spool = waiting.shift()!;
        draining = (async () => {
          try {
            if (rawOut) await drainRendered(spool, rawOut, seenDescriptors);
            else await drainSpool(spool, opts.sink!);
          } catch (e) {
            failure ??= e as Error; // the sink itself failed (disk full, …): stop handing out targets
          } finally {
            fs.rmSync(spool, { force: true });
          }
        })().then(() => {
          draining = null;
          drain();
          idle();
          finishIfDone();
        });
      };
      const spawn = (): void => {
        const slot: Slot = { worker: new Worker(file, { workerData: setup }), job: null, timer: null, timedOut: false, ready: false };
        slots.add(slot);
        slot.worker.on("message", (m: FromWorker) => {
          switch (m.type) {
            case "ready":
              slot.ready = true;
              dispatch(slot);
              break;
            case "log":
              hooks.print(m.line);
              break;
            case "records":
              hooks.onRecords(m.n);
              break;
            case "fn-done":
              hooks.onFunctionDone(m.job, m.fn);
              break;
            case "done":
              if (slot.timer) clearTimeout(slot.timer);
              slot.timer = null;
              slot.job = null;
              running--;
              hooks.onReport(m.report);
              if (m.spool) {
                waiting.push(m.spool);
                drain();
              }
              dispatch(slot);
              finishIfDone();
              break;
          }
        });
        const lost = (reason: string): void => {
          if (!slots.delete(slot)) return;
          if (slot.timer) clearTimeout(slot.timer);
          const why = slot.timedOut ? `timed out after ${opts.timeoutMs! / 1000} s` : `worker failed: ${reason}`;
          const job = slot.job;
          if (job) {
            running--;
            hooks.log.error(`${job.path}: ${why}`);
            if (spoolDir) fs.rmSync(path.join(spoolDir, `${job.index}.spool`), { force: true });
            if (hooks.dirCfg) removePartials(path.join(hooks.dirCfg.root, job.id));
            hooks.onReport({
              index: job.index, path: job.path, id: job.id, status: "error", error: why,
              loader: null, hostname: null, domain: null, os: null, version: null, warnings: [], functions: [], records: 0, durationMs: 0,
            });
          }
          // A worker that dies before it is ready (its registry module does not load) would die again: stop.
          if (!slot.ready) failure ??= new Error(`batch worker could not start: ${reason}`);
          if (next < jobs.length && !failure) spawn();
          else finishIfDone();
        };
        slot.worker.on("error", (e) => lost(e.message));
        slot.worker.on("exit", (code) => lost(`exited with code ${code}`));
      };
      for (let i = 0; i < n; i++) spawn();
    });
  } finally {
    if (spoolDir) fs.rmSync(spoolDir, { recursive: true, force: true });
    await rawOut?.flush();
  }
  if (failure) throw failure;
}

function removePartials(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (f.endsWith(".partial")) fs.rmSync(path.join(dir, f), { force: true });
}
