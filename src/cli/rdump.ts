// rdump: read records (flow.record binary streams, plain or gzip, and JSON lines; files or stdin), select
// them with the safe selector language, and write them as text, lines, JSON, CSV or a binary stream.
import yargs from "yargs";
import type { RecordDescriptor } from "../records/descriptor.js";
import { Selector, SelectorError } from "../records/selector/index.js";
import type { FieldFilter } from "../records/sinks/fields.js";
import { OutputError } from "../records/output.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { openRecordFile, openRecordSource, type RecordSource } from "../records/stream/source.js";
import { EXIT_ERRORS, EXIT_OK, makeLogger, preprocessArgv, printLine, UsageError, versionLine, wantsVersion, type CliIO } from "./common.js";
import { joinDashValue, openSink, parseWriteTarget, type OutputFormat } from "./output.js";
import { knownOptions, RDUMP, RDUMP_MODES } from "./spec/index.js";
import { applySpec } from "./spec/yargs.js";
import { printable } from "../util/escape.js";

/** The output format of each -m mode (the modes are declared in spec/rdump.ts). */
const MODES: Record<(typeof RDUMP_MODES)[number], OutputFormat> = {
  text: "text",
  csv: "csv",
  "csv-no-header": "csv-noheader",
  json: "json-pretty",
  jsonlines: "json-plain",
  line: "line",
  "line-verbose": "line-verbose",
  stream: "stream",
  timesketch: "timesketch",
};

/** Unreadable records reported one by one per source; beyond this, a count. */
const MAX_REPORTED = 10;

const KNOWN = knownOptions(RDUMP);

function builder(argv: readonly string[]) {
  return applySpec(yargs(preprocessArgv(argv)).help(false), RDUMP)
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

function list(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The output format from the mode flags, or null when none is given. */
function modeFormat(args: Record<string, unknown>): OutputFormat | null {
  const picked: OutputFormat[] = [];
  if (typeof args.mode === "string") picked.push(MODES[args.mode as keyof typeof MODES]); // yargs checked the choice
  if (args.line) picked.push("line");
  if (args["line-verbose"]) picked.push("line-verbose");
  if (args.json) picked.push("json-pretty");
  if (args.jsonlines) picked.push("json-plain");
  if (args.csv) picked.push("csv");
  if (args["csv-no-header"]) picked.push("csv-noheader");
  if (args.timesketch) picked.push("timesketch");
  const unique = [...new Set(picked)];
  if (unique.length > 1) throw new UsageError("choose one output mode (-L, -Lv, -j, -J, -C, -Cn, --timesketch, -m)");
  return unique[0] ?? null;
}

export function describeDescriptor(desc: RecordDescriptor, count: number): string {
  let out = `# ${desc.name} (hash 0x${desc.hash.toString(16).padStart(8, "0")}): ${count} record${count === 1 ? "" : "s"}\n`;
  // Names are checked by RecordDescriptor; a type is whatever text the stream declared.
  const types = desc.fields.map((f) => printable(f.type));
  const width = types.reduce((w, t) => Math.max(w, t.length), 0);
  desc.fields.forEach((f, i) => (out += `    ${types[i]!.padEnd(width)} ${f.name}\n`));
  return out;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("rdump"));
    return EXIT_OK;
  }
  argv = joinDashValue(argv, "-w", "--writer"); // "-w -": the binary stream on stdout
  const y = builder(argv);
  const args = y.parseSync();
  if (args.help) {
    io.stdout.write((await y.getHelp()) + "\n");
    return EXIT_OK;
  }
  for (const k of Object.keys(args)) {
    if (!KNOWN.has(k)) throw new UsageError(`unknown option ${k.length === 1 ? "-" : "--"}${k}`);
  }
  const log = makeLogger(io, !!args.quiet, args.verbose ?? 0);
  const sources = (args._ as (string | number)[]).map(String);
  if (sources.length === 0) sources.push("-");
  if (sources.filter((s) => s === "-").length > 1) throw new UsageError("stdin (-) can be read only once");

  let selector: Selector | null = null;
  if (args.selector !== undefined && args.selector.trim() !== "") {
    try {
      selector = new Selector(args.selector);
    } catch (e) {
      if (e instanceof SelectorError) throw new UsageError(`invalid selector: ${e.message}`);
      // The parser bounds nesting (MAX_SELECTOR_DEPTH); should anything still exhaust the stack, it is the
      // selector's fault, not a crash.
      if (e instanceof RangeError) throw new UsageError(`invalid selector: too complex (${e.message})`);
      throw e;
    }
  }
  const filter: FieldFilter = { include: list(args.fields), exclude: list(args.exclude) };
  const limit = args.count;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError("-c expects a whole number >= 0");
  let skip = args.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0) throw new UsageError("--skip expects a whole number >= 0");

  let format = modeFormat(args);
  const path = args.writer;
  if (path !== undefined) format ??= parseWriteTarget(path).format;
  format ??= "text"; // without -w, rdump writes text even into a pipe (as flow.record's rdump does)

  // --list: descriptors and counts across all sources, in the order first seen.
  const seen = new Map<string, { desc: RecordDescriptor; count: number }>();
  const note = (desc: RecordDescriptor, n: number): void => {
    const key = desc.name + "\0" + desc.hash;
    const e = seen.get(key);
    if (e) e.count += n;
    else seen.set(key, { desc, count: n });
  };

  let sink: RecordSink | null = null;
  if (!args.list) sink = openSink(format, io, { path, filter });

  let processed = 0;
  let matched = 0;
  let written = 0;
  let failed = false;
  let done = limit === 0;
  try {
    for (const name of sources) {
      if (done) break;
      const label = name === "-" ? "<stdin>" : name;
      let src: RecordSource;
      // A record that cannot be read is reported (the first few per source) and skipped; the rest is read.
      let bad = 0;
      const onBadRecord = (e: Error): void => {
        failed = true;
        if (++bad <= MAX_REPORTED) log.error(`${label}: skipped: ${e.message}`);
      };
      try {
        src = name === "-" ? await openRecordSource(stdinOf(io), "<stdin>", { onBadRecord }) : await openRecordFile(name, { onBadRecord });
      } catch (e) {
        failed = true;
        log.error(`${label}: ${(e as Error).message}`);
        continue;
      }
      try {
        batches: for await (const batch of src.batches) for (const rec of batch) {
          processed++;
          if (selector && !selector.match(rec)) continue;
          matched++;
          if (args.list) continue;
          if (skip > 0) {
            skip--;
            continue;
          }
          // A destination that fails (or whose reader went away) throws an OutputError: that ends the run.
          const p = sink!.write(rec);
          if (p) await p;
          written++;
          if (limit !== undefined && written >= limit) {
            done = true;
            break batches;
          }
        }
      } catch (e) {
        if (e instanceof OutputError) throw e;
        failed = true;
        log.error(`${label}: ${(e as Error).message}`);
      } finally {
        if (bad > MAX_REPORTED) log.error(`${label}: skipped ${bad} unreadable records in all (${bad - MAX_REPORTED} not shown)`);
        if (args.list) for (const s of src.stats()) note(s.descriptor, s.count);
      }
    }
  } finally {
    if (sink) await sink.close();
  }

  if (args.list) {
    let out = "";
    for (const { desc, count } of seen.values()) out += describeDescriptor(desc, count) + "\n";
    out += `Processed ${processed} records (${seen.size} descriptor${seen.size === 1 ? "" : "s"})\n`;
    io.stdout.write(out);
  }
  if (selector?.errors) log.warn(`the selector could not be evaluated on ${selector.errors} record(s): ${selector.lastError?.message}`);
  if (args.stats) io.stderr.write(`Processed ${processed} records (matched=${matched}, unmatched=${processed - matched})\n`);
  return failed ? EXIT_ERRORS : EXIT_OK;
}

function stdinOf(io: CliIO): AsyncIterable<Uint8Array> {
  if (!io.stdin) throw new UsageError("no stdin to read from");
  return io.stdin as AsyncIterable<Uint8Array>;
}

