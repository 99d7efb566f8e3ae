// How field values look in text (flow.record's repr) and in JSON (flow.record's JsonRecordPacker through
// Python's json.dumps: ", " and ": " separators, ASCII only). Both are driven by the field's declared type.
import { pyBytes, pyFloat, pyStr } from "../util/pyrepr.js";
import { DESCRIPTOR, type AnyRecord } from "./descriptor.js";
import { Timestamp } from "./timestamp.js";

function isRecord(v: unknown): v is AnyRecord {
  return typeof v === "object" && v !== null && DESCRIPTOR in v;
}

export function reprValue(type: string, v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (type.endsWith("[]")) {
    if (!Array.isArray(v)) return reprDynamic(v); // a foreign stream may hold anything
    const el = type.slice(0, -2);
    return "[" + v.map((x) => reprValue(el, x)).join(", ") + "]";
  }
  switch (type) {
    case "string":
    case "path":
    case "uri":
      return pyStr(String(v));
    case "datetime":
      return v instanceof Timestamp ? (v.inRange() ? v.isoformat(" ") : "None") : String(v);
    case "boolean":
      return v ? "True" : "False";
    case "float":
      return pyFloat(Number(v));
    case "net.ipaddress":
      return `net.ipaddress(${pyStr(String(v))})`;
    case "bytes":
      return v instanceof Uint8Array ? pyBytes(v) : reprDynamic(v);
    case "unix_file_mode":
      return "0o" + Number(v).toString(8);
    default:
      return reprDynamic(v);
  }
}

/** repr of a value whose field type is foreign or dynamic: by its JS type. */
export function reprDynamic(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return pyStr(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloat(v);
  if (v instanceof Timestamp) return v.inRange() ? v.isoformat(" ") : "None";
  if (v instanceof Uint8Array) return pyBytes(v);
  if (Array.isArray(v)) return "[" + v.map(reprDynamic).join(", ") + "]";
  if (v instanceof Map) return "{" + [...v].map(([k, x]) => reprDynamic(k) + ": " + reprDynamic(x)).join(", ") + "}";
  if (isRecord(v)) {
    const d = v[DESCRIPTOR];
    return "<" + d.name + d.fields.map((f) => " " + f.name + "=" + reprValue(f.type, v[f.name])).join("") + ">";
  }
  return pyStr(JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)));
}

/** str() of a value (CSV cells, rdump -L lines): like repr but strings unquoted. */
export function strValue(type: string, v: unknown): string {
  if (v === null || v === undefined) return "None";
  switch (type) {
    case "string":
    case "path":
    case "uri":
      return String(v);
    case "net.ipaddress":
      return String(v);
    default:
      return reprValue(type, v);
  }
}

// ---- JSON ----

/** Python json.dumps(ensure_ascii=True) of a string. Lone surrogates (raw bytes) stay \udcXX escapes. */
export function jsonString(s: string): string {
  // A plain loop beats a regular expression on the short strings records are made of.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return jsonEscape(s, i);
  }
  return '"' + s + '"';
}

function jsonEscape(s: string, from: number): string {
  let out = '"' + s.slice(0, from);
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

/** A float in JSON: NaN and ±Infinity are not JSON (Python's json.dumps would write them bare): null. */
export function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) return "null";
  return pyFloat(x);
}

/** A datetime in JSON: ISO text in quotes; null beyond years 1 … 9999, which no ISO/Python datetime carries. */
export function jsonDatetime(ts: Timestamp): string {
  return ts.inRange() ? '"' + ts.isoformat("T") + '"' : "null";
}

export function jsonValue(type: string, v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (type.endsWith("[]")) {
    if (!Array.isArray(v)) return jsonDynamic(v); // a foreign stream may hold anything
    const el = type.slice(0, -2);
    return "[" + v.map((x) => jsonValue(el, x)).join(", ") + "]";
  }
  switch (type) {
    case "string":
    case "path":
    case "net.ipaddress":
    case "uri":
      return jsonString(String(v));
    case "datetime":
      return v instanceof Timestamp ? jsonDatetime(v) : jsonString(String(v));
    case "boolean":
      return v ? "true" : "false";
    case "float":
      return jsonFloat(Number(v));
    case "bytes":
      return v instanceof Uint8Array ? '"' + Buffer.from(v).toString("base64") + '"' : jsonDynamic(v);
    case "varint":
    case "uint16":
    case "uint32":
    case "filesize":
    case "unix_file_mode":
      return typeof v === "bigint" ? v.toString() : typeof v === "number" ? String(v) : jsonDynamic(v);
    default:
      return jsonDynamic(v);
  }
}

export function jsonDynamic(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return jsonString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : jsonFloat(v);
  if (v instanceof Timestamp) return jsonDatetime(v);
  if (v instanceof Uint8Array) return '"' + Buffer.from(v).toString("base64") + '"';
  if (Array.isArray(v)) return "[" + v.map(jsonDynamic).join(", ") + "]";
  if (v instanceof Map) return "{" + [...v].map(([k, x]) => jsonString(String(k)) + ": " + jsonDynamic(x)).join(", ") + "}";
  if (isRecord(v)) {
    return "{" + v[DESCRIPTOR].allFields.map((f) => jsonString(f.name) + ": " + jsonValue(f.type, v[f.name])).join(", ") + "}";
  }
  if (typeof v === "object") {
    return "{" + Object.entries(v).map(([k, x]) => jsonString(k) + ": " + jsonDynamic(x)).join(", ") + "}";
  }
  return jsonString(String(v));
}
