// target-shell: an interactive shell over one or more targets (src/cli/shell/session.ts runs each line).
import nodeFs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { defaultRegistry } from "../../plugins/index.js";
import { loaderByName } from "../../loaders/index.js";
import { Target } from "../target.js";
import { maxInflateArg } from "./budgets.js";
import { EXIT_NO_TARGET, EXIT_OK, EXIT_USAGE, expandAtFiles, makeLogger, preprocessArgv, printLine, UsageError, versionLine, wantsVersion, type CliIO } from "./common.js";
import { complete } from "./shell/complete.js";
import { Session } from "./shell/session.js";
import { TARGET_SHELL } from "./spec/target-shell.js";
import { epilogText, flagsOf } from "./spec/types.js";

const HISTORY_SIZE = 1000;

function usageText(): string {
  const flags = Object.entries(TARGET_SHELL.options).map(([name, o]) => [flagsOf(name, o).join(", ") + (o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""), o.describe] as const);
  const fw = Math.max(...flags.map(([f]) => f.length)) + 2;
  let out = `usage: target-shell ${TARGET_SHELL.usage}\n\n${TARGET_SHELL.description}\n\noptions:\n`;
  for (const [f, d] of flags) out += `  ${f.padEnd(fw)}${d}\n`;
  return out + "\n" + epilogText(TARGET_SHELL) + "\n";
}

interface Parsed {
  loader?: string;
  maxInflate?: number;
  quiet: boolean;
  verbose: number;
  help: boolean;
  targets: string[];
}

const FLAGS = new Map(Object.entries(TARGET_SHELL.options).flatMap(([name, o]) => flagsOf(name, o).map((f) => [f, name] as const)));

export function parseArgs(argv: readonly string[]): Parsed {
  const out: Parsed = { quiet: false, verbose: 0, help: false, targets: [] };
  argv = preprocessArgv(argv);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.targets.push(...argv.slice(i + 1));
      break;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const option = FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (option === "loader") {
      const v = value();
      if (!loaderByName(v)) throw new UsageError(`unknown loader "${v}" (see target-query -l)`);
      out.loader = v;
    } else if (option === "max-inflate") out.maxInflate = maxInflateArg(value());
    else if (option === "quiet" && eq < 0) out.quiet = true;
    else if (option === "verbose" && eq < 0) out.verbose++;
    else if (option === "help" && eq < 0) out.help = true;
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.targets.push(a);
  }
  out.targets = expandAtFiles(out.targets);
  return out;
}

/** ~/.quarry_history unless QUARRY_HISTORY says otherwise ("" for none). */
function historyFile(): string | null {
  const env = process.env.QUARRY_HISTORY;
  if (env !== undefined) return env === "" ? null : env;
  return path.join(os.homedir(), ".quarry_history");
}

function loadHistory(file: string | null): string[] {
  if (!file) return [];
  try {
    // readline wants the newest first
    return nodeFs.readFileSync(file, "utf8").split("\n").filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

function saveHistory(file: string | null, lines: readonly string[]): void {
  if (!file || lines.length === 0) return;
  try {
    nodeFs.appendFileSync(file, lines.join("\n") + "\n", { mode: 0o600 });
  } catch {
    /* optional: a read-only home keeps the history in memory only */
  }
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("target-shell"));
    return EXIT_OK;
  }
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout.write(usageText());
    return EXIT_OK;
  }
  if (args.targets.length === 0) {
    io.stderr.write(usageText());
    return EXIT_USAGE;
  }
  const registry = defaultRegistry;
  const log = makeLogger(io, args.quiet, args.verbose);
  const targets: Target[] = [];
  for (const p of args.targets) {
    try {
      const t = await Target.open(p, { loader: args.loader, maxInflate: args.maxInflate, osPlugins: registry.osPlugins });
      if (!args.quiet) for (const w of t.warnings) printLine(io.stderr, `target-shell: warning: ${p}: ${w}`);
      for (const u of t.unreadable) printLine(io.stderr, `target-shell: error: ${p}: not read: ${u}`);
      targets.push(t);
    } catch (e) {
      printLine(io.stderr, `target-shell: error: ${(e as Error).message}`);
    }
  }
  if (targets.length === 0) return EXIT_NO_TARGET;
  const session = new Session(targets, registry, io, log);
  const input = io.stdin ?? process.stdin;
  const terminal = !!(input as NodeJS.ReadStream).isTTY && io.stdoutIsTTY;
  const file = terminal ? historyFile() : null;
  const typed: string[] = [];
  const rl = readline.createInterface({
    input,
    output: terminal ? io.stdout : undefined,
    terminal,
    historySize: HISTORY_SIZE,
    history: loadHistory(file),
    completer: (line: string) => complete(line, session.names(), session.here.target.fs, session.here.cwd),
  });
  session.foreground = async (run) => {
    const tty = input as NodeJS.ReadStream;
    rl.pause();
    if (terminal) tty.setRawMode(false);
    try {
      await run();
    } finally {
      if (terminal) tty.setRawMode(true);
      rl.resume();
    }
  };
  // Ctrl-C clears the line, as a shell does; Ctrl-D (end of input) leaves
  rl.on("SIGINT", () => {
    io.stdout.write("^C\n");
    rl.write(null, { ctrl: true, name: "u" });
    rl.prompt();
  });
  try {
    if (terminal) {
      io.stdout.write(`target-shell: ${targets.length} target${targets.length === 1 ? "" : "s"} open; help lists the commands\n`);
      rl.setPrompt(session.prompt());
      rl.prompt();
    }
    for await (const line of rl) {
      if (line.trim()) typed.push(line);
      await session.execute(line);
      if (session.done) break;
      if (terminal) {
        rl.setPrompt(session.prompt());
        rl.prompt();
      }
    }
  } finally {
    rl.close();
    saveHistory(file, typed);
    for (const t of targets) t.close();
  }
  if (terminal && !session.done) io.stdout.write("\n");
  return EXIT_OK;
}
