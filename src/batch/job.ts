// One target of a batch, start to end: open it, run the functions, and hand its records to the run's sink (or,
// with --output-dir, to one file per function). Every failure stays inside the target's report. The same code
// runs in the parent (--jobs 1) and in worker threads.
import type { FunctionGroup, Registry } from "../plugin/registry.js";
import { runOnTarget, type FunctionOutcome } from "../plugin/runner.js";
import type { AnyRecord } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import type { Timestamp } from "../records/timestamp.js";
import { Target } from "../target.js";
import type { Logger } from "../util/log.js";
import { FunctionFile, type OutputDirConfig } from "./outdir.js";
import { toFunctionReport, type FunctionReport, type TargetReport } from "./report.js";

export interface JobSpec {
  index: number;
  path: string;
  id: string;
  /** Functions finished by an earlier run (--resume): reported as such, not run again. */
  done?: Record<string, FunctionReport>;
}

export interface JobEnv {
  registry: Registry;
  groups: readonly FunctionGroup[];
  loader?: string;
  /** --max-inflate (bytes), for Target.open. */
  maxInflate?: number;
  /** --direct: the loose host files and directories that make the one target (loaders/direct.ts). */
  direct?: readonly string[];
  fnArgs: Record<string, unknown>;
  limit?: number;
  generated?: Timestamp;
  log: Logger;
  /** Issues kept per function in the report (the rest are counted in the log). */
  maxIssues: number;
  /** Where records go: one sink for the run, or per-host files. */
  output: { kind: "sink"; sink: RecordSink } | { kind: "dir"; cfg: OutputDirConfig };
  /** Records written so far (progress), called every so often. */
  onRecords?(n: number): void;
  /** The target is open (before any function runs). */
  onOpened?(info: OpenedInfo): void;
  /** A function is about to run (its compatibility check first): what to blame if the target runs out of time. */
  onFunctionStart?(name: string): void;
  /** Put the records written so far where the parent reads them (the spool), before a function counts as done. */
  flush?(): void;
  /** A (target, function) pair has finished and its output is in place (the state journal). */
  onFunctionDone?(job: JobSpec, fn: FunctionReport): void;
}

/** Counts records for the progress line on their way to the real sink. */
class CountingSink implements RecordSink {
  private pending = 0;
  private last = Date.now();
  constructor(
    private inner: RecordSink,
    private readonly onRecords?: (n: number) => void,
  ) {}
  set target(s: RecordSink) {
    this.inner = s;
  }
  write(rec: AnyRecord): void | Promise<void> {
    if (this.onRecords && ++this.pending >= 1000) this.flushCount();
    return this.inner.write(rec);
  }
  flushCount(force = false): void {
    const now = Date.now();
    if (this.pending && this.onRecords && (force || this.pending >= 1000 || now - this.last > 200)) {
      this.onRecords(this.pending);
      this.pending = 0;
      this.last = now;
    }
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A target's report before anything is known of it. */
export function blankReport(job: JobSpec): TargetReport {
  return {
    index: job.index,
    path: job.path,
    id: job.id,
    status: "ok",
    loader: null,
    hostname: null,
    domain: null,
    os: null,
    version: null,
    warnings: [],
    functions: [],
    records: 0,
    durationMs: 0,
  };
}

/** What is known of a target once it is open (the parent keeps it, in case the worker dies afterwards). */
export type OpenedInfo = Pick<TargetReport, "loader" | "hostname" | "domain" | "os" | "version" | "warnings" | "unreadable">;

/**
 * Run one target. Every failure of the evidence or a plugin stays in the report; only a failure of the output
 * itself (the sink, a per-host file: a SinkFailure or BatchWriteError) is thrown, as it ends the run.
 */
export async function runTargetJob(job: JobSpec, env: JobEnv): Promise<TargetReport> {
  const started = performance.now();
  const report = blankReport(job);
  const finish = (): TargetReport => {
    report.records = report.functions.reduce((n, f) => n + f.records, 0);
    report.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    return report;
  };
  // Everything finished earlier: no need to open the target at all.
  if (job.done && env.groups.every((g) => job.done![g.name])) {
    report.functions = env.groups.map((g) => ({ ...job.done![g.name]!, resumed: true }));
    return finish();
  }
  let target: Target;
  try {
    const direct = env.direct ? { paths: env.direct, globs: env.groups.flatMap((g) => g.candidates.flatMap((c) => c.plugin.paths ?? [])) } : undefined;
    target = await Target.open(job.path, { loader: env.loader, maxInflate: env.maxInflate, osPlugins: env.registry.osPlugins, direct });
  } catch (e) {
    report.status = "error";
    report.error = (e as Error).message;
    env.log.error(report.error.startsWith(job.path) ? report.error : `${job.path}: ${report.error}`);
    return finish();
  }
  Object.assign(report, { loader: target.loader, hostname: target.hostname, domain: target.domain, os: target.os, version: target.version });
  report.warnings = [...target.warnings]; // capped per kind by the loader (src/util/warnings.ts)
  for (const w of report.warnings) env.log.warn(`${job.path}: ${w}`);
  if (target.unreadable.length) report.unreadable = [...target.unreadable];
  for (const u of target.unreadable) env.log.error(`${job.path}: not read: ${u}`);
  env.onOpened?.({ loader: report.loader, hostname: report.hostname, domain: report.domain, os: report.os, version: report.version, warnings: report.warnings, unreadable: report.unreadable });
  const base = { args: env.fnArgs, generated: env.generated, log: env.log, maxIssues: env.maxIssues, onStart: env.onFunctionStart };
  try {
    if (env.output.kind === "sink") {
      const counting = new CountingSink(env.output.sink, env.onRecords);
      await runOnTarget(target, env.groups, env.registry, counting, {
        ...base,
        limit: env.limit,
        onOutcome: (o) => {
          counting.flushCount(true);
          env.flush?.();
          const fr = toFunctionReport(o);
          report.functions.push(fr);
          env.onFunctionDone?.(job, fr);
        },
      });
    } else {
      let remaining = env.limit ?? Infinity;
      for (const group of env.groups) {
        const earlier = job.done?.[group.name];
        if (earlier) {
          report.functions.push({ ...earlier, resumed: true });
          remaining -= earlier.records; // --limit counts per target, across runs too
          continue;
        }
        const file = new FunctionFile(env.output.cfg, job.id, group.name);
        const counting = new CountingSink(file, env.onRecords);
        let outcome: FunctionOutcome;
        let rel: string | null;
        try {
          if (remaining <= 0) {
            env.onFunctionStart?.(group.name);
            outcome = { name: group.name, path: null, status: "ok", records: 0, warnings: [], errors: [], durationMs: 0 };
          } else {
            [outcome] = (await runOnTarget(target, [group], env.registry, counting, { ...base, limit: remaining })) as [FunctionOutcome];
            remaining -= outcome.records;
          }
          counting.flushCount(true);
          rel = await file.commit();
        } catch (e) {
          file.discard();
          throw e;
        }
        const fr = toFunctionReport(outcome, rel ? { output: rel } : {});
        report.functions.push(fr);
        env.onFunctionDone?.(job, fr);
      }
    }
  } finally {
    target.close();
  }
  return finish();
}
