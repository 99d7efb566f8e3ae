// Shared command-line plumbing: injectable stdio (for tests), @file target lists, verbosity, exit codes.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import { describeFailure } from "../plugin/external.js";
import type { Registry } from "../plugin/registry.js";
import { OutputError } from "../records/output.js";
import { printable, printableLines } from "../util/escape.js";
import { Logger, type Level } from "../util/log.js";
import { allowYoungGenerationHold } from "../util/young-generation.js";
import { UsageError } from "../plugin/args.js";

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** Is stdout a terminal? (text output there; the binary stream into a pipe.) */
  stdoutIsTTY: boolean;
  stdin?: NodeJS.ReadableStream;
}

export const EXIT_OK = 0;
export const EXIT_ERRORS = 1;
export const EXIT_USAGE = 2;
export const EXIT_NO_TARGET = 3;

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdoutIsTTY: !!process.stdout.isTTY, stdin: process.stdin };
}

/** `-vv` → `-v -v` (yargs runs without short-option grouping so that dissect's `-xf` is one flag). */
export function preprocessArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    if (/^-v{2,}$/.test(a)) for (let i = 1; i < a.length; i++) out.push("-v");
    else out.push(a);
  }
  return out;
}

/** `--version` before any `--`: every tool answers it before parsing anything else. */
export function wantsVersion(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--version");
}

/** "target-query (quarry) 0.1.0, Node v20.…": the package's version, read once from its package.json. */
export function versionLine(tool: string): string {
  return `${tool} (quarry) ${packageVersion()}, Node ${process.version}`;
}

let version: string | undefined;
function packageVersion(): string {
  if (version !== undefined) return version;
  // src/cli/common.ts (tests) or dist/src/cli/common.js (the bins): the nearest package.json named quarry
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "quarry" && pkg.version) return (version = pkg.version);
    } catch {
      /* not here: look further up */
    }
  }
  return (version = "unknown");
}

/** Expand `@file` arguments: one target per line, blank lines and `#` comments skipped. */
export function expandAtFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (a.startsWith("@") && a.length > 1) {
      let text: string;
      try {
        text = fs.readFileSync(a.slice(1), "utf8");
      } catch (e) {
        throw new UsageError(`cannot read target list ${a.slice(1)}: ${(e as Error).message}`);
      }
      for (const line of text.split(/\r?\n/)) {
        const t = line.trim();
        if (t && !t.startsWith("#")) out.push(t);
      }
    } else out.push(a);
  }
  return out;
}

export function makeLogger(io: CliIO, quiet: boolean, verbose: number): Logger {
  const level: Level = quiet ? "error" : verbose >= 2 ? "debug" : verbose === 1 ? "verbose" : "info";
  return new Logger((line) => io.stderr.write(line), level);
}

/**
 * Run a CLI main: usage errors are exit 2 with a one-line message; a destination that cannot be written is one
 * line naming it and the error, exit 1; a reader that went away (`| head`) ends the run quietly, exit 0, as Unix
 * tools do. Nothing a person reads on stderr carries control characters from the evidence.
 */
export async function runCli(name: string, main: (argv: string[], io: CliIO) => Promise<number>): Promise<void> {
  allowYoungGenerationHold();
  const io = processIO();
  // stderr cannot report its own failure (a closed pipe, 2>/dev/full): never let it end the run.
  process.stderr.on("error", () => {});
  // Writes straight to stdout (listings, target-info, help) fail here; the record sinks see it themselves too.
  let stdoutError: OutputError | null = null;
  process.stdout.on("error", (e) => {
    stdoutError ??= new OutputError("standard output", e);
  });
  let code: number;
  let failure: OutputError | null = null;
  try {
    code = await main(process.argv.slice(2), io);
    await settled(process.stdout);
  } catch (e) {
    if (e instanceof UsageError) {
      printLine(io.stderr, `${name}: error: ${e.message}`);
      code = EXIT_USAGE;
    } else if (e instanceof OutputError) {
      failure = e; // the run stopped because its output did
      code = e.closed ? EXIT_OK : EXIT_ERRORS;
    } else {
      io.stderr.write(printableLines(`${name}: ${(e as Error).stack ?? String(e)}`) + "\n");
      code = EXIT_ERRORS;
    }
  }
  // A reader that went away is no failure; any other write error is, whatever else the run found.
  const lost = failure ?? stdoutError;
  if (lost && !lost.closed) {
    printLine(io.stderr, `${name}: error: ${lost.message}`);
    if (code === EXIT_OK) code = EXIT_ERRORS;
  }
  process.exitCode = code;
}

/** Every write handed to the stream so far has been carried out (or has failed). */
function settled(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/** One line for a person on stderr (or a human-readable stdout): made printable, then the newline. */
export function printLine(stream: Writable, text: string): void {
  stream.write(printable(text) + "\n");
}

/** Which external plugins failed to load (the others run), as warnings; a replaced built-in is worth an info line. */
export function reportExternalPlugins(registry: Registry, log: Logger): void {
  const ext = registry.external;
  if (!ext) return;
  for (const f of ext.failures) log.warn(`plugin failed to load: ${describeFailure(f)}`);
  for (const n of ext.notices) log.info(n);
}

export { UsageError };
