// What the run report (`--report FILE`, JSON; written by reportfile.ts) says of targets and functions, the
// run's tallies, and the one-screen summary on stderr. The run keeps only counters in memory however many
// targets it has.
import type { Issue } from "../plugin/define.js";
import type { FunctionOutcome } from "../plugin/runner.js";
import type { SkippedEntry } from "./targets.js";

/** A function's outcome as the report gives it: the runner's outcome, plus the batch's own facts. */
export interface FunctionReport extends FunctionOutcome {
  /** The per-host output file (`--output-dir`), relative to the output folder. */
  output?: string;
  /** Done by an earlier run and skipped now (`--resume`). */
  resumed?: boolean;
}

export interface TargetReport {
  /** Position in the (sharded) target list. */
  index: number;
  path: string;
  id: string;
  /** "ok" when the target opened (its functions may still have failed), "error" when it could not be opened. */
  status: "ok" | "error";
  error?: string;
  loader: string | null;
  hostname: string | null;
  domain: string | null;
  os: string | null;
  version: string | null;
  /** The loader's warnings about the evidence (skipped or duplicate archive members, truncation, …). */
  warnings: string[];
  /** What of the evidence could not be read at all (an encrypted or damaged disk volume): an error of the run. */
  unreadable?: string[];
  functions: FunctionReport[];
  records: number;
  durationMs: number;
}

export interface RunTotals {
  targets: number;
  opened: number;
  failed: number;
  skipped: number;
  /** Records of every (target, function) pair in the result, those of pairs done by an earlier run included. */
  records: number;
  /** Of those, the records of pairs an earlier run finished (`--resume`). */
  resumedRecords: number;
  functionErrors: number;
  /** Parts of opened targets that could not be read (disk volumes). */
  unreadable: number;
  warnings: number;
  /** Per function name: how many targets ended ok / absent / error, and its records. */
  functions: Record<string, { ok: number; absent: number; error: number; records: number }>;
}

export function toFunctionReport(o: FunctionOutcome, extra: Partial<FunctionReport> = {}): FunctionReport {
  const r: FunctionReport = {
    name: o.name,
    path: o.path,
    status: o.status,
    records: o.records,
    warnings: o.warnings,
    errors: o.errors,
    durationMs: Math.round(o.durationMs * 1000) / 1000,
  };
  if (o.reason !== undefined) r.reason = o.reason;
  return Object.assign(r, extra);
}

export function targetFailed(t: TargetReport): boolean {
  return t.status === "error" || t.functions.some((f) => f.status === "error");
}

const MAX_FAILURES_SHOWN = 12;

/** Counters and the first few failures: what the summary needs, in memory bounded by the number of functions. */
export class RunTally {
  readonly totals: RunTotals;
  readonly failures: string[] = [];
  private moreFailures = 0;
  /** Targets whose loader warned about the evidence itself (a damaged or truncated archive, …). */
  readonly evidence: string[] = [];
  private moreEvidence = 0;

  constructor(
    total: number,
    readonly skipped: readonly SkippedEntry[],
  ) {
    this.totals = { targets: total, opened: 0, failed: 0, skipped: skipped.length, records: 0, resumedRecords: 0, functionErrors: 0, unreadable: 0, warnings: 0, functions: {} };
  }

  get done(): number {
    return this.totals.opened + this.totals.failed;
  }

  /** Targets that could not be opened (or not wholly), or whose functions failed: what decides the exit code. */
  get hadErrors(): boolean {
    return this.totals.failed > 0 || this.totals.functionErrors > 0 || this.totals.unreadable > 0;
  }

  add(t: TargetReport): void {
    const tot = this.totals;
    if (t.status === "ok") tot.opened++;
    else tot.failed++;
    tot.warnings += t.warnings.length;
    if (t.warnings.length) {
      const line = `${t.path}: ${t.warnings[0]}${t.warnings.length > 1 ? ` (+${t.warnings.length - 1} more)` : ""}`;
      if (this.evidence.length < 6) this.evidence.push(line);
      else this.moreEvidence++;
    }
    for (const f of t.functions) {
      const c = (tot.functions[f.name] ??= { ok: 0, absent: 0, error: 0, records: 0 });
      c[f.status]++;
      c.records += f.records;
      tot.records += f.records;
      if (f.resumed) tot.resumedRecords += f.records;
      tot.warnings += f.warnings.length;
      if (f.status === "error") tot.functionErrors++;
    }
    const lines: string[] = [];
    if (t.status === "error") {
      const why = t.error ?? "could not be opened";
      lines.push(why.startsWith(t.path + ":") ? why : `${t.path}: ${why}`);
    }
    tot.unreadable += t.unreadable?.length ?? 0;
    for (const u of t.unreadable ?? []) lines.push(`${t.path}: not read: ${u}`);
    for (const f of t.functions) {
      if (f.status !== "error") continue;
      const first = f.reason ?? (f.errors[0] ? formatIssueShort(f.errors[0]) : "error");
      lines.push(`${t.path}: ${f.name}: ${first}${f.errors.length > 1 ? ` (+${f.errors.length - 1} more)` : ""}`);
    }
    for (const l of lines) {
      if (this.failures.length < MAX_FAILURES_SHOWN) this.failures.push(l);
      else this.moreFailures++;
    }
  }

  summary(durationMs: number, reportFile?: string): string {
    const t = this.totals;
    const secs = (durationMs / 1000).toFixed(1);
    let out = `summary: ${t.targets} target${t.targets === 1 ? "" : "s"}: ${t.opened} opened, ${t.failed} could not be opened`;
    if (t.skipped) out += `, ${t.skipped} entr${t.skipped === 1 ? "y" : "ies"} skipped`;
    out += `; ${t.records} records${t.resumedRecords ? ` (${t.resumedRecords} from an earlier run)` : ""}, ${t.functionErrors} function error${t.functionErrors === 1 ? "" : "s"}${t.unreadable ? `, ${t.unreadable} part${t.unreadable === 1 ? "" : "s"} of the evidence not read` : ""}, ${t.warnings} warning${t.warnings === 1 ? "" : "s"}; ${secs} s\n`;
    const names = Object.keys(t.functions);
    if (names.length > 1 || this.hadErrors || t.targets > 1) {
      const w = Math.max(8, ...names.map((n) => n.length));
      for (const n of names) {
        const c = t.functions[n]!;
        out += `  ${n.padEnd(w)}  ok ${c.ok}  absent ${c.absent}  error ${c.error}  records ${c.records}\n`;
      }
    }
    if (this.failures.length) {
      out += "failed:\n";
      for (const f of this.failures) out += `  ${f}\n`;
      if (this.moreFailures) out += `  … and ${this.moreFailures} more${reportFile ? ` (see ${reportFile})` : " (use --report FILE for all)"}\n`;
    }
    if (this.evidence.length) {
      out += "evidence warnings:\n";
      for (const e of this.evidence) out += `  ${e}\n`;
      if (this.moreEvidence) out += `  … and ${this.moreEvidence} more targets\n`;
    }
    if (t.skipped) {
      out += "skipped:\n";
      for (const s of this.skipped.slice(0, 6)) out += `  ${s.path}: ${s.reason}\n`;
      if (this.skipped.length > 6) out += `  … and ${this.skipped.length - 6} more\n`;
    }
    return out;
  }
}

function formatIssueShort(i: Issue): string {
  return (i.file ? (i.offset !== undefined ? `${i.file} @ ${i.offset}: ` : `${i.file}: `) : "") + i.message;
}
