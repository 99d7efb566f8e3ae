// Entries as plain values for the timeline's run files, one flat array each: the six numbers of the sort key, the
// index of the record's descriptor in this run's table (descriptors never leave the process, so they are not
// written at all), then the record's values in allFields order, a datetime as two slots (seconds, micros). The
// rest is what v8's serializer keeps exactly: strings with lone surrogates, bigints, byte arrays, nulls. Encoder
// and decoder are generated per descriptor (one array literal, one object literal), as the sinks' formatters are.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import { Timestamp } from "../records/timestamp.js";
import type { Entry } from "./runfile.js";

/** [seconds, micros, target, record, event, field, descriptor index, …values]. */
export type EncodedEntry = unknown[];

/** Where an encoded entry's descriptor index is (its payload starts there). */
export const DESC_SLOT = 6;

type Encode = (e: Entry<AnyRecord>, r: AnyRecord) => EncodedEntry;
type Decode = (v: EncodedEntry) => AnyRecord;

interface Plan {
  readonly desc: RecordDescriptor;
  readonly encode: Encode;
  readonly decode: Decode;
}

/** Helpers the generated code calls; passed in, never reached through globals. */
const H = {
  Timestamp,
  DESCRIPTOR,
  list: (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => (x instanceof Timestamp ? [x.seconds, x.micros] : x)) : (v ?? null)),
  unlist: (v: unknown): unknown => (Array.isArray(v) ? v.map((x: unknown) => (Array.isArray(x) ? Timestamp.fromUnix(x[0] as number, x[1] as number) : x)) : v),
};

function build(desc: RecordDescriptor, index: number): Plan {
  const enc: string[] = ["e[0]", "e[1]", "e[2]", "e[3]", "e[4]", "e[5]", String(index)];
  const dec: string[] = [];
  let slot = DESC_SLOT + 1;
  for (const f of desc.allFields) {
    const v = `r[${JSON.stringify(f.name)}]`;
    const key = JSON.stringify(f.name);
    if (f.type === "datetime") {
      enc.push(`(x = ${v}) instanceof H.Timestamp ? x.seconds : null`, `x instanceof H.Timestamp ? x.micros : 0`);
      dec.push(`${key}: v[${slot}] === null ? null : H.Timestamp.fromUnix(v[${slot}], v[${slot + 1}])`);
      slot += 2;
    } else if (f.type === "datetime[]") {
      enc.push(`H.list(${v})`);
      dec.push(`${key}: H.unlist(v[${slot++}])`);
    } else {
      enc.push(`${v} ?? null`);
      dec.push(`${key}: v[${slot++}]`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encode = new Function("H", `return function (e, r) { let x; return [${enc.join(", ")}]; };`)(H) as Encode;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function("H", "desc", `return function (v) { const o = { ${dec.join(", ")} }; o[H.DESCRIPTOR] = desc; return o; };`);
  return { desc, encode, decode: make(H, desc) as Decode };
}

export class RecordCodec {
  private readonly plans: Plan[] = [];
  private readonly byDesc = new Map<RecordDescriptor, Plan>();

  private plan(desc: RecordDescriptor): Plan {
    let p = this.byDesc.get(desc);
    if (!p) {
      p = build(desc, this.plans.length);
      this.plans.push(p);
      this.byDesc.set(desc, p);
    }
    return p;
  }

  /** The entry (its key, its record) as one flat array. */
  encode(e: Entry<AnyRecord>): EncodedEntry {
    const r = e[DESC_SLOT];
    return this.plan(r[DESCRIPTOR]).encode(e, r);
  }

  /** The record of an encoded entry. */
  decode(v: EncodedEntry): AnyRecord {
    const p = this.plans[v[DESC_SLOT] as number];
    if (!p) throw new Error(`timeline run file: a record of unknown descriptor index ${String(v[DESC_SLOT])}`);
    return p.decode(v);
  }
}

/**
 * About how many bytes of memory a record holds (its object, its strings, its boxed values): what a run counts
 * against its byte bound. An estimate on purpose: walking a record must cost far less than sorting it. It errs
 * high (a btmp record: 811 estimated, 562 measured with the heap before and after 200,000 of them).
 */
export function estimateBytes(rec: AnyRecord): number {
  const desc = rec[DESCRIPTOR];
  let n = 64 + 12 * desc.allFields.length;
  for (const f of desc.allFields) n += valueBytes(rec[f.name]);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === "boolean") return 0;
  if (typeof v === "string") return 24 + v.length;
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 30 ? 0 : 16;
  if (typeof v === "bigint") return 32;
  if (v instanceof Timestamp) return 48;
  if (v instanceof Uint8Array) return 96 + v.byteLength;
  if (Array.isArray(v)) {
    let n = 32 + 8 * v.length;
    for (const x of v) n += valueBytes(x);
    return n;
  }
  return 64;
}
