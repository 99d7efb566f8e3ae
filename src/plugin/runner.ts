// Run the resolved functions on one target into the run's sink, isolating every failure: an absent artefact
// is information, a throwing function is an error for that function only, and the run goes on.
import { DESCRIPTOR, type AnyRecord } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";
import { CHECK_RECORDS, recordProblems } from "../records/validate.js";
import type { Target } from "../target.js";
import type { Logger } from "../util/log.js";
import { CHECK_EVERY, holdYoungGeneration } from "../util/young-generation.js";
import { bindArgs } from "./args.js";
import type { Compat, FunctionContext, Issue, Plugin } from "./define.js";
import type { FunctionGroup, FunctionRef, Registry } from "./registry.js";
import { FunctionValueRecord, unwrapValue, valueText } from "./value.js";

export type FunctionStatus = "ok" | "absent" | "error";

export interface FunctionOutcome {
  name: string;
  path: string | null;
  status: FunctionStatus;
  records: number;
  /** Why the function does not apply (absent), or what went wrong (error). */
  reason?: string;
  warnings: Issue[];
  errors: Issue[];
  durationMs: number;
}

export interface RunOptions {
  /** Raw function options from the command line, bound per function to its declared arguments. */
  args?: Record<string, unknown>;
  /** Stop after this many records for the target. */
  limit?: number;
  /** Fix `_generated` (reproducible output); otherwise the time each record is made. */
  generated?: Timestamp;
  log: Logger;
  /** Cap on issues kept per function (the rest are counted). */
  maxIssues?: number;
  /** A function is about to be chosen and run (before its compatibility check): who is running, for --timeout. */
  onStart?(name: string): void;
  /** A function has finished; its outcome is final. */
  onOutcome?(outcome: FunctionOutcome): void;
}

/**
 * The sink failed (a full disk, a closed destination): not the plugin's fault and not the target's, so it is not
 * isolated as a function error; it ends the run (the caller decides how).
 */
export class SinkFailure extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "SinkFailure";
  }
}

/** Write a record, marking the sink's own failures as such (synchronous throws and rejected waits). */
function sinkWrite(sink: RecordSink, rec: AnyRecord): void | Promise<void> {
  let p: void | Promise<void>;
  try {
    p = sink.write(rec);
  } catch (e) {
    throw new SinkFailure(e);
  }
  return p?.catch((e: unknown) => {
    throw new SinkFailure(e);
  });
}

/** A target's compatibility answers, cached per plugin (a check runs once per target). */
export class CompatCache {
  private readonly cache = new Map<Plugin, Promise<Compat>>();
  constructor(private readonly target: Target) {}

  check(plugin: Plugin): Promise<Compat> {
    let c = this.cache.get(plugin);
    if (!c) {
      c = (async () => {
        try {
          return await plugin.checkCompatible(this.target);
        } catch (e) {
          return { ok: false, reason: `compatibility check failed: ${(e as Error).message}`, crashed: true } as Compat;
        }
      })();
      this.cache.set(plugin, c);
    }
    return c;
  }
}

/** Pick the candidate for a target: eligible for its OS, most specific first, first compatible wins. */
export async function chooseCandidate(
  group: FunctionGroup,
  target: Target,
  registry: Registry,
  compat: CompatCache,
): Promise<{ ref: FunctionRef } | { ref: null; reason: string; crashed?: boolean }> {
  const eligible = group.candidates.filter((c) => registry.eligible(c, target.osPath));
  if (eligible.length === 0) return { ref: null, reason: `not available for OS ${target.os ?? "unknown"}` };
  let first: { reason: string; crashed?: boolean } | null = null;
  for (const ref of eligible) {
    const c = await compat.check(ref.plugin);
    if (c.ok) return { ref };
    first ??= c as { reason: string; crashed?: boolean };
  }
  return { ref: null, ...first! };
}

export async function runOnTarget(
  target: Target,
  groups: readonly FunctionGroup[],
  registry: Registry,
  sink: RecordSink,
  opts: RunOptions,
): Promise<FunctionOutcome[]> {
  const outcomes: FunctionOutcome[] = [];
  const compat = new CompatCache(target);
  const who = target.hostname ? `${target.id} (${target.hostname})` : target.id;
  let remaining = opts.limit ?? Infinity;
  const maxIssues = opts.maxIssues ?? 1000;

  for (const group of groups) {
    const started = performance.now();
    const outcome: FunctionOutcome = { name: group.name, path: null, status: "ok", records: 0, warnings: [], errors: [], durationMs: 0 };
    outcomes.push(outcome);
    opts.onStart?.(group.name);
    const choice = await chooseCandidate(group, target, registry, compat);
    if (!choice.ref) {
      outcome.status = choice.crashed ? "error" : "absent";
      outcome.reason = choice.reason;
      if (choice.crashed) opts.log.error(`${who}: ${group.name}: ${choice.reason}`);
      else opts.log.info(`${who}: ${group.name}: not applicable: ${choice.reason}`);
      outcome.durationMs = performance.now() - started;
      opts.onOutcome?.(outcome);
      continue;
    }
    const ref = choice.ref;
    outcome.path = ref.path;
    const verbose = opts.log.enabled("verbose");
    if (verbose && group.candidates.length > 1) {
      opts.log.verbose(`${who}: ${group.name}: ${ref.path} chosen of ${group.candidates.map((c) => c.path).join(", ")}`);
    }
    // -v: which files the function read (the compatibility check's reads are not its own)
    const opened = new Set<string>();
    if (verbose) target.fs.onOpen = (p) => opened.add(target.hostPath(p));
    let dropped = 0;
    const keep = (list: Issue[], issue: Issue): void => {
      if (list.length < maxIssues) list.push(issue);
      else dropped++;
    };
    // --direct: files and messages name the host file the analyst handed over, not the place it was put
    const mapped = target.mapsHostPaths;
    const hostIssue = (issue: Issue): Issue => (mapped && issue.file ? { ...issue, file: target.hostPath(issue.file) } : issue);
    const ctx: FunctionContext = {
      args: bindArgs(ref.fn.args, opts.args ?? {}, ref.name),
      warn(issue) {
        issue = hostIssue(issue);
        keep(outcome.warnings, issue);
        opts.log.warn(`${who}: ${ref.name}: ${formatIssue(issue)}`);
      },
      error(issue) {
        issue = hostIssue(issue);
        keep(outcome.errors, issue);
        opts.log.error(`${who}: ${ref.name}: ${formatIssue(issue)}`);
      },
    };
    // _generated: when this function began producing records (one clock read per function, not per record).
    const generated = opts.generated ?? Timestamp.now();
    const stamp = (rec: AnyRecord): AnyRecord => {
      rec.hostname = target.hostname;
      rec.domain = target.domain;
      rec._source = target.id;
      rec._classification = null;
      rec._generated = generated;
      rec._version = 1;
      if (mapped && typeof rec.filepath === "string") rec.filepath = target.hostPath(rec.filepath);
      return rec;
    };
    if (remaining <= 0) {
      outcome.durationMs = performance.now() - started;
      opts.onOutcome?.(outcome);
      continue;
    }
    try {
      if (ref.fn.output === "value") {
        const v = unwrapValue(await ref.fn.value(target, ctx));
        const rec = FunctionValueRecord.create({ function: ref.name, value: valueText(v.value), filepath: v.filepath });
        const p = sinkWrite(sink, stamp(rec as AnyRecord));
        if (p) await p;
        outcome.records = 1;
        remaining--;
      } else {
        // Built-in plugins are type-checked by the test suite; an external one's records are checked as they come,
        // so a wrong-typed value is an error naming the field, not a datetime field holding "yesterday" downstream.
        const check = CHECK_RECORDS || registry.isExternal(ref.plugin);
        const accept = (rec: AnyRecord): AnyRecord => {
          if (!rec || !rec[DESCRIPTOR]) throw new Error("function yielded something that is not a record");
          if (check) {
            const problems = recordProblems(rec);
            if (problems.length) throw new Error(`ill-typed record: ${problems.join("; ")}`);
          }
          if (++outcome.records % CHECK_EVERY === 0) holdYoungGeneration();
          return stamp(rec);
        };
        const produced = await ref.fn.run(target, ctx);
        if (Symbol.iterator in produced) {
          // A synchronous iterable costs no promise per record; await only when the sink asks to.
          for (const rec of produced) {
            const p = sinkWrite(sink, accept(rec));
            if (p) await p;
            if (--remaining <= 0) break;
          }
        } else {
          for await (const rec of produced) {
            const p = sinkWrite(sink, accept(rec));
            if (p) await p;
            if (--remaining <= 0) break;
          }
        }
      }
      if (outcome.errors.length > 0) outcome.status = "error";
    } catch (e) {
      if (e instanceof SinkFailure) throw e;
      outcome.status = "error";
      const err = e as Error;
      outcome.reason = err.message;
      opts.log.error(`${who}: ${ref.name}: failed after ${outcome.records} records: ${err.message}`);
      if (opts.log.enabled("debug") && err.stack) for (const line of err.stack.split("\n")) opts.log.debug(line);
    }
    if (dropped) opts.log.warn(`${who}: ${ref.name}: ${dropped} more issues not listed`);
    outcome.durationMs = performance.now() - started;
    if (verbose) {
      target.fs.onOpen = null;
      opts.log.verbose(`${who}: ${ref.name}: ${outcome.status}, ${outcome.records} record${outcome.records === 1 ? "" : "s"} in ${outcome.durationMs.toFixed(0)} ms (${ref.path}); read ${filesRead(opened)}`);
    }
    opts.onOutcome?.(outcome);
  }
  return outcomes;
}

const FILES_LISTED = 20;

function filesRead(opened: ReadonlySet<string>): string {
  if (opened.size === 0) return "no file";
  const list = [...opened];
  const more = list.length > FILES_LISTED ? `, and ${list.length - FILES_LISTED} more` : "";
  return `${list.length} file${list.length === 1 ? "" : "s"}: ${list.slice(0, FILES_LISTED).join(", ")}${more}`;
}

export function formatIssue(i: Issue): string {
  const where = i.file ? (i.offset !== undefined ? `${i.file} @ offset ${i.offset}: ` : `${i.file}: `) : "";
  return where + i.message;
}
