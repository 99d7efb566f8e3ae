// What a plugin must hold to be registered. Built-ins are held to it by test/plugin/invariants.test.ts; an
// external plugin that fails it is reported by name and left out (src/plugin/external.ts).
import { RecordDescriptor } from "../records/descriptor.js";
import { isFieldTypeName } from "../records/fieldtypes.js";
import type { Plugin } from "./define.js";

const PLUGIN_NAME = /^[A-Za-z_][\w.-]*$/;
const MODULE_PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;
const ARG_TYPES = new Set(["string", "number", "boolean"]);

/** Problems with a would-be plugin, as sentences; empty when it can be registered. */
export function checkPlugin(value: unknown): string[] {
  const problems: string[] = [];
  if (typeof value !== "object" || value === null) return ["not an object"];
  const p = value as Record<string, unknown>;
  if (typeof p.name !== "string" || !PLUGIN_NAME.test(p.name)) problems.push(`name ${JSON.stringify(p.name)} is not a plugin name`);
  if (typeof p.path !== "string" || !MODULE_PATH.test(p.path)) problems.push(`path ${JSON.stringify(p.path)} is not a dotted module path (os.unix.log.x)`);
  if (!nonEmptyText(p.description)) problems.push("no description");
  if (typeof p.checkCompatible !== "function") problems.push("no checkCompatible function");
  if (p.os !== undefined) {
    const os = p.os as Record<string, unknown> | null;
    if (!os || typeof os.detect !== "function" || typeof os.info !== "function") problems.push("os needs detect() and info()");
  }
  const fns = p.functions;
  if (typeof fns !== "object" || fns === null || Object.keys(fns).length === 0) {
    problems.push("no functions");
    return problems;
  }
  const ns = typeof p.namespace === "string" ? p.namespace : null;
  for (const [name, raw] of Object.entries(fns as Record<string, unknown>)) {
    const where = `function ${name}`;
    if (ns !== null && name !== ns && !name.startsWith(ns + ".")) problems.push(`${where} is outside namespace ${ns}`);
    if (typeof raw !== "object" || raw === null) {
      problems.push(`${where} is not an object`);
      continue;
    }
    const fn = raw as Record<string, unknown>;
    if (!nonEmptyText(fn.description)) problems.push(`${where} has no description`);
    if (fn.output === "records") {
      if (typeof fn.run !== "function") problems.push(`${where} has no run()`);
      const records = fn.records;
      if (!Array.isArray(records) || records.length === 0) problems.push(`${where} declares no record descriptors`);
      else for (const d of records) problems.push(...checkDescriptor(d, where));
    } else if (fn.output === "value") {
      if (typeof fn.value !== "function") problems.push(`${where} has no value()`);
    } else problems.push(`${where}: output must be "records" or "value"`);
    if (fn.args !== undefined) {
      if (!Array.isArray(fn.args)) problems.push(`${where}: args must be an array`);
      else
        for (const a of fn.args as Record<string, unknown>[]) {
          if (typeof a?.name !== "string" || !ARG_TYPES.has(String(a.type)) || !nonEmptyText(a.help)) {
            problems.push(`${where}: argument ${JSON.stringify(a?.name)} needs a name, a type (string, number, boolean) and help`);
          }
        }
    }
  }
  return problems;
}

function checkDescriptor(d: unknown, where: string): string[] {
  if (!(d instanceof RecordDescriptor)) {
    // A descriptor from another copy of quarry (the plugin bundled its own) would not be recognised by the sinks.
    return [`${where}: a record descriptor was not made by this quarry's defineRecord (import it from "quarry", do not bundle quarry)`];
  }
  const out: string[] = [];
  if (d.fields[0]?.name !== "hostname" || d.fields[1]?.name !== "domain") out.push(`${d.name}: not made with defineRecord (no hostname, domain)`);
  if (d.fieldTypes.get("filepath") !== "path") out.push(`${d.name}: every record needs a filepath field of type path`);
  for (const f of d.fields) if (!isFieldTypeName(f.type)) out.push(`${d.name}.${f.name}: unknown field type ${f.type}`);
  return out;
}

function nonEmptyText(v: unknown): boolean {
  return typeof v === "string" && v.trim() !== "";
}

/** The record descriptors of some plugins' record functions, one per name and hash. */
export function descriptorsOf(plugins: readonly Plugin[]): RecordDescriptor[] {
  const out = new Map<string, RecordDescriptor>();
  for (const p of plugins) {
    for (const fn of Object.values(p.functions)) if (fn.output === "records") for (const d of fn.records) out.set(`${d.name}#${d.hash}`, d);
  }
  return [...out.values()];
}

/**
 * Field names typed two ways, and descriptor names declared with two field lists, that involve one of
 * `among` (all of them when absent). JSON and Elasticsearch consumers map a field name to one type.
 */
export function fieldTypeConflicts(plugins: readonly Plugin[], among?: readonly Plugin[]): string[] {
  const all = descriptorsOf(plugins);
  const mine = among ? new Set(descriptorsOf(among)) : null;
  const involved = (ds: readonly RecordDescriptor[]): boolean => !mine || ds.some((d) => mine.has(d));
  const out: string[] = [];
  const byField = new Map<string, Map<string, RecordDescriptor[]>>();
  const byName = new Map<string, RecordDescriptor[]>();
  for (const d of all) {
    byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
    for (const f of d.fields) {
      const types = byField.get(f.name) ?? new Map<string, RecordDescriptor[]>();
      types.set(f.type, [...(types.get(f.type) ?? []), d]);
      byField.set(f.name, types);
    }
  }
  for (const [field, types] of byField) {
    if (types.size < 2 || !involved([...types.values()].flat())) continue;
    const how = [...types].map(([t, ds]) => `${t} in ${ds.map((d) => d.name).join(", ")}`).join("; ");
    out.push(`field ${field} has two types: ${how}`);
  }
  for (const [name, ds] of byName) {
    if (ds.length > 1 && involved(ds)) out.push(`record ${name} is declared with ${ds.length} different field lists`);
  }
  return out;
}
