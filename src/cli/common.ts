// Shared command-line plumbing: injectable stdio (for tests), @file target lists, verbosity, exit codes.
import fs from "node:fs";
import type { Writable } from "node:stream";
import { describeFailure } from "../plugin/external.js";
import type { Registry } from "../plugin/registry.js";
import { Logger, type Level } from "../util/log.js";
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
  const level: Level = quiet ? "error" : verbose > 0 ? "debug" : "info";
  return new Logger((line) => io.stderr.write(line), level);
}

/** Run a CLI main, turning usage errors into exit code 2 with a one-line message. */
export async function runCli(name: string, main: (argv: string[], io: CliIO) => Promise<number>): Promise<void> {
  const io = processIO();
  try {
    process.exitCode = await main(process.argv.slice(2), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${name}: error: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      io.stderr.write(`${name}: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT_ERRORS;
    }
  }
}


/** Which external plugins failed to load (the others run), as warnings; a replaced built-in is worth an info line. */
export function reportExternalPlugins(registry: Registry, log: Logger): void {
  const ext = registry.external;
  if (!ext) return;
  for (const f of ext.failures) log.warn(`plugin failed to load: ${describeFailure(f)}`);
  for (const n of ext.notices) log.info(n);
}

export { UsageError };
