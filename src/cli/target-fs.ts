// target-fs: look inside any target the way the plugins see it.
//   target-fs [-L LOADER] [-q] TARGET COMMAND [ARGS]: the commands are src/cli/fs/commands.ts (shared with
//   target-shell), plus tar.
import { loaderByName } from "../../loaders/index.js";
import { Target } from "../target.js";
import { exportTar } from "./export-tar.js";
import { maxInflateArg } from "./budgets.js";
import { Output, OutputError } from "../records/output.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK, EXIT_USAGE, printLine, UsageError, versionLine, wantsVersion, type CliIO } from "./common.js";
import { fsCommand } from "./fs/commands.js";
import { TARGET_FS } from "./spec/target-fs.js";
import { epilogText, flagsOf, type CliSpec } from "./spec/types.js";

export { modeString } from "./fs/format.js";

/** The help, from the declaration (spec/target-fs.ts). */
export function usageText(spec: CliSpec = TARGET_FS): string {
  const cmds = spec.commands ?? [];
  const cw = Math.max(...cmds.map((c) => c.usage.length)) + 3;
  const flags = Object.entries(spec.options).map(([name, o]) => [flagsOf(name, o).join(", ") + (o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""), o.describe] as const);
  const fw = Math.max(...flags.map(([f]) => f.length)) + 2;
  let out = `usage: ${spec.name} ${spec.usage}\n\n${spec.description}\n\ncommands:\n`;
  for (const c of cmds) out += `  ${c.usage.padEnd(cw)}${c.describe}\n`;
  out += "\noptions:\n";
  for (const [f, d] of flags) out += `  ${f.padEnd(fw)}${d}\n`;
  out += "\n" + epilogText(spec) + "\n";
  return out;
}

const USAGE = usageText();
const COMMANDS = (TARGET_FS.commands ?? []).map((c) => c.name);
const NEEDS_OPERAND = new Set((TARGET_FS.commands ?? []).filter((c) => c.needsOperand).map((c) => c.name));
/** "-L" / "--loader" → "loader", from the declaration. */
const FLAGS = new Map(Object.entries(TARGET_FS.options).flatMap(([name, o]) => flagsOf(name, o).map((f) => [f, name] as const)));

interface Parsed {
  loader?: string;
  maxInflate?: number;
  quiet: boolean;
  rest: string[];
  /** What follows the command: its own options and operands. */
  commandArgs: string[];
}

function parse(argv: readonly string[]): Parsed {
  const out: Parsed = { quiet: false, rest: [], commandArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    // TARGET and COMMAND seen: the rest is the command's (`stat -L` is stat's, not the loader option)
    if (out.rest.length === 2) {
      out.commandArgs = argv.slice(i);
      break;
    }
    if (a === "--") {
      const take = 2 - out.rest.length;
      out.rest.push(...argv.slice(i + 1, i + 1 + take));
      out.commandArgs = argv.slice(i + 1 + take);
      break;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const option = FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    if (option === "loader") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a loader name`);
      if (!loaderByName(v)) throw new UsageError(`unknown loader "${v}" (see target-query -l)`);
      out.loader = v;
    } else if (option === "max-inflate") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a size`);
      out.maxInflate = maxInflateArg(v);
    } else if (option === "quiet" && eq < 0) out.quiet = true;
    else if (option === "help" && eq < 0) out.rest.unshift("help");
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.rest.push(a);
  }
  return out;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("target-fs"));
    return EXIT_OK;
  }
  const args = parse(argv);
  if (args.rest[0] === "help") {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (args.rest.length === 0) {
    io.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  const [targetPath, cmd] = args.rest as [string, string | undefined];
  const operands = args.commandArgs;
  if (!cmd) throw new UsageError(`no command given (${COMMANDS.join(", ")})`);
  if (!COMMANDS.includes(cmd)) throw new UsageError(`unknown command ${cmd} (${COMMANDS.join(", ")})`);
  if (NEEDS_OPERAND.has(cmd) && operands.length === 0) throw new UsageError(`${cmd} needs a path`);

  let target: Target;
  try {
    target = await Target.open(targetPath, { loader: args.loader, maxInflate: args.maxInflate });
  } catch (e) {
    printLine(io.stderr, `target-fs: error: ${(e as Error).message}`);
    return EXIT_NO_TARGET;
  }
  if (!args.quiet) for (const w of target.warnings) printLine(io.stderr, `target-fs: warning: ${targetPath}: ${w}`);
  for (const u of target.unreadable) printLine(io.stderr, `target-fs: error: ${targetPath}: not read: ${u}`);
  // Every command writes through one Output: a destination that fails throws an OutputError, which ends the
  // command (runCli reports it; a reader that went away ends it quietly).
  const out = new Output(io.stdout, { destination: "standard output" });
  try {
    if (cmd === "tar") {
      const r = await exportTar(target.fs, operands, out);
      await out.close();
      for (const s of r.skipped) printLine(io.stderr, `target-fs: tar: ${s.path}: ${s.reason}`);
      return r.skipped.length ? EXIT_ERRORS : EXIT_OK;
    }
    // ls, walk, find, stat … are read by people: names escaped as `ls -b` does; cat writes the bytes as they are
    const failed = await fsCommand(cmd)!.run({ fs: target.fs, cwd: "/", out, stderr: io.stderr, tool: "target-fs" }, operands);
    await out.close();
    return failed ? EXIT_ERRORS : EXIT_OK;
  } finally {
    target.close();
  }
}
