// A batch run: the targets (already expanded and sharded) through a pool of worker threads (pool.ts), or one
// target to stdout in this thread; each target isolated, its records kept together in the output, a report and
// a summary at the end, and nothing left on disk however the run ends.
import fs from "node:fs";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Registry } from "../plugin/registry.js";
import { SinkFailure } from "../plugin/runner.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";
import { Logger, type Level } from "../util/log.js";
import { printableLines } from "../util/escape.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK } from "../cli/common.js";
import { UsageError } from "../plugin/args.js";
import { SignalCleanup } from "./cleanup.js";
import { BatchWriteError, describeIoError } from "./failure.js";
import { defaultWorkerHeapMb } from "./heap.js";
import { runTargetJob, type JobEnv, type JobSpec } from "./job.js";
import { StateJournal, type DirFormat, type OutputDirConfig } from "./outdir.js";
import { WorkerPool, type PoolOutput } from "./pool.js";
import { StatusLine } from "./progress.js";
import type { WorkerSetup } from "./protocol.js";
import { RunTally, type TargetReport } from "./report.js";
import { ReportWriter, type ReportHeader } from "./reportfile.js";
import type { Shard } from "./shard.js";
import type { RenderFormat } from "./render.js";
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
  /** --max-inflate (bytes): passed to Target.open. */
  maxInflate?: number;
  /** --direct: the loose files that make the one target (its TargetSpec names it only). */
  direct?: readonly string[];
  fnArgs: Record<string, unknown>;
  limit?: number;
  generated?: string;
  jobs: number;
  /**
   * Give up on a target after this long: its worker thread is stopped and the target reported as timed out.
   * Needs worker threads (the compiled build), so with a timeout even --jobs 1 runs in a worker.
   */
  timeoutMs?: number;
  /** JS heap ceiling of each worker thread, MiB (default: from the machine's memory and the number of workers). */
  workerHeapMb?: number;
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
  /**
   * Print the summary at the end (not with -q). The CLI prints it itself, after the output is flushed, so that on a
   * terminal it comes after the last record.
   */
  summary: boolean;
  maxIssues?: number;
}

export interface BatchResult {
  exitCode: number;
  tally: RunTally;
  /** The summary lines (printable), written to stderr when `summary` is set; else the caller's to print. */
  summary: string;
}

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

  const jobs: JobSpec[] = opts.targets.flatMap((t, index) => {
    if (t.refused !== undefined) return [];
    const done = journal?.done.get(t.id);
    return done ? [{ index, path: t.path, id: t.id, done: Object.fromEntries(done) }] : [{ index, path: t.path, id: t.id }];
  });
  const onReport = (r: TargetReport): void => {
    tally.add(r);
    report?.add(r);
    status.draw();
  };
  // Folder entries refused by the target list (a link out of the folder, an unreadable entry): failed, never opened.
  opts.targets.forEach((t, index) => {
    if (t.refused === undefined) return;
    log.error(`${t.path}: ${t.refused}`);
    onReport({ index, path: t.path, id: t.id, status: "error", error: t.refused, loader: null, hostname: null, domain: null, os: null, version: null, warnings: [], functions: [], records: 0, durationMs: 0 });
  });
  const onFunctionDone = (job: JobSpec, fn: TargetReport["functions"][number]): void => {
    if (journal && !fn.resumed) journal.record(job.id, job.path, fn);
  };

  // Signal handlers only when something on disk needs removing: the lock and `.partial` files of --output-dir
  // (spools and the report's side file are nameless temp files). See cleanup.ts.
  const cleanup = new SignalCleanup();
  if (journal) {
    cleanup.add(() => journal.close());
    cleanup.install();
  }

  let stopped: Error | null = null; // an output could not be written: the run stopped there
  let pool: WorkerPool | null = null;
  try {
    const wf = workerFile();
    const canWork = opts.builtinRegistry || opts.registryModule !== undefined;
    const jobsN = Math.max(1, Math.min(opts.jobs, jobs.length));
    // Worker threads whenever a target could cost the run more than itself: more than one target (one that runs
    // out of memory must not take the others with it), a report to write whatever happens, a time limit, or files
    // to clean up on a signal (the main thread must stay free to do it). One target to stdout runs right here.
    const wantWorkers = jobsN > 1 || jobs.length > 1 || opts.timeoutMs !== undefined || !!opts.outputDir || !!opts.reportFile;
    if (wantWorkers && !wf) log.debug("worker threads need the compiled build; running targets one at a time in this thread");
    if (wantWorkers && !canWork) log.debug("a custom registry without a module path: running targets one at a time in this thread");
    if (opts.timeoutMs !== undefined && !(wf && canWork)) log.warn("--timeout needs worker threads; it is not enforced in this run");
    if (wantWorkers && wf && canWork && jobs.length > 0) {
      const heapMb = opts.workerHeapMb ?? defaultWorkerHeapMb(jobsN);
      log.debug(`${jobsN} worker thread${jobsN === 1 ? "" : "s"}, JS heap ceiling ${heapMb} MB each`);
      const rawOut = opts.rendered && !dirCfg ? new Output(opts.rendered.stream) : null;
      const output: PoolOutput = dirCfg ? { kind: "dir", root: dirCfg.root } : rawOut ? { kind: "rendered", out: rawOut, seen: new Set() } : { kind: "sink", sink: opts.sink! };
      const setup: WorkerSetup = {
        registryModule: opts.registryModule,
        pluginPaths: opts.pluginPaths,
        functions: opts.functions,
        excluded: opts.excluded,
        loader: opts.loader,
        maxInflate: opts.maxInflate,
        direct: opts.direct,
        fnArgs: opts.fnArgs,
        limit: opts.limit,
        generated: opts.generated,
        level: opts.level,
        maxIssues,
        output: dirCfg ? { kind: "dir", cfg: dirCfg } : { kind: "spool", render: rawOut ? opts.rendered!.format : undefined },
      };
      const p = (pool = new WorkerPool(
        { file: wf, workers: jobsN, heapMb, setup, timeoutMs: opts.timeoutMs, output, functions: groups.map((g) => g.name) },
        { log, print: (l) => status.print(l), onReport, onFunctionDone, onRecords: (n) => (liveRecords += n) },
      ));
      cleanup.setStopper(() => p.stop());
      cleanup.add(() => p.removeRunningPartials());
      try {
        await p.run(jobs);
      } finally {
        await rawOut?.flush();
      }
    } else {
      const env: JobEnv = {
        registry: opts.registry,
        groups,
        loader: opts.loader,
        maxInflate: opts.maxInflate,
        direct: opts.direct,
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
    const err = e instanceof SinkFailure ? e.error : e;
    if (!(err instanceof BatchWriteError)) {
      // The run's own sink failed (stdout: the caller reports it), or a defect: nothing is left behind.
      await pool?.stop();
      report?.discard();
      throw err;
    }
    stopped = err;
  } finally {
    cleanup.uninstall();
    journal?.close();
    status.stop();
  }

  let exitCode = opts.targets.length > 0 && tally.totals.opened === 0 ? EXIT_NO_TARGET : tally.hadErrors ? EXIT_ERRORS : EXIT_OK;
  if (stopped) {
    const resume = opts.outputDir ? "; run it again with --resume to go on" : "";
    log.error(`${stopped.message}; the run stopped after ${tally.done} of ${opts.targets.length} targets${resume}`);
    exitCode = EXIT_ERRORS;
  }
  const durationMs = performance.now() - t0;
  if (report) {
    try {
      await report.finish(tally, { finished: new Date().toISOString(), durationMs, exitCode, ...(stopped ? { error: stopped.message } : {}) });
    } catch (e) {
      log.error(`--report: ${(e as Error).message}`);
      if (exitCode === EXIT_OK) exitCode = EXIT_ERRORS;
    }
  }
  // The summary quotes evidence (paths, errors, warnings): every line made printable (src/util/escape.ts).
  const summary = printableLines(tally.summary(durationMs, opts.reportFile));
  if (opts.summary) opts.stderr.write(summary);
  return { exitCode, tally, summary };
}

function openReport(file: string, header: ReportHeader): ReportWriter {
  try {
    return new ReportWriter(file, header);
  } catch (e) {
    if (e instanceof BatchWriteError) throw new UsageError(`--report: ${e.message}`);
    throw new UsageError(`--report: cannot write ${file}: ${describeIoError(e)}`);
  }
}
