// Record descriptors: a flow.record name plus typed fields. Target records get `hostname` and `domain`
// prepended (dissect's TargetRecordDescriptor); every record carries the four reserved fields on output.
import { createHash } from "node:crypto";
import type { FieldTypeName, ValueOf } from "./fieldtypes.js";
import type { Timestamp } from "./timestamp.js";

export interface FieldDef {
  readonly name: string;
  readonly type: string; // a FieldTypeName for our descriptors; any flow.record type name for foreign ones
}

export type FieldSpec = { readonly [name: string]: FieldTypeName };

/** Field values a plugin supplies; every declared field must be given (null when unknown). */
export type RecordInput<F extends FieldSpec> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export const DESCRIPTOR: unique symbol = Symbol("quarry.descriptor");

export interface ReservedFields {
  _source: string | null;
  _classification: string | null;
  _generated: Timestamp | null;
  _version: number;
}

export interface TargetFields {
  hostname: string | null;
  domain: string | null;
}

/** A record as it flows to a sink: its values keyed by field name, and its descriptor. */
export type FlowRecord<F extends FieldSpec = FieldSpec> = RecordInput<F> &
  TargetFields &
  Partial<ReservedFields> & { readonly [DESCRIPTOR]: RecordDescriptor<F>; [field: string]: unknown };

/** A record of any descriptor: what sinks, readers and selectors handle. */
export interface AnyRecord {
  readonly [DESCRIPTOR]: RecordDescriptor;
  [field: string]: unknown;
}

export const RESERVED_FIELDS: readonly FieldDef[] = [
  { name: "_source", type: "string" },
  { name: "_classification", type: "string" },
  { name: "_generated", type: "datetime" },
  { name: "_version", type: "varint" },
];

/** Prepended to every target record's declared fields (dissect's TargetRecordDescriptor). */
export const TARGET_FIELDS: readonly FieldDef[] = [
  { name: "hostname", type: "string" },
  { name: "domain", type: "string" },
];

/** What the fields every record gets hold (the records reference, docs/records.md, lists them). */
export const COMMON_FIELD_DOCS: Readonly<Record<string, string>> = {
  hostname: "the target's host name (without domain); None when the evidence does not say",
  domain: "the target's DNS domain; None when unknown",
  _source: "the target's id: `<file name>-<8 hex of sha256(absolute path)>`, the same in every run",
  _classification: "flow.record's classification; None",
  _generated: "when the function began producing records (one time per function and target)",
  _version: "the record format version: 1",
};

const NAME_RE = /^[a-zA-Z][a-zA-Z0-9_]*(\/[a-zA-Z][a-zA-Z0-9_]*)*$/;
const FIELD_RE = /^[a-zA-Z][a-zA-Z0-9_]*$/;

export class RecordDescriptor<F extends FieldSpec = FieldSpec> {
  /** Declared fields in wire order (for target records: hostname, domain, then the plugin's fields). */
  readonly fields: readonly FieldDef[];
  /** flow.record's identity: first 4 bytes of sha256(name + Σ(field name + type)), big-endian. */
  readonly hash: number;
  readonly fieldTypes: ReadonlyMap<string, string>;
  /** All fields including the reserved ones, in output order (JSON, CSV). */
  readonly allFields: readonly FieldDef[];

  constructor(
    readonly name: string,
    fields: readonly FieldDef[],
  ) {
    if (!NAME_RE.test(name)) throw new TypeError(`invalid record descriptor name: ${name}`);
    const seen = new Set<string>();
    for (const f of fields) {
      if (!FIELD_RE.test(f.name)) throw new TypeError(`${name}: invalid or reserved field name: ${f.name}`);
      if (seen.has(f.name)) throw new TypeError(`${name}: duplicate field ${f.name}`);
      seen.add(f.name);
    }
    this.fields = Object.freeze([...fields]);
    this.allFields = Object.freeze([...fields, ...RESERVED_FIELDS]);
    this.fieldTypes = new Map(this.allFields.map((f) => [f.name, f.type]));
    this.hash = descriptorHash(name, this.fields);
  }

  get identifier(): [string, number] {
    return [this.name, this.hash];
  }

  /** Make a record. Target context (hostname, domain, _source, _generated) is filled in by the runner. */
  create(values: RecordInput<F>): FlowRecord<F> {
    const rec = values as FlowRecord<F>;
    (rec as { [DESCRIPTOR]: RecordDescriptor<F> })[DESCRIPTOR] = this;
    return rec;
  }
}

export function descriptorHash(name: string, fields: readonly FieldDef[]): number {
  let data = name;
  for (const f of fields) data += f.name + f.type;
  return createHash("sha256").update(data, "utf8").digest().readUInt32BE(0);
}

/**
 * Declare a target record type. The declaration is the single source of truth: its TypeScript type is
 * `RecordOf<typeof X>`, and `hostname`/`domain` are prepended as dissect's TargetRecordDescriptor does.
 */
export function defineRecord<const F extends FieldSpec>(name: string, fields: F): RecordDescriptor<F> {
  for (const { name: k } of TARGET_FIELDS) {
    if (k in fields) throw new TypeError(`${name}: "${k}" is added to every target record; do not declare it`);
  }
  const defs: FieldDef[] = [...TARGET_FIELDS, ...Object.entries(fields).map(([n, t]) => ({ name: n, type: t }))];
  return new RecordDescriptor<F>(name, defs);
}

export type RecordOf<D> = D extends RecordDescriptor<infer F> ? FlowRecord<F> : never;

export function descriptorOf(rec: AnyRecord): RecordDescriptor {
  return rec[DESCRIPTOR];
}
