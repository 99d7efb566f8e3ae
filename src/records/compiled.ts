// Per-descriptor formatters, generated once per descriptor: the sinks' hot path. A record's JSON or text line
// becomes one string concatenation with the field keys as constants, instead of a loop over the fields with a
// switch on each field's type (measured ~4x faster on a wtmp-shaped record).
import type { AnyRecord, RecordDescriptor } from "./descriptor.js";
import { jsonString, jsonValue, reprValue } from "./render.js";
import { pyStr } from "../util/pyrepr.js";
import { Timestamp } from "./timestamp.js";

type Formatter = (rec: AnyRecord) => string;

const jsonCache = new WeakMap<RecordDescriptor, Formatter>();
const jsonPlainCache = new WeakMap<RecordDescriptor, Formatter>();
const textCache = new WeakMap<RecordDescriptor, Formatter>();

/** Helpers the generated code calls; passed in, never reached through globals. */
const H = { jsonString, jsonValue, reprValue, pyStr, Timestamp };

function access(name: string): string {
  return `r[${JSON.stringify(name)}]`;
}

// Values of the declared type take a fast path; anything else (null, or a wrong type from a hostile stream read
// by rdump) goes through render.ts, which handles every value.
function jsonExpr(type: string, v: string): string {
  const other = `H.jsonValue(${JSON.stringify(type)}, ${v})`;
  switch (type) {
    case "string":
    case "path":
    case "net.ipaddress":
      return `(typeof ${v} === "string" ? H.jsonString(${v}) : ${other})`;
    case "varint":
    case "uint16":
    case "uint32":
    case "filesize":
    case "unix_file_mode":
      return `(typeof ${v} === "number" || typeof ${v} === "bigint" ? String(${v}) : ${other})`;
    case "datetime":
      return `(${v} instanceof H.Timestamp && ${v}.inRange() ? '"' + ${v}.isoformat("T") + '"' : ${other})`;
    case "boolean":
      return `(${v} === true ? "true" : ${v} === false ? "false" : ${other})`;
    default:
      return other;
  }
}

function textExpr(type: string, v: string): string {
  const other = `H.reprValue(${JSON.stringify(type)}, ${v})`;
  switch (type) {
    case "string":
    case "path":
      return `(typeof ${v} === "string" ? H.pyStr(${v}) : ${other})`;
    case "varint":
    case "uint16":
    case "uint32":
      return `(typeof ${v} === "number" || typeof ${v} === "bigint" ? String(${v}) : ${other})`;
    case "datetime":
      return `(${v} instanceof H.Timestamp && ${v}.inRange() ? ${v}.isoformat(" ") : ${other})`;
    default:
      return other;
  }
}

function build(body: string): Formatter {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function("H", `return function (r) { return ${body}; };`) as (h: typeof H) => Formatter;
  return make(H);
}

/** The JSON object of a record (every field, reserved included); `descriptorKeys` adds _type/_recorddescriptor. */
export function jsonFormatter(desc: RecordDescriptor, descriptorKeys = true): Formatter {
  const cache = descriptorKeys ? jsonCache : jsonPlainCache;
  let f = cache.get(desc);
  if (f) return f;
  const parts = desc.allFields.map((fd, i) => {
    const key = (i === 0 ? "{" : ", ") + jsonString(fd.name) + ": ";
    return `${JSON.stringify(key)} + ${jsonExpr(fd.type, access(fd.name))}`;
  });
  let tail = "";
  if (descriptorKeys) tail = `, "_type": "record", "_recorddescriptor": [${jsonString(desc.name)}, ${desc.hash}]`;
  parts.push(JSON.stringify(tail + "}"));
  f = build(parts.join(" + "));
  cache.set(desc, f);
  return f;
}

/** flow.record's text line for a record: <name field=repr …> over the declared fields. */
export function textFormatter(desc: RecordDescriptor): Formatter {
  let f = textCache.get(desc);
  if (f) return f;
  const parts = [JSON.stringify("<" + desc.name)];
  for (const fd of desc.fields) parts.push(`${JSON.stringify(" " + fd.name + "=")} + ${textExpr(fd.type, access(fd.name))}`);
  parts.push(`">"`);
  f = build(parts.join(" + "));
  textCache.set(desc, f);
  return f;
}
