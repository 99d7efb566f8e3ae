// One target of a batch, start to end: open it, run the functions, and hand its records to the run's sink (or,
// with --output-dir, to one file per function). Every failure stays inside the target's report. The same code
// runs in the parent (--jobs 1) and in worker threads.
import type { FunctionGroup, Registry } from "../plugin/registry.js";
import { runOnTarget, type FunctionOutcome } from "../plugin/runner.js";
import type { AnyRecord } from "../records/descriptor.js";
import { OutputError } from "../records/output.js";
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

export async function runTargetJob(job: JobSpec, env: JobEnv): Promise<TargetReport> {
  const started = performance.now();
  const report: TargetReport = {
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
  const finish = (): TargetReport => {
    report.records = report.functions.reduce((n, f) => n + (f.resumed ? 0 : f.records), 0);
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
    target = await Target.open(job.path, { loader: env.loader, osPlugins: env.registry.osPlugins });
  } catch (e) {
    report.status = "error";
    report.error = (e as Error).message;
    env.log.error(report.error.startsWith(job.path) ? report.error : `${job.path}: ${report.error}`);
    return finish();
  }
  Object.assign(report, { loader: target.loader, hostname: target.hostname, domain: target.domain, os: target.os, version: target.version });
  report.warnings = target.warnings.slice(0, env.maxIssues);
  for (const w of report.warnings) env.log.warn(`${job.path}: ${w}`);
  const base = { args: env.fnArgs, generated: env.generated, log: env.log, maxIssues: env.maxIssues };
  try {
    if (env.output.kind === "sink") {
      const counting = new CountingSink(env.output.sink, env.onRecords);
      const outcomes = await runOnTarget(target, env.groups, env.registry, counting, { ...base, limit: env.limit });
      counting.flushCount(true);
      for (const o of outcomes) {
        const fr = toFunctionReport(o);
        report.functions.push(fr);
        env.onFunctionDone?.(job, fr);
      }
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
        if (remaining <= 0) {
          outcome = { name: group.name, path: null, status: "ok", records: 0, warnings: [], errors: [], durationMs: 0 };
        } else {
          try {
            [outcome] = (await runOnTarget(target, [group], env.registry, counting, { ...base, limit: remaining })) as [FunctionOutcome];
          } catch (e) {
            // This function's file failed: commit() below reports it and removes the partial file.
            if (!(e instanceof OutputError)) throw e;
            outcome = { name: group.name, path: null, status: "error", records: 0, warnings: [], errors: [], durationMs: 0 };
          }
          remaining -= outcome.records;
        }
        counting.flushCount(true);
        let rel: string | null;
        try {
          rel = await file.commit();
        } catch (e) {
          file.discard();
          outcome.status = "error";
          outcome.reason = `cannot write output: ${(e as Error).message}`;
          env.log.error(`${job.path}: ${group.name}: ${outcome.reason}`);
          rel = null;
        }
        const fr = toFunctionReport(outcome, rel ? { output: rel } : {});
        report.functions.push(fr);
        env.onFunctionDone?.(job, fr);
      }
    }
  } catch (e) {
    // The run's one sink failed (a full disk, a closed pipe): nothing more can be written for any target.
    if (e instanceof OutputError) throw e;
    // runOnTarget isolates functions; this is the sink or the output failing, which ends this target only.
    report.functions.push({ name: "(output)", path: null, status: "error", records: 0, reason: (e as Error).message, warnings: [], errors: [], durationMs: 0 });
    env.log.error(`${job.path}: ${(e as Error).message}`);
  } finally {
    target.close();
  }
  return finish();
}
