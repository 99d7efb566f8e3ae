// A function with a single value (hostname, version) as a record, so it can share a sink with records.
import { defineRecord } from "../records/descriptor.js";

export const FunctionValueRecord = defineRecord("quarry/value", {
  function: "string",
  value: "string",
  filepath: "path",
});

export function valueText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map((x) => valueText(x) ?? "None").join(", ");
  return String(v);
}

/** A value and the file it was read from: the quarry/value record's filepath, target-info's "(from …)". */
export class SourcedValue {
  constructor(
    readonly value: unknown,
    readonly filepath: string | null,
  ) {}
}

/** What a value function returns to say where its answer came from. */
export function withSource(value: unknown, filepath: string | null): SourcedValue {
  return new SourcedValue(value, filepath);
}

/** A value function's answer as value and source. */
export function unwrapValue(v: unknown): { value: unknown; filepath: string | null } {
  return v instanceof SourcedValue ? { value: v.value, filepath: v.filepath } : { value: v, filepath: null };
}
