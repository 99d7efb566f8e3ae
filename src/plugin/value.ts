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
