// Reads JSON lines back into records: flow.record's jsonfile shape (descriptor lines, then records with
// "_type": "record" and "_recorddescriptor") and plain objects (rdump -J, other tools), which become
// `json/record` records with types inferred from their values.
import { DESCRIPTOR, RecordDescriptor, type AnyRecord, type FieldDef } from "../descriptor.js";
import { Timestamp } from "../timestamp.js";
import { checkFor, typeName, type Check, type DescriptorStats } from "./reader.js";

export class JsonLinesError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

type Conv = (v: unknown) => unknown;

function converterFor(type: string): Conv | null {
  if (type.endsWith("[]")) {
    const el = converterFor(type.slice(0, -2));
    return el ? (v) => (Array.isArray(v) ? v.map((x) => (x === null ? null : el(x))) : v) : null;
  }
  switch (type) {
    case "datetime":
      return (v) => (typeof v === "string" ? Timestamp.parse(v) : typeof v === "number" ? Timestamp.fromUnix(v) : v);
    case "bytes":
      return (v) => (typeof v === "string" ? new Uint8Array(Buffer.from(v, "base64")) : v);
    default:
      return null;
  }
}

const RESERVED_CONV: Record<string, Conv | null> = {
  _source: null,
  _classification: null,
  _generated: converterFor("datetime"),
  _version: null,
};

class JsonDescriptor {
  readonly convs: Map<string, Conv | null>;
  readonly checks: Map<string, Check>;
  count = 0;
  constructor(readonly desc: RecordDescriptor) {
    this.convs = new Map(desc.allFields.map((f) => [f.name, RESERVED_CONV[f.name] ?? converterFor(f.type)]));
    this.checks = new Map(desc.allFields.map((f) => [f.name, f.name === "_version" ? null : checkFor(f.type)]));
  }

  /** Throws (a TypeError naming the field) when a value is not of its field's type. */
  build(obj: Record<string, unknown>): AnyRecord {
    const rec: AnyRecord = { [DESCRIPTOR]: this.desc };
    for (const f of this.desc.allFields) {
      const v = obj[f.name];
      if (v === undefined || v === null) rec[f.name] = null;
      else {
        const c = this.convs.get(f.name);
        if (!c) rec[f.name] = v;
        else {
          try {
            rec[f.name] = c(v);
          } catch {
            rec[f.name] = v; // not what the type says (a bad datetime string): keep the value as it was written
          }
        }
      }
    }
    for (const f of this.desc.allFields) {
      const v = rec[f.name];
      const check = this.checks.get(f.name);
      if (v !== null && check && !check(v)) throw new TypeError(`${this.desc.name}.${f.name}: a ${typeName(v)} where the descriptor says ${f.type}`);
    }
    if (rec._version === null) rec._version = 1;
    this.count++;
    return rec;
  }
}

function inferType(v: unknown): string {
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "varint" : "float";
  if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? "string[]" : "dynamic";
  if (v !== null && typeof v === "object") return "dynamic";
  return "string";
}

function fieldName(k: string): string {
  let n = k.replace(/[^a-zA-Z0-9_]/g, "_");
  if (!/^[a-zA-Z]/.test(n)) n = "x" + n;
  return n;
}

const BIG_MARK = "\u0000bigint:";

/**
 * JSON.parse, except that integers beyond 2^53 stay exact (as bigints): flow.record writes varints of any
 * size as plain JSON numbers. Long integer literals outside strings are quoted with a marker first.
 */
export function parseJsonExact(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let out = "";
  let last = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inStr = false;
      continue;
    }
    if (c === 0x22) {
      inStr = true;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const tok = text.slice(i, j);
      if (/^-?\d{16,}$/.test(tok) && !Number.isSafeInteger(Number(tok))) {
        out += text.slice(last, i) + JSON.stringify(BIG_MARK + tok);
        last = j;
      }
      i = j - 1;
    }
  }
  out += text.slice(last);
  return JSON.parse(out, (_k, v: unknown) => (typeof v === "string" && v.startsWith(BIG_MARK) ? BigInt(v.slice(BIG_MARK.length)) : v));
}

/** A value from the line, for a message: JSON-quoted and cut short (a hostile line may be megabytes long). */
function quoted(v: unknown, max = 100): string {
  const t = String(v);
  return JSON.stringify(t.length > max ? t.slice(0, max) + "…" : t);
}

export class JsonLinesDecoder {
  private readonly byKey = new Map<string, JsonDescriptor>();
  private readonly byName = new Map<string, JsonDescriptor>();
  private readonly seen: JsonDescriptor[] = [];
  private readonly inferred = new Map<string, JsonDescriptor>();

  stats(): DescriptorStats[] {
    return this.seen.map((d) => ({ descriptor: d.desc, count: d.count }));
  }

  private register(name: string, fields: FieldDef[]): JsonDescriptor {
    const desc = new RecordDescriptor(name, fields);
    const key = name + "\0" + desc.hash;
    let d = this.byKey.get(key);
    if (!d) {
      d = new JsonDescriptor(desc);
      this.byKey.set(key, d);
      this.seen.push(d);
    }
    this.byName.set(name, d);
    return d;
  }

  /** One line of text → a record, or null for descriptor lines and blank lines. */
  decodeLine(text: string, line: number): AnyRecord | null {
    const t = text.trim();
    if (!t) return null;
    let obj: unknown;
    try {
      obj = parseJsonExact(t);
    } catch (e) {
      throw new JsonLinesError(`invalid JSON: ${(e as Error).message}`, line);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new JsonLinesError("not a JSON object", line);
    const o = obj as Record<string, unknown>;
    if (o._type === "recorddescriptor") {
      const data = o._data;
      if (!Array.isArray(data) || typeof data[0] !== "string" || !Array.isArray(data[1])) {
        throw new JsonLinesError("malformed record descriptor", line);
      }
      const fields: FieldDef[] = [];
      for (const f of data[1] as unknown[]) {
        if (!Array.isArray(f) || typeof f[0] !== "string" || typeof f[1] !== "string") throw new JsonLinesError("malformed descriptor field", line);
        fields.push({ type: f[0], name: f[1] });
      }
      try {
        this.register(data[0], fields);
      } catch (e) {
        throw new JsonLinesError((e as Error).message, line);
      }
      return null;
    }
    if (o._type === "record" && Array.isArray(o._recorddescriptor)) {
      const [name, hash] = o._recorddescriptor as [unknown, unknown];
      const d = this.byKey.get(String(name) + "\0" + String(hash)) ?? this.byName.get(String(name));
      if (!d) throw new JsonLinesError(`record of unknown descriptor ${quoted(name)}: no descriptor line came before it`, line);
      try {
        return d.build(o);
      } catch (e) {
        throw new JsonLinesError(`bad record: ${(e as Error).message}`, line);
      }
    }
    try {
      return this.inferredRecord(o);
    } catch (e) {
      throw new JsonLinesError(`bad record: ${(e as Error).message}`, line);
    }
  }

  private inferredRecord(o: Record<string, unknown>): AnyRecord {
    const fields: FieldDef[] = [];
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === "_type" || k === "_recorddescriptor") continue;
      if (k in RESERVED_CONV) {
        values[k] = v;
        continue;
      }
      const n = fieldName(k);
      if (n in values) continue;
      fields.push({ name: n, type: inferType(v) });
      values[n] = v;
    }
    const sig = fields.map((f) => f.name + ":" + f.type).join(",");
    let d = this.inferred.get(sig);
    if (!d) {
      d = this.register("json/record", fields);
      this.inferred.set(sig, d);
    }
    return d.build(values);
  }
}

/** Split a byte stream into lines and decode them (UTF-8); the records of each chunk come out together. */
export async function* readJsonLinesBatches(
  source: AsyncIterable<Uint8Array>,
  decoder = new JsonLinesDecoder(),
  /** Told about a line that is not a record (bad JSON, a value of the wrong type); reading goes on. */
  onBadLine?: (err: JsonLinesError) => void,
): AsyncGenerator<AnyRecord[]> {
  const td = new TextDecoder("utf-8");
  let rest = "";
  let line = 0;
  for await (const chunk of source) {
    rest += td.decode(chunk, { stream: true });
    let nl: number;
    let start = 0;
    const out: AnyRecord[] = [];
    while ((nl = rest.indexOf("\n", start)) >= 0) {
      line++;
      let r: AnyRecord | null;
      try {
        r = decoder.decodeLine(rest.slice(start, nl), line);
      } catch (e) {
        if (onBadLine && e instanceof JsonLinesError) {
          onBadLine(e);
          r = null;
        } else {
          if (out.length) yield out;
          throw e;
        }
      }
      start = nl + 1;
      if (r) out.push(r);
    }
    rest = rest.slice(start);
    if (out.length) yield out;
  }
  rest += td.decode();
  if (rest.trim()) {
    let r: AnyRecord | null = null;
    try {
      r = decoder.decodeLine(rest, ++line);
    } catch (e) {
      if (!(onBadLine && e instanceof JsonLinesError)) throw e;
      onBadLine(e);
    }
    if (r) yield [r];
  }
}

export async function* readJsonLines(
  source: AsyncIterable<Uint8Array>,
  decoder = new JsonLinesDecoder(),
  onBadLine?: (err: JsonLinesError) => void,
): AsyncGenerator<AnyRecord> {
  for await (const batch of readJsonLinesBatches(source, decoder, onBadLine)) yield* batch;
}
