// The shape of a command-line tool's declaration: one table per tool (src/cli/spec/<tool>.ts) that both the
// tool's parser (yargs, through ./yargs.ts) and the reference (docs/cli.md, src/docs/reference.ts) read.
import type { ParserConfigurationOptions } from "yargs";

export type OptionType = "string" | "number" | "boolean" | "count";

export interface OptionSpec {
  /** Other names: one letter ("f" → -f) or more ("xf" → -xf, dissect's spelling). */
  readonly alias?: string | readonly string[];
  /** "count" counts repetitions (-v -v → 2). */
  readonly type: OptionType;
  /** One line, shown by --help and in the reference. */
  readonly describe: string;
  readonly choices?: readonly string[];
  /** A fixed default the parser fills in (most options have none: unset means "not given"). */
  readonly default?: string | number | boolean;
  /** Not shown by --help (still listed in the reference, marked hidden). */
  readonly hidden?: boolean;
  /** Repeatable: each occurrence takes one value, and the option's value is the array of them. */
  readonly array?: boolean;
  /** The value's name in the reference: FILE, N, DIR (default: the type in capitals). */
  readonly value?: string;
}

export type OptionsSpec = { readonly [name: string]: OptionSpec };

/** A subcommand (target-fs's ls, cat, …). */
export interface CommandSpec {
  readonly name: string;
  /** The command with its operands: "ls [-l] [PATH]". */
  readonly usage: string;
  readonly describe: string;
  /** Does it need at least one operand (a path)? */
  readonly needsOperand?: boolean;
}

export interface ExitCodeSpec {
  readonly code: number;
  /** Short: it ends the --help text ("Exit: 0 all well, 1 …"). */
  readonly meaning: string;
  /** More for the reference only. */
  readonly detail?: string;
}

export interface CliSpec<O extends OptionsSpec = OptionsSpec> {
  /** The command's name ("target-query"). */
  readonly name: string;
  /** The synopsis after the name: "[options] TARGET... -f FUNCTIONS". */
  readonly usage: string;
  /** One or two sentences: under the synopsis in --help, and in the reference. */
  readonly description: string;
  /** In --help order. */
  readonly options: O;
  readonly commands?: readonly CommandSpec[];
  /** Short notes: the end of --help, and the reference. Plain text. */
  readonly notes?: readonly string[];
  /** Longer guidance for the reference only: markdown paragraphs or list items. */
  readonly details?: readonly string[];
  readonly exitCodes: readonly ExitCodeSpec[];
  /** How yargs reads the command line (tools without yargs leave it out). */
  readonly parserConfiguration?: Partial<ParserConfigurationOptions>;
}

/** Declare a tool. `const` keeps the literal option types, so the parser's result is typed from the table. */
export function defineCli<const O extends OptionsSpec>(spec: CliSpec<O>): CliSpec<O> {
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.choices && o.default !== undefined && !o.choices.includes(String(o.default))) {
      throw new TypeError(`${spec.name}: --${name}: default ${String(o.default)} is not one of its choices`);
    }
  }
  return spec;
}

/** Every name the options answer to (names and aliases), plus yargs' own "_" and "$0". */
export function knownOptions(spec: CliSpec): Set<string> {
  const out = new Set(["_", "$0"]);
  for (const [name, o] of Object.entries(spec.options)) {
    out.add(name);
    for (const a of aliasesOf(o)) out.add(a);
  }
  return out;
}

export function aliasesOf(o: OptionSpec): readonly string[] {
  return o.alias === undefined ? [] : typeof o.alias === "string" ? [o.alias] : o.alias;
}

/**
 * The flags as an analyst types them: "-f", "--function". Aliases of one or two letters take one dash (the tools
 * parse without short-option grouping, so dissect's -xf, and rdump's -Lv and -Cn, are single flags), the
 * others two, and so does an option's own name unless it is one letter (--to); short ones first.
 */
export function flagsOf(name: string, o: OptionSpec): string[] {
  const names = [name, ...aliasesOf(o)];
  const isShort = (n: string): boolean => n.length === 1 || (n !== name && n.length === 2);
  const short = names.filter(isShort);
  const long = names.filter((n) => !isShort(n));
  return [...short.map((n) => `-${n}`), ...long.map((n) => `--${n}`)];
}

/** The closing line of --help: "Exit: 0 all well, 1 …, 2 usage error." */
export function exitLine(spec: CliSpec): string {
  return `Exit: ${spec.exitCodes.map((e) => `${e.code} ${e.meaning}`).join(", ")}.`;
}

/** The end of --help: the notes, then the exit codes. */
export function epilogText(spec: CliSpec): string {
  return [...(spec.notes ?? []), exitLine(spec)].join("\n");
}
