// Messages between the batch parent and its worker threads.
import type { Level } from "../util/log.js";
import type { JobSpec, OpenedInfo } from "./job.js";
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
  direct?: readonly string[];
  fnArgs: Record<string, unknown>;
  limit?: number;
  /** ISO text of a fixed `_generated`. */
  generated?: string;
  level: Level;
  maxIssues: number;
  /** A spool per target (records return to the parent's sink; rendered already when `render`) or per-host files. */
  output: { kind: "spool"; render?: RenderFormat } | { kind: "dir"; cfg: OutputDirConfig };
}

/** A target to run; its records go to the spool file the parent opened (a descriptor shared by the threads). */
export type ToWorker = { type: "job"; job: JobSpec; spoolFd: number | null };

export type FromWorker =
  | { type: "ready" }
  | { type: "log"; line: string }
  | { type: "records"; n: number }
  /** The target is open: what the parent reports if the worker dies later. */
  | { type: "opened"; info: OpenedInfo }
  /** A function is starting: the one blamed if time runs out or the worker dies. */
  | { type: "fn-start"; name: string }
  /** The spool holds complete frames up to `bytes`, `records` records in all. */
  | { type: "flushed"; bytes: number; records: number }
  | { type: "fn-done"; job: JobSpec; fn: FunctionReport }
  | { type: "done"; report: TargetReport }
  /** An output could not be written (a full disk): the run stops. */
  | { type: "fatal"; message: string };
