// Which sink a run writes to, chosen once per run from the flags and where stdout goes — as dissect does it:
// text on a terminal (or with -s), the flow.record binary stream into a pipe (so `target-query … | rdump`
// works), JSON lines with -j; plus -w FILE (format from the extension), -C CSV and --timesketch.
import fs from "node:fs";
import { finished } from "node:stream/promises";
import type { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type { AnyRecord } from "../records/descriptor.js";
import { describeSystemError, Output, OutputError } from "../records/output.js";
import { CsvSink } from "../records/sinks/csv.js";
import type { FieldFilter } from "../records/sinks/fields.js";
import { FormatSink, jsonLinesFormatter, prettyJsonFormatter, textFormatter } from "../records/sinks/format.js";
import { JsonLinesSink } from "../records/sinks/jsonl.js";
import { LineSink } from "../records/sinks/line.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { RecordStreamSink } from "../records/sinks/stream.js";
import { TextSink } from "../records/sinks/text.js";
import { SqliteSink } from "../records/sinks/sqlite.js";
import { TimesketchSink } from "../records/sinks/timesketch.js";
import { UsageError, type CliIO } from "./common.js";

export type OutputFormat =
  | "text" // <name field=repr …>
  | "jsonl" // JSON lines with descriptor lines (target-query -j, flow.record's jsonfile)
  | "json-plain" // JSON lines without descriptors (rdump -J)
  | "json-pretty" // indented JSON objects (rdump -j)
  | "stream" // the flow.record binary stream
  | "csv"
  | "csv-noheader"
  | "line"
  | "line-verbose"
  | "timesketch"
  | "sqlite"; // flow.record's sqlite adapter: one table per descriptor

export interface OutputFlags {
  json?: boolean;
  strings?: boolean;
  csv?: boolean;
  timesketch?: boolean;
  /** -w FILE: the format comes from the extension unless a format flag is given. */
  write?: string;
}

/** `-w -` (stdout): yargs would take the lone "-" for a positional argument, so join it to the flag. */
export function joinDashValue(argv: readonly string[], short: string, long: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === short || a === long) && argv[i + 1] === "-") {
      out.push(`${long}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** flow.record's writer adapters quarry has (`-w jsonfile://out.jsonl`), and the format each writes. */
export const WRITE_ADAPTERS: Readonly<Record<string, OutputFormat>> = {
  stream: "stream",
  jsonfile: "jsonl",
  csvfile: "csv",
  text: "text",
  line: "line",
  sqlite: "sqlite",
};

/** File names and the format each asks for; a `.gz` after any but .sqlite/.db compresses. */
const EXTENSIONS: readonly [string, OutputFormat][] = [
  [".records", "stream"],
  [".rec", "stream"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".json", "jsonl"],
  [".csv", "csv"],
  [".txt", "text"],
  [".sqlite", "sqlite"],
  [".sqlite3", "sqlite"],
  [".db", "sqlite"],
];

const SUPPORTED_WRITERS =
  "sqlite://FILE, jsonfile://FILE, csvfile://FILE, text://FILE, line://FILE, stream://FILE, or a FILE named " +
  "*.rec, *.records, *.jsonl, *.json, *.csv, *.txt (each also .gz), *.sqlite, *.db, or without an extension (the stream)";

export interface WriteTarget {
  format: OutputFormat;
  /** The file; "-" is stdout. */
  path: string;
  gzip: boolean;
}

/**
 * What `-w` names: a flow.record adapter URI (`sqlite://out.db`, `jsonfile://-`) or a path whose extension says the
 * format. An adapter or an extension quarry does not write is a usage error naming the ones it does.
 */
export function parseWriteTarget(spec: string): WriteTarget {
  if (spec === "-") return { format: "stream", path: "-", gzip: false };
  const uri = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(spec);
  if (uri) {
    const scheme = uri[1]!.toLowerCase();
    const format = WRITE_ADAPTERS[scheme];
    if (!format) throw new UsageError(`-w ${spec}: the ${scheme} adapter is not supported; quarry writes ${SUPPORTED_WRITERS}`);
    const path = uri[2]!.replace(/\?.*$/, "") || "-";
    if (format === "sqlite" && path === "-") throw new UsageError(`-w ${spec}: sqlite:// needs a file name`);
    return { format, path, gzip: format !== "sqlite" && path.toLowerCase().endsWith(".gz") };
  }
  let p = spec.toLowerCase();
  const gzip = p.endsWith(".gz");
  if (gzip) p = p.slice(0, -3);
  const base = p.slice(p.lastIndexOf("/") + 1);
  for (const [ext, format] of EXTENSIONS) {
    if (base.endsWith(ext) && base.length > ext.length) {
      if (gzip && format === "sqlite") break;
      return { format, path: spec, gzip };
    }
  }
  const dot = base.lastIndexOf(".");
  // no extension (a device, a FIFO, "out"): the binary stream, flow.record's default
  if (dot <= 0 && !gzip) return { format: "stream", path: spec, gzip: false };
  if (dot <= 0 && gzip) return { format: "stream", path: spec, gzip: true };
  throw new UsageError(`-w ${spec}: ${base.slice(dot)} is not a format quarry writes; it writes ${SUPPORTED_WRITERS}`);
}

/** The format a file name asks for (see parseWriteTarget). */
export function formatForPath(path: string): { format: OutputFormat; gzip: boolean } {
  const t = parseWriteTarget(path);
  return { format: t.format, gzip: t.gzip };
}

/** target-query's choice: -j, -C, --timesketch, -w by extension, text on a TTY or with -s, else the stream. */
export function chooseFormat(flags: OutputFlags, io: CliIO): OutputFormat {
  const explicit = [flags.json && "jsonl", flags.csv && "csv", flags.timesketch && "timesketch"].filter(Boolean) as OutputFormat[];
  if (explicit.length > 1) throw new UsageError("choose one of -j, -C and --timesketch");
  if (explicit.length === 1) return explicit[0]!;
  if (flags.write) return parseWriteTarget(flags.write).format;
  if (flags.strings || io.stdoutIsTTY) return "text";
  return "stream";
}

export interface SinkOptions {
  /** Write to this file instead of stdout ("-" is stdout). */
  path?: string;
  /** Compress with gzip (default: when the path ends in .gz). */
  gzip?: boolean;
  /** -F / -X field selection. */
  filter?: FieldFilter;
}

/** Formats whose every character is ASCII (JSON with ensure_ascii): the Output encodes them as latin1. */
const ASCII_FORMATS: ReadonlySet<OutputFormat> = new Set(["jsonl", "json-plain", "json-pretty", "timesketch"]);

/**
 * Open the destination: stdout (never closed) or a file, optionally through gzip. A file is written in place,
 * as a shell's `>` does: a device or FIFO stays what it is (-w /dev/full, -w a named pipe), nothing is renamed.
 * `cleanup` runs when writing failed: it removes the file if this run created it.
 */
function destination(io: CliIO, opts: SinkOptions, ascii: boolean): { out: Output; done: () => Promise<void>; cleanup: () => string | undefined } {
  const toFile = opts.path !== undefined && opts.path !== "-";
  const gzip = opts.gzip ?? false;
  const nothing = (): undefined => undefined;
  if (!toFile && !gzip) return { out: new Output(io.stdout, { ascii, destination: STDOUT }), done: async () => {}, cleanup: nothing };
  let fd: number | null = null;
  let created = false;
  if (toFile) {
    created = !fs.existsSync(opts.path!);
    try {
      fd = fs.openSync(opts.path!, "w");
    } catch (e) {
      throw new UsageError(`cannot write to ${opts.path}: ${describeSystemError(e)}`);
    }
  }
  const label = toFile ? opts.path! : STDOUT;
  const file: Writable = fd !== null ? fs.createWriteStream("", { fd, highWaterMark: 1 << 16 }) : io.stdout;
  const ours = fd !== null ? fs.fstatSync(fd) : null;
  const cleanup = (): string | undefined => {
    if (fd === null) return undefined;
    file.destroy(); // closes the descriptor, whatever state the stream is in
    if (!ours!.isFile()) return undefined; // a device or FIFO: nothing to remove
    if (!created) return `${label} is incomplete`;
    try {
      const now = fs.lstatSync(opts.path!);
      if (now.ino !== ours!.ino || now.dev !== ours!.dev) return undefined; // replaced meanwhile: not ours to remove
      fs.unlinkSync(opts.path!);
      return "the incomplete file was removed";
    } catch {
      return undefined;
    }
  };
  if (!gzip) return { out: new Output(file, { ownsStream: true, ascii, destination: label }), done: () => finished(file), cleanup };
  const gz = createGzip();
  gz.pipe(file, { end: fd !== null });
  const out = new Output(gz, { ownsStream: true, ascii, destination: label });
  out.watch(file); // the errors of the file (or stdout) below do not travel up the pipe to the gzip stream
  return {
    out,
    done: async () => {
      await finished(gz);
      if (fd !== null) await finished(file);
    },
    cleanup,
  };
}

const STDOUT = "standard output";

function isSystemError(e: unknown): boolean {
  return typeof (e as NodeJS.ErrnoException)?.code === "string";
}

/** Closes the sink, then the destination; on a write failure, cleans up and throws one OutputError. */
class ClosingSink implements RecordSink {
  constructor(
    private readonly inner: RecordSink,
    private readonly out: Output,
    private readonly done: () => Promise<void>,
    private readonly cleanup: () => string | undefined,
  ) {}
  write(rec: AnyRecord): void | Promise<void> {
    return this.inner.write(rec);
  }
  async close(): Promise<void> {
    try {
      await this.inner.close();
      await this.done();
    } catch (e) {
      const failure = this.out.error ?? (e instanceof OutputError ? e : isSystemError(e) ? new OutputError(this.out.destination, e) : null);
      if (!failure) throw e;
      const note = failure.closed ? undefined : this.cleanup();
      throw note ? new OutputError(failure.destination, failure.cause, note) : failure;
    }
  }
}

export function openSink(format: OutputFormat, io: CliIO, opts: SinkOptions = {}): RecordSink {
  // -w sqlite://out.db, jsonfile://-: the file the adapter URI names
  const target = opts.path !== undefined ? parseWriteTarget(opts.path) : null;
  const where: SinkOptions = target ? { ...opts, path: target.path, gzip: opts.gzip ?? target.gzip } : opts;
  const { out, done, cleanup } = destination(io, where, ASCII_FORMATS.has(format));
  const filter = opts.filter;
  let sink: RecordSink;
  switch (format) {
    case "jsonl":
      // -F/-X with descriptor lines would describe fields the records lack: use plain objects then.
      sink = filter?.include?.length || filter?.exclude?.length ? new FormatSink(out, jsonLinesFormatter(filter)) : new JsonLinesSink(out);
      break;
    case "json-plain":
      sink = new FormatSink(out, jsonLinesFormatter(filter));
      break;
    case "json-pretty":
      sink = new FormatSink(out, prettyJsonFormatter(filter));
      break;
    case "text":
      sink = filter ? new FormatSink(out, textFormatter(filter)) : new TextSink(out);
      break;
    case "stream":
      sink = new RecordStreamSink(out, filter);
      break;
    case "csv":
    case "csv-noheader":
      sink = new CsvSink(out, { header: format === "csv", filter });
      break;
    case "line":
    case "line-verbose":
      sink = new LineSink(out, { verbose: format === "line-verbose", filter });
      break;
    case "sqlite":
      sink = new SqliteSink(out, out.destination);
      break;
    case "timesketch":
      sink = new TimesketchSink(out, (n) => io.stderr.write(`info: timesketch: ${n} record(s) without a datetime value left out\n`));
      break;
  }
  return new ClosingSink(sink, out, done, cleanup);
}
