// Records as plain values for the timeline's run files: the values in allFields order behind the descriptor's
// index in this run's table (descriptors never leave the process, so they are not written at all), datetimes as
// [seconds, micros]. Everything else is what v8's serializer keeps exactly: strings with lone surrogates,
// bigints, byte arrays, nulls.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import { Timestamp } from "../records/timestamp.js";

/** [descriptor index, value, value, …]. */
export type EncodedRecord = unknown[];

const PLAIN = 0;
const DATETIME = 1;
const DATETIME_LIST = 2;

interface Plan {
  readonly desc: RecordDescriptor;
  readonly index: number;
  readonly names: readonly string[];
  readonly kinds: readonly number[];
}

export class RecordCodec {
  private readonly plans: Plan[] = [];
  private readonly byDesc = new Map<RecordDescriptor, Plan>();

  private plan(desc: RecordDescriptor): Plan {
    let p = this.byDesc.get(desc);
    if (!p) {
      p = {
        desc,
        index: this.plans.length,
        names: desc.allFields.map((f) => f.name),
        kinds: desc.allFields.map((f) => (f.type === "datetime" ? DATETIME : f.type === "datetime[]" ? DATETIME_LIST : PLAIN)),
      };
      this.plans.push(p);
      this.byDesc.set(desc, p);
    }
    return p;
  }

  encode(rec: AnyRecord): EncodedRecord {
    const p = this.plan(rec[DESCRIPTOR]);
    const out: unknown[] = new Array(p.names.length + 1);
    out[0] = p.index;
    for (let i = 0; i < p.names.length; i++) {
      const v = rec[p.names[i]!];
      const kind = p.kinds[i];
      if (v === undefined || v === null) out[i + 1] = null;
      else if (kind === DATETIME && v instanceof Timestamp) out[i + 1] = [v.seconds, v.micros];
      else if (kind === DATETIME_LIST && Array.isArray(v)) out[i + 1] = v.map((x) => (x instanceof Timestamp ? [x.seconds, x.micros] : x));
      else out[i + 1] = v;
    }
    return out;
  }

  decode(enc: EncodedRecord): AnyRecord {
    const p = this.plans[enc[0] as number];
    if (!p) throw new Error(`timeline run file: a record of unknown descriptor index ${String(enc[0])}`);
    const rec: AnyRecord = { [DESCRIPTOR]: p.desc };
    for (let i = 0; i < p.names.length; i++) {
      const v = enc[i + 1];
      const kind = p.kinds[i];
      if (kind === DATETIME && Array.isArray(v)) rec[p.names[i]!] = Timestamp.fromUnix(v[0] as number, v[1] as number);
      else if (kind === DATETIME_LIST && Array.isArray(v)) {
        rec[p.names[i]!] = v.map((x: unknown) => (Array.isArray(x) ? Timestamp.fromUnix(x[0] as number, x[1] as number) : x));
      } else rec[p.names[i]!] = v === undefined ? null : v;
    }
    return rec;
  }

  descriptor(index: number): RecordDescriptor {
    return this.plans[index]!.desc;
  }
}

/**
 * About how many bytes of memory a record holds (its object, its strings, its boxed values): what a run counts
 * against its byte bound. An estimate on purpose: walking a record must cost far less than sorting it.
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
