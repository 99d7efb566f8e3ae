// Function arguments from the command line (`-f failed_logins --by addr`), checked against declarations.
import type { ArgSpec, ArgValues } from "./define.js";

export class UsageError extends Error {
  override name = "UsageError";
}

/** Check raw option values against one function's declared arguments; defaults fill what is missing. */
export function bindArgs(specs: readonly ArgSpec[] | undefined, raw: Record<string, unknown>, fn: string): ArgValues {
  const out: ArgValues = {};
  for (const spec of specs ?? []) {
    const v = raw[spec.name];
    if (v === undefined) {
      out[spec.name] = spec.default;
      continue;
    }
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (spec.type === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`${fn}: --${spec.name} expects a number, got ${String(value)}`);
      out[spec.name] = n;
    } else if (spec.type === "boolean") {
      out[spec.name] = value === true || value === "true" || value === "1" || value === "yes";
    } else {
      const s = String(value);
      if (spec.choices && !spec.choices.includes(s)) {
        throw new UsageError(`${fn}: --${spec.name} must be one of ${spec.choices.join(", ")}; got ${s}`);
      }
      out[spec.name] = s;
    }
  }
  return out;
}

export function describeArg(spec: ArgSpec): string {
  const choices = spec.choices ? ` {${spec.choices.join(",")}}` : spec.type === "boolean" ? "" : ` ${spec.type.toUpperCase()}`;
  const def = spec.default !== undefined ? ` (default: ${String(spec.default)})` : "";
  return `--${spec.name}${choices}  ${spec.help}${def}`;
}
