// A check that a record's values have the types its descriptor declares. The runner calls it for every record
// when QUARRY_CHECK_RECORDS=1 (the test suite sets it), so a plugin that puts a string in a varint field fails
// its tests instead of writing a stream rdump cannot read.
import { DESCRIPTOR, type AnyRecord } from "./descriptor.js";
import { parseIp, formatIp } from "./ip.js";
import { Timestamp } from "./timestamp.js";

function scalarProblem(type: string, v: unknown): string | null {
  switch (type) {
    case "string":
    case "path":
      return typeof v === "string" ? null : "not a string";
    case "varint":
    case "filesize":
      return (typeof v === "number" && Number.isSafeInteger(v)) || typeof v === "bigint" ? null : "not an integer (number or bigint)";
    case "uint16":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffff ? null : "not a uint16";
    case "uint32":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? null : "not a uint32";
    case "unix_file_mode":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 ? null : "not a mode";
    case "float":
      return typeof v === "number" ? null : "not a number";
    case "boolean":
      return typeof v === "boolean" ? null : "not a boolean";
    case "datetime":
      return v instanceof Timestamp ? null : "not a Timestamp";
    case "bytes":
      return v instanceof Uint8Array ? null : "not bytes";
    case "net.ipaddress": {
      if (typeof v !== "string") return "not a string";
      const ip = parseIp(v);
      return ip && formatIp(ip) === v ? null : `not a canonical IP address: ${v}`;
    }
    default:
      return null;
  }
}

/** Problems with a record's values (empty when it is well-typed). */
export function recordProblems(rec: AnyRecord): string[] {
  const desc = rec[DESCRIPTOR];
  const out: string[] = [];
  for (const f of desc.fields) {
    if (f.name === "hostname" || f.name === "domain") continue;
    if (!(f.name in rec)) {
      out.push(`${desc.name}.${f.name}: missing`);
      continue;
    }
    const v = rec[f.name];
    if (f.type.endsWith("[]")) {
      if (!Array.isArray(v)) out.push(`${desc.name}.${f.name}: not a list`);
      else for (const x of v) {
        const p = scalarProblem(f.type.slice(0, -2), x);
        if (p) out.push(`${desc.name}.${f.name}[]: ${p}`);
      }
      continue;
    }
    if (v === null) continue;
    const p = scalarProblem(f.type, v);
    if (p) out.push(`${desc.name}.${f.name}: ${p}`);
  }
  for (const k of Object.keys(rec)) {
    if (!desc.fieldTypes.has(k)) out.push(`${desc.name}: undeclared field ${k}`);
  }
  return out;
}

export const CHECK_RECORDS = process.env.QUARRY_CHECK_RECORDS === "1";
