// The report of a target whose worker thread was stopped (--timeout) or died (out of memory, process.exit, a
// crash), from what the worker had told the parent: the target's facts once open, each finished function's
// outcome, the function that was running, and how many records it had spooled. The finished functions keep
// their outcomes and records; the running one is the error; those after it never ran, and say so.
import { blankReport, type JobSpec, type OpenedInfo } from "./job.js";
import type { FunctionReport, TargetReport } from "./report.js";

export interface WorkerProgress {
  opened: OpenedInfo | null;
  running: string | null;
  finished: FunctionReport[];
  /** Records the worker had put in the spool (all of them the parent copies), or null with per-host files. */
  spooled: number | null;
}

export function lostTargetReport(job: JobSpec, why: string, progress: WorkerProgress, functions: readonly string[], durationMs: number): TargetReport {
  const report = blankReport(job);
  report.durationMs = Math.round(durationMs * 1000) / 1000;
  if (!progress.opened) {
    report.status = "error";
    report.error = why;
    return report;
  }
  Object.assign(report, progress.opened);
  const done = new Map(progress.finished.map((f) => [f.name, f]));
  const finishedRecords = progress.finished.reduce((n, f) => n + f.records, 0);
  for (const name of functions) {
    const f = done.get(name);
    const earlier = job.done?.[name];
    if (f) report.functions.push(f);
    else if (earlier) report.functions.push({ ...earlier, resumed: true });
    else if (name === progress.running) {
      // Its records up to the last spooled batch are in the output (a per-host file is dropped: never half a file).
      const records = progress.spooled === null ? 0 : Math.max(0, progress.spooled - finishedRecords);
      report.functions.push({ name, path: null, status: "error", records, reason: why, warnings: [], errors: [], durationMs: 0 });
    } else {
      const reason = progress.running ? `not run: the target was stopped in ${progress.running} (${why})` : `not run: the target was stopped (${why})`;
      report.functions.push({ name, path: null, status: "error", records: 0, reason, warnings: [], errors: [], durationMs: 0 });
    }
  }
  report.records = report.functions.reduce((n, f) => n + f.records, 0);
  return report;
}
