// The `message` of a timeline entry (and of a Timesketch event): one printable line a person can read. By
// default it is generic, made from the record's own fields; a plugin may declare a template for its descriptor
// (declareSummary) where a sentence reads better than field=value pairs.
import { DESCRIPTOR, RESERVED_FIELDS, type AnyRecord, type FieldDef, type RecordDescriptor } from "../records/descriptor.js";
import { strValue } from "../records/render.js";
import { printable } from "../util/escape.js";
import { pyStr } from "../util/pyrepr.js";
import { parseTemplate, renderTemplate, type Template } from "./template.js";

/** A message is cut here (with "…"): a summary, not the record (the entry carries the record itself). */
export const MAX_MESSAGE = 240;

/** Fields every entry shows in columns of its own, or that say nothing to a person. */
const NOT_SUMMARISED = new Set(["hostname", "domain", "filepath", "offset", ...RESERVED_FIELDS.map((f) => f.name)]);
const TEXT_TYPES = new Set(["string", "wstring", "path", "uri", "net.ipaddress"]);
const NEVER = new Set(["datetime", "datetime[]", "bytes", "bytes[]", "record", "record[]"]);

const templates = new Map<string, Template>();
const generic = new WeakMap<RecordDescriptor, readonly FieldDef[]>();

/**
 * Declare how the timeline summarises records of `desc`: `{field}` is the field's value, `[…]` a part left out
 * when a field in it is null or empty, `{{ }} [[ ]]` are literal braces and brackets. For example
 * `"{ut_type} {ut_user} on {ut_line}[ from {ut_host}]"`. Throws a TypeError on a field the descriptor lacks.
 * Keyed by the descriptor's name, so it also holds for the same records read back from a worker thread.
 */
export function declareSummary(desc: RecordDescriptor, template: string): void {
  const t = parseTemplate(template);
  for (const name of t.fields) {
    if (!desc.fieldTypes.has(name)) throw new TypeError(`${desc.name}: summary template names no field of it: ${name}`);
  }
  templates.set(desc.name, t);
}

/** The fields a generic summary shows, in order: the text fields first, then the others, each in declared order. */
function summaryFields(desc: RecordDescriptor): readonly FieldDef[] {
  let f = generic.get(desc);
  if (!f) {
    const shown = desc.fields.filter((x) => !NOT_SUMMARISED.has(x.name) && !NEVER.has(x.type));
    f = [...shown.filter((x) => TEXT_TYPES.has(x.type)), ...shown.filter((x) => !TEXT_TYPES.has(x.type))];
    generic.set(desc, f);
  }
  return f;
}

/** A value in a generic summary: bare when it is one printable word, else quoted as Python's repr. */
function shown(type: string, v: unknown): string {
  if (typeof v === "string") return /^[^\s'"=\\]+$/.test(v) && printable(v) === v ? v : pyStr(v);
  return printable(strValue(type, v));
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

/** The record's one-line summary. */
export function summarize(rec: AnyRecord): string {
  const desc = rec[DESCRIPTOR];
  const t = templates.get(desc.name);
  if (t) return cut(renderTemplate(t, (name) => {
    const v = rec[name];
    return isEmpty(v) ? null : printable(strValue(desc.fieldTypes.get(name) ?? "", v));
  }));
  let out = "";
  for (const f of summaryFields(desc)) {
    const v = rec[f.name];
    if (isEmpty(v)) continue;
    out += (out ? " " : "") + f.name + "=" + shown(f.type, v);
    if (out.length > MAX_MESSAGE) break;
  }
  return cut(out);
}

function cut(s: string): string {
  if (s.length <= MAX_MESSAGE) return s;
  let end = MAX_MESSAGE - 1;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // never half a surrogate pair
  return s.slice(0, end) + "…";
}
