// target-query: run plugin functions on targets (one, or a fleet: the run itself is src/batch) into one sink.
import os from "node:os";
import path from "node:path";
import { describeArg, UsageError } from "../plugin/args.js";
import type { Registry } from "../plugin/registry.js";
import { CompatCache, chooseCandidate } from "../plugin/runner.js";
import { Timestamp } from "../records/timestamp.js";
import { Target } from "../target.js";
import type { DirFormat } from "../batch/outdir.js";
import { LOWEST_WORKER_HEAP_MB } from "../batch/heap.js";
import { runBatch } from "../batch/run.js";
import { parseShard, selectShard } from "../batch/shard.js";
import { expandTargets, gatherTargetArgs } from "../batch/targets.js";
import { lazyRegistry } from "../../plugins/lazy.js";
import { describeFailure, pluginPaths, withExternalPlugins } from "../plugin/external.js";
import type { Logger } from "../util/log.js";
import { LOADERS } from "../../loaders/index.js";
import { maxInflateArg } from "./budgets.js";
import { EXIT_ERRORS, EXIT_OK, makeLogger, preprocessArgv, printLine, reportExternalPlugins, versionLine, wantsVersion, type CliIO } from "./common.js";
import { printableLines } from "../util/escape.js";
import type { TimelineSink } from "../timeline/sink.js";
import { chooseFormat, joinDashValue, openSink } from "./output.js";
import { TARGET_QUERY } from "./spec/target-query.js";
import { knownOptions } from "./spec/types.js";
import { applySpec } from "./spec/yargs.js";
import { parseFast } from "./spec/argv.js";

/** Every option of target-query itself; any other option is a function argument (`-f failed_logins --by addr`). */
const KNOWN = knownOptions(TARGET_QUERY);

// `booleans`: the functions' boolean arguments, so that `--lines TARGET` leaves TARGET a target.
type Yargs = (typeof import("yargs"))["default"];
let yargsLoaded: Yargs | undefined;
/** yargs itself, for --help and for what parseFast leaves to it (errors): imported when first needed. */
async function loadYargs(): Promise<Yargs> {
  return (yargsLoaded ??= (await import("yargs")).default);
}

function joinArgs(argv: readonly string[]): string[] {
  return joinDashValue(joinDashValue(preprocessArgv(argv), "-w", "--write"), "--targets-from", "--targets-from");
}

function parser(yargs: Yargs, joined: string[], booleans: readonly string[] = []) {
  return applySpec(yargs(joined).help(false), TARGET_QUERY)
    .boolean([...booleans])
    .version(false)
    .strict(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

type Args = ReturnType<ReturnType<typeof parser>["parseSync"]>;

/** The arguments as yargs reads them (spec/argv.ts), yargs itself loaded only when it must report an error. */
export async function parseArgs(argv: readonly string[], booleans: readonly string[] = []): Promise<Args> {
  const joined = joinArgs(argv);
  return (parseFast(joined, TARGET_QUERY, booleans) as Args | null) ?? parser(await loadYargs(), joined, booleans).parseSync();
}

export async function main(argv: string[], io: CliIO, baseRegistry: Registry = lazyRegistry): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("target-query"));
    return EXIT_OK;
  }
  const first = await parseArgs(argv);
  const plugins = pluginPaths(first["plugin-path"]);
  const registry = await withExternalPlugins(baseRegistry, plugins);
  // Parsed again once the functions are known: a boolean argument takes no value from the word after it.
  const booleans = [...new Set(registry.functions.flatMap((f) => (f.fn.args ?? []).filter((a) => a.type === "boolean").map((a) => a.name)))].filter((n) => !KNOWN.has(n));
  const args = booleans.length ? await parseArgs(argv, booleans) : first;
  const log = makeLogger(io, !!args.quiet, args.verbose ?? 0);
  const positionals = (args._ as (string | number)[]).map(String);
  // dissect's `-l [FILTER]`: without -f, the first argument after the options is the filter, the rest targets
  const listFilter = args.list && asList(args.function).length === 0 && positionals.length ? [positionals.shift()!] : [];
  const targets = await gatherTargetArgs(positionals, { targetsFrom: args["targets-from"], stdin: io.stdin });
  const fnArgs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!KNOWN.has(k)) fnArgs[k] = v;

  const maxInflate = maxInflateArg(args["max-inflate"]);
  const patterns = listFilter.length ? listPatterns(registry, listFilter[0]!) : asList(args.function);
  const resolution = registry.resolve(patterns, asList(args["excluded-functions"]));
  if (patterns.length && resolution.invalid.length === 0 && resolution.groups.length === 0) {
    const xf = asList(args["excluded-functions"]).length ? " left after -xf" : "";
    throw new UsageError(`-f ${JSON.stringify(patterns.join(","))}: no function${xf}; see -l for the list`);
  }
  if (resolution.invalid.length) {
    const failed = registry.external?.failures.length ?? 0;
    const hint = failed ? ` (${failed} external plugins or modules failed to load; see target-query -l)` : "";
    throw new UsageError(`unknown function(s): ${resolution.invalid.join(", ")}${hint}`);
  }

  if (args.direct && args.loader !== undefined) throw new UsageError("--direct takes loose files: not with -L/--loader");
  if (args.direct && args.list) throw new UsageError("--direct goes with -f: -l lists functions of targets, not of loose files");
  if (args.help) {
    if (patterns.length) io.stdout.write(functionHelp(registry, resolution.groups.map((g) => g.name)));
    else io.stdout.write(await helpText());
    return EXIT_OK;
  }
  if (args.list) {
    const expanded = targets.length ? expandTargets(targets, { loader: args.loader }).targets : [];
    // A refused folder entry (a link out of its folder) is never opened, not even to list what applies.
    for (const t of expanded) if (t.refused !== undefined) printLine(io.stderr, `error: ${t.path}: ${t.refused}`);
    const listed = expanded.filter((t) => t.refused === undefined).map((t) => t.path);
    if (listed.length < expanded.length) {
      if (listed.length > 0) await listFunctions(io, registry, patterns.length ? resolution.groups.map((g) => g.name) : null, listed, { loader: args.loader, maxInflate });
      return EXIT_ERRORS;
    }
    return listFunctions(io, registry, patterns.length ? resolution.groups.map((g) => g.name) : null, listed, { loader: args.loader, maxInflate });
  }

  // Before "no functions" and "no targets": an unknown option may have taken the target as its value
  // (`--bogus image.tar`), and the option as typed is what the user must hear of.
  const declared = new Set(resolution.groups.flatMap((g) => g.candidates.flatMap((c) => (c.fn.args ?? []).map((a) => a.name))));
  for (const k of Object.keys(fnArgs)) {
    if (!declared.has(k)) throw new UsageError(`unknown option ${asTyped(argv, k)}${patterns.length ? " (no selected function takes it)" : ""}`);
  }
  if (patterns.length === 0) throw new UsageError("no functions given (-f); see -l for the list");
  checkLimit(argv, args.limit);
  reportExternalPlugins(registry, log);
  if (targets.length === 0) throw new UsageError("no targets given");
  let generated: Timestamp | undefined;
  if (args.generated) generated = Timestamp.parse(args.generated);

  const batch = batchSettings(args);
  // --direct: the arguments make one target (absolute: worker threads open them too)
  const direct = args.direct ? targets.map((t) => path.resolve(t)) : undefined;
  const list = direct ? { targets: [{ path: "direct", id: "direct" }], skipped: [] } : expandTargets(targets, { loader: args.loader });
  const selected = selectShard(list.targets, batch.shard);
  const outFlags = { json: args.json, strings: args.strings, csv: args.csv, timesketch: args.timesketch, write: args.write };
  const format = chooseFormat(outFlags, io);
  const timeline = await timelineSettings(args, !!batch.outputDir);
  const base = batch.outputDir ? null : openSink(format, io, { path: args.write });
  const sink = timeline && base ? new timeline.TimelineSink({ out: base, targets: selected.map((t) => t.id), ...timeline, log }) : base;
  let result: { exitCode: number; summary: string };
  try {
    result = await runBatch({
      targets: selected,
      skipped: list.skipped,
      functions: patterns,
      excluded: asList(args["excluded-functions"]),
      registry,
      builtinRegistry: baseRegistry === lazyRegistry,
      pluginPaths: plugins,
      loader: args.loader,
      maxInflate,
      direct,
      fnArgs,
      limit: args.limit,
      generated: generated ? args.generated : undefined,
      jobs: batch.jobs,
      timeoutMs: batch.timeoutMs,
      workerHeapMb: batch.workerHeapMb,
      sink,
      // Plain JSON lines or text on stdout: worker threads render the records themselves. Any other destination
      // or shape (a file, field selection, …) goes through the sink itself (the workers' record spool).
      rendered: (format === "jsonl" || format === "text") && plainStdout(args) && !timeline ? { format, stream: io.stdout } : undefined,
      outputDir: batch.outputDir,
      shard: batch.shard,
      reportFile: args.report,
      argv,
      level: log.level,
      stderr: io.stderr,
      progress: args.progress ?? !!(io.stderr as { isTTY?: boolean }).isTTY,
      summary: false,
    });
  } catch (e) {
    // A run that failed writes no timeline (its temp files go; the output is closed as it is).
    if (timeline && sink !== base) await (sink as TimelineSink).discard().catch(() => {});
    throw e;
  } finally {
    await sink?.close();
  }
  // After the last record: on a terminal stdout and stderr are one screen
  if (!args.quiet) {
    await written(io.stdout);
    io.stderr.write(result.summary);
  }
  return result.exitCode;
}

/** The option as the user typed it: `-Z` stays `-Z`, `--bogus` and `--bogus=x` are `--bogus`. */
function asTyped(argv: readonly string[], key: string): string {
  const short = `-${key}`;
  return argv.some((a) => a === short || a.startsWith(short + "=")) && key.length === 1 ? short : `--${key}`;
}

/** --limit N: a whole number of records, at least 1 (yargs makes "abc" NaN and takes "-1"). */
function checkLimit(argv: readonly string[], limit: number | undefined): void {
  if (limit === undefined || (Number.isInteger(limit) && limit >= 1)) return;
  const i = argv.findIndex((a) => a === "--limit" || a.startsWith("--limit="));
  const typed = i < 0 ? String(limit) : argv[i]!.includes("=") ? argv[i]!.slice("--limit=".length) : (argv[i + 1] ?? "");
  throw new UsageError(`--limit: expected a whole number of records, at least 1, got ${JSON.stringify(typed)}`);
}

/** `-l FILTER`: a name, glob, namespace or module path as -f takes them; else the functions whose name holds it. */
function listPatterns(registry: Registry, filter: string): string[] {
  if (registry.match(filter).length) return [filter];
  const hits = registry.functions.filter((f) => f.name.includes(filter) || f.path.includes(filter)).map((f) => f.name);
  if (hits.length === 0) {
    throw new UsageError(`-l: no function matches ${JSON.stringify(filter)}; to list what applies to a target: -l '*' TARGET (or -l -f FUNCTIONS TARGET)`);
  }
  return [...new Set(hits)];
}

/** Every write handed to the stream so far has been carried out. */
function written(stream: NodeJS.WritableStream): Promise<void> {
  const w = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  if (w.destroyed || w.writableEnded) return Promise.resolve();
  return new Promise((resolve) => w.write("", () => resolve()));
}

/** --timeline (its window, and the run size the test knob may set), or null; --from/--to need it. */
async function timelineSettings(args: Args, outputDir: boolean) {
  if (!args.timeline) {
    if (args.from !== undefined || args.to !== undefined) throw new UsageError("--from and --to go with --timeline");
    return null;
  }
  if (outputDir) throw new UsageError("--timeline writes one sorted output: not with --output-dir");
  // the timeline's modules are imported only for a --timeline run
  const [{ parseWindow }, { runEntriesFromEnv, TimelineSink }] = await Promise.all([import("../timeline/window.js"), import("../timeline/sink.js")]);
  const window = parseWindow(args.from, args.to);
  let runEntries: number;
  try {
    runEntries = runEntriesFromEnv();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { window, runEntries, TimelineSink };
}

/** No flag that sends the output elsewhere or reshapes it (-w FILE, -F/-X field selection, -C, --timesketch). */
function plainStdout(args: Record<string, unknown>): boolean {
  return ["w", "write", "F", "fields", "X", "exclude-fields", "C", "csv", "timesketch"].every((k) => args[k] === undefined || args[k] === false);
}

function batchSettings(args: Args) {
  const jobs = args.jobs ?? os.availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a whole number of at least 1, got ${args.jobs}`);
  const shard = args.shard !== undefined ? parseShard(args.shard) : null;
  const timeout = args.timeout;
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout: expected a number of seconds above 0, got ${timeout}`);
  const format = args["output-format"] ?? "jsonl";
  if (format !== "jsonl" && format !== "rec") throw new UsageError(`--output-format: "${format}" is not one of jsonl, rec`);
  const dir = args["output-dir"];
  if (dir === undefined && (args.resume || args.gzip || args["output-format"] !== undefined)) {
    throw new UsageError("--resume, --gzip and --output-format go with --output-dir");
  }
  const outputDir = dir !== undefined ? { root: dir, format: format as DirFormat, gzip: !!args.gzip, resume: !!args.resume } : undefined;
  const heap = args["worker-heap"];
  if (heap !== undefined && !(Number.isInteger(heap) && heap >= LOWEST_WORKER_HEAP_MB)) {
    throw new UsageError(`--worker-heap: expected a whole number of MB, at least ${LOWEST_WORKER_HEAP_MB}, got ${heap}`);
  }
  return { jobs, shard, outputDir, timeoutMs: timeout !== undefined ? timeout * 1000 : undefined, workerHeapMb: heap };
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function functionHelp(registry: Registry, names: string[]): string {
  let out = "";
  for (const name of names) {
    const ref = registry.match(name)[0]!;
    out += `${ref.name}  (${ref.path})\n  ${ref.fn.description}\n`;
    const fnArgs = ref.fn.args ?? [];
    out += fnArgs.length ? fnArgs.map((a) => `  ${describeArg(a)}\n`).join("") : "  (no arguments)\n";
  }
  return out;
}

async function helpText(): Promise<string> {
  const yargs = await loadYargs();
  return new Promise((resolve) => parser(yargs, []).showHelp((text: string) => resolve(text + "\n")));
}

async function listFunctions(
  io: CliIO,
  registry: Registry,
  only: string[] | null,
  targets: string[],
  open: { loader?: string; maxInflate?: number },
): Promise<number> {
  await registry.load(); // the record descriptors of lazy plugins
  const refs = registry.functions.filter((f) => !only || only.includes(f.name));
  if (targets.length === 0) {
    let out = "Functions (a name offered by several plugins runs the most specific one that applies):\n";
    const names = [...new Set(refs.map((r) => r.name))].sort();
    for (const name of names) {
      const cands = registry.match(name);
      const f = cands[0]!;
      out += `  ${f.name.padEnd(22)} ${f.fn.description}\n`;
      out += `  ${"".padEnd(22)} output: ${f.fn.output}; path: ${cands.map((c) => c.path).join(", ")}\n`;
      if (f.fn.output === "records") {
        for (const d of f.fn.records) out += `  ${"".padEnd(22)} ${d.name}: ${d.fields.map((x) => `${x.name}:${x.type}`).join(", ")}\n`;
      }
      for (const a of f.fn.args ?? []) out += `  ${"".padEnd(22)} ${describeArg(a)}\n`;
    }
    out += printableLines(externalListing(registry));
    out += "\nLoaders (in detection order):\n";
    for (const l of LOADERS) out += `  ${l.name.padEnd(22)} ${l.description}\n`;
    io.stdout.write(out);
    return EXIT_OK;
  }
  let failed = false;
  const failures = externalListing(registry);
  if (failures) io.stdout.write(printableLines(failures.replace(/^\n/, "")) + "\n");
  for (const p of targets) {
    let target: Target;
    try {
      target = await Target.open(p, { ...open, osPlugins: registry.osPlugins });
    } catch (e) {
      printLine(io.stderr, `error: ${(e as Error).message}`);
      failed = true;
      continue;
    }
    try {
      const compat = new CompatCache(target);
      let out = `${target} (${target.hostname ?? "hostname unknown"}, ${target.os ?? "os unknown"}):\n`;
      const names = [...new Set(refs.map((r) => r.name))];
      const groups = registry.resolve(names).groups;
      for (const g of groups) {
        const c = await chooseCandidate(g, target, registry, compat);
        out += c.ref ? `  ${g.name.padEnd(22)} yes\n` : `  ${g.name.padEnd(22)} no: ${c.reason}\n`;
      }
      io.stdout.write(printableLines(out));
    } finally {
      target.close();
    }
  }
  return failed ? EXIT_ERRORS : EXIT_OK;
}

/** `-l`: where each external plugin came from, and what failed to load with the reason. */
function externalListing(registry: Registry): string {
  const ext = registry.external;
  if (!ext) return "";
  let out = "\nExternal plugins:\n";
  if (ext.sources.length === 0) out += "  (none)\n";
  for (const s of ext.sources) out += `  ${s.file}: ${s.plugins.length ? s.plugins.join(", ") : "(no plugin exported)"}\n`;
  for (const n of ext.notices) out += `  note: ${n}\n`;
  if (ext.failures.length) {
    out += "\nFailed to load:\n";
    for (const f of ext.failures) out += `  ${describeFailure(f)}\n`;
  }
  return out;
}
