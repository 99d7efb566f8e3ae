// Messages between the batch parent and its worker threads.
import type { Level } from "../util/log.js";
import type { JobSpec } from "./job.js";
import type { OutputDirConfig } from "./outdir.js";
import type { RenderFormat } from "./render.js";
import type { FunctionReport, TargetReport } from "./report.js";

export interface WorkerSetup {
  /** Module whose `registry` (or default) export is the plugin registry; the built-in plugins when absent. */
  registryModule?: string;
  /** External plugin paths the worker loads on top of that registry (as the parent did). */
  pluginPaths?: readonly string[];
  functions: readonly string[];
  excluded: readonly string[];
  loader?: string;
  maxInflate?: number;
  fnArgs: Record<string, unknown>;
  limit?: number;
  /** ISO text of a fixed `_generated`. */
  generated?: string;
  level: Level;
  maxIssues: number;
  /** Spool folder (records return to the parent's sink) or the per-host output folder. */
  output: { kind: "spool"; dir: string; render?: RenderFormat } | { kind: "dir"; cfg: OutputDirConfig };
}

export type ToWorker = { type: "job"; job: JobSpec };

export type FromWorker =
  | { type: "ready" }
  | { type: "log"; line: string }
  | { type: "records"; n: number }
  | { type: "fn-done"; job: JobSpec; fn: FunctionReport }
  | { type: "done"; report: TargetReport; spool: string | null };
