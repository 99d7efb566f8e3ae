// The budget options the tools share (docs/loaders.md, "Budgets").
import { UsageError } from "../plugin/args.js";
import { parseSize } from "../util/inflate-budget.js";

/** --max-inflate SIZE → bytes (undefined when not given); a value that is not a size is a usage error. */
export function maxInflateArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = parseSize(v);
  if (n === null) throw new UsageError(`--max-inflate: expected a size such as 64M, 2G or 500G, got ${JSON.stringify(v)}`);
  return n;
}
