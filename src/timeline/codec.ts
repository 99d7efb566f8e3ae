// A record as one flat array of plain values, for the timeline's runs in memory and on disk: the index of its
// descriptor in this run's table (descriptors never leave the process, so they are not written at all), then its
// values in allFields order, a datetime as two slots (seconds, micros). The rest is what v8's serializer keeps
// exactly: strings with lone surrogates, bigints, byte arrays, nulls. A run holds these rather than the records:
// an array of values is about half the memory of a record object (81-field atop records rebuilt from a worker's
// spool: 2,450 bytes each on the heap; their arrays ~750), and the record itself dies young. Encoder and decoder
// are generated per descriptor (one array literal, one object literal), as the sinks' formatters are.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import { Timestamp } from "../records/timestamp.js";

/** [descriptor index, …values]. */
export type EncodedRecord = unknown[];

type Encode = (r: AnyRecord) => EncodedRecord;
type Decode = (v: EncodedRecord) => AnyRecord;

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
  const enc: string[] = [String(index)];
  const dec: string[] = [];
  let slot = 1;
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
  const encode = new Function("H", `return function (r) { let x; return [${enc.join(", ")}]; };`)(H) as Encode;
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

  encode(rec: AnyRecord): EncodedRecord {
    return this.plan(rec[DESCRIPTOR]).encode(rec);
  }

  decode(v: EncodedRecord): AnyRecord {
    const p = this.plans[v[0] as number];
    if (!p) throw new Error(`timeline run file: a record of unknown descriptor index ${String(v[0])}`);
    return p.decode(v);
  }

  descriptor(v: EncodedRecord): RecordDescriptor {
    return this.plans[v[0] as number]!.desc;
  }
}

/**
 * About how many bytes of memory an encoded record holds (the array, its strings, its boxed values): what a run
 * counts against its byte bound. Strings are counted though they are shared with the record they came from,
 * which may be gone or not; an estimate on purpose, cheap next to sorting.
 */
export function estimateBytes(v: EncodedRecord): number {
  let n = 32 + 8 * v.length;
  for (let i = 1; i < v.length; i++) n += valueBytes(v[i]);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined || typeof v === "boolean") return 0;
  if (typeof v === "string") return 24 + v.length;
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 30 ? 0 : 16;
  if (typeof v === "bigint") return 32;
  if (v instanceof Uint8Array) return 96 + v.byteLength;
  if (Array.isArray(v)) {
    let n = 32 + 8 * v.length;
    for (const x of v) n += valueBytes(x);
    return n;
  }
  return 64;
}
