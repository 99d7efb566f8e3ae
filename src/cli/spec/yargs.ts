// A tool's declaration (./types.ts) as yargs reads it: the options, the --help synopsis and epilog.
import type { Argv, Options } from "yargs";
import { epilogText, type CliSpec, type OptionSpec, type OptionsSpec } from "./types.js";

/** The yargs form of each option, under the same types (so the parsed arguments are typed from the table). */
export function yargsOptions<O extends OptionsSpec>(options: O): { [K in keyof O]: O[K] & Options } {
  const out: Record<string, Options> = {};
  for (const [name, o] of Object.entries(options)) out[name] = yargsOption(o);
  return out as { [K in keyof O]: O[K] & Options };
}

function yargsOption(o: OptionSpec): Options {
  const y: Options = { type: o.type, describe: o.describe };
  if (o.alias !== undefined) y.alias = o.alias;
  if (o.choices) y.choices = o.choices;
  if (o.default !== undefined) y.default = o.default;
  if (o.hidden) y.hidden = true;
  // Repeatable, one value per occurrence: "--plugin-path A TARGET" leaves TARGET a target.
  if (o.array) Object.assign(y, { array: true, nargs: 1 });
  return y;
}

/** The --help synopsis: "$0 USAGE", then the description. */
export function usageText(spec: CliSpec): string {
  return `$0 ${spec.usage}\n\n${spec.description}`;
}

/** Name, synopsis, options and epilog from the declaration; the caller adds its own behaviour (help, strictness, failure). */
export function applySpec<T, O extends OptionsSpec>(y: Argv<T>, spec: CliSpec<O>) {
  // --version is every tool's own option (common.ts answers it before parsing): not yargs' built-in one
  return y
    .version(false)
    .parserConfiguration(spec.parserConfiguration ?? {})
    .scriptName(spec.name)
    .usage(usageText(spec))
    .options(yargsOptions(spec.options))
    .epilog(epilogText(spec));
}
