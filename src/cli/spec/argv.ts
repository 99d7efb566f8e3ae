// The command line read as yargs reads it, without loading yargs (~50 ms of start-up: its help renderer, locale
// and string-width tables): the same yargs-parser call with the options yargs would build from the declaration,
// and yargs' own post-processing ($0, `--` arguments appended, positional numbers). Whatever yargs would
// validate or report (a parse error, a value outside an option's choices) is left to yargs: `parseFast` returns
// null and the caller parses with yargs (./yargs.ts), so messages and exit codes stay yargs'. test/cli/argv.test.ts
// checks the options against yargs' own and the results on a corpus of command lines.
import parser from "yargs-parser";
import type { CliSpec, OptionsSpec } from "./types.js";

type ParserOptions = NonNullable<Parameters<typeof parser.detailed>[1]>;

/** The yargs-parser options yargs builds from a declaration (yargs' `option()`), plus extra booleans. */
export function parserOptions(spec: CliSpec, booleans: readonly string[] = []): ParserOptions & {
  alias: Record<string, string[]>;
  array: string[];
  boolean: string[];
  string: string[];
  count: string[];
  number: string[];
  narg: Record<string, number>;
  default: Record<string, unknown>;
} {
  const o = { alias: {} as Record<string, string[]>, array: [] as string[], boolean: [] as string[], string: [] as string[], count: [] as string[], number: [] as string[], narg: {} as Record<string, number>, default: {} as Record<string, unknown> };
  for (const [key, opt] of Object.entries(spec.options as OptionsSpec)) {
    const aliases = opt.alias === undefined ? [] : typeof opt.alias === "string" ? [opt.alias] : [...opt.alias];
    if (aliases.length) (o.alias[key] ??= []).push(...aliases);
    if (opt.default !== undefined) o.default[key] = opt.default;
    if (opt.array) o.narg[key] = 1;
    if (opt.type === "boolean") o.boolean.push(key, ...aliases);
    if (opt.array) o.array.push(key, ...aliases);
    if (opt.type === "number") o.number.push(key, ...aliases);
    if (opt.type === "string") o.string.push(key, ...aliases);
    if (opt.type === "count") o.count.push(key);
  }
  o.boolean.push(...booleans);
  return o;
}

/** The arguments as yargs' parseSync would give them, or null when yargs must answer (an error to report). */
export function parseFast(argv: readonly string[], spec: CliSpec, booleans: readonly string[] = []): Record<string, unknown> & { _: (string | number)[] } | null {
  const opts = parserOptions(spec, booleans);
  const userConfig = (spec.parserConfiguration ?? {}) as Record<string, unknown>;
  const parsed = parser.detailed([...argv], {
    ...opts,
    configuration: { "parse-positional-numbers": false, ...userConfig, "populate--": true },
  });
  if (parsed.error) return null;
  for (const [key, opt] of Object.entries(spec.options as OptionsSpec)) {
    if (!opt.choices) continue;
    const v = (parsed.argv as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if ((Array.isArray(v) ? v : [v]).some((x) => !opt.choices!.includes(x as string))) return null;
  }
  const out = parsed.argv as Record<string, unknown> & { _: (string | number)[] };
  out.$0 = spec.name;
  // yargs' post-processing when populate-- is not asked for: the words after `--` become positionals
  if (!userConfig["populate--"]) {
    const dd = out["--"] as (string | number)[] | undefined;
    if (out._ && dd) {
      out._.push(...dd);
      delete out["--"];
    }
  }
  if (userConfig["parse-positional-numbers"] === undefined || userConfig["parse-positional-numbers"]) {
    const args = (out["--"] as (string | number)[] | undefined) ?? out._;
    for (let i = 0, a; (a = args[i]) !== undefined; i++) {
      if (parser.looksLikeNumber(a) && Number.isSafeInteger(Math.floor(parseFloat(`${a}`)))) args[i] = Number(a);
    }
  }
  return out;
}
