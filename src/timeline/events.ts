// Which values of a record are events on a timeline: every declared field of type `datetime`, and every element
// of a `datetime[]` field, that holds a time within years 1 … 9999. The reserved `_generated` is not one (it is
// when quarry ran, not what the evidence says). The timeline (sink.ts) and the Timesketch sink share this, so
// `--timesketch` and `--timeline --timesketch` give the same events.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import { Timestamp } from "../records/timestamp.js";

export interface TimeField {
  readonly name: string;
  /** A `datetime[]` field: each element is an event. */
  readonly list: boolean;
  /** Index in the descriptor's allFields (what a timeline entry stores to name it). */
  readonly index: number;
}

const plans = new WeakMap<RecordDescriptor, readonly TimeField[]>();

/** The event fields of a descriptor, in declaration order. */
export function timeFields(desc: RecordDescriptor): readonly TimeField[] {
  let p = plans.get(desc);
  if (!p) {
    const declared = new Set(desc.fields.map((f) => f.name));
    p = desc.allFields
      .map((f, index) => ({ name: f.name, list: f.type === "datetime[]", index, type: f.type }))
      .filter((f) => declared.has(f.name) && (f.type === "datetime" || f.type === "datetime[]"))
      .map(({ name, list, index }) => ({ name, list, index }));
    plans.set(desc, p);
  }
  return p;
}

function placeable(v: unknown): v is Timestamp {
  return v instanceof Timestamp && v.inRange();
}

/**
 * Call `fn` for each event of `rec`, in field order (a list's elements in list order). Returns how many there
 * were. Nulls, and times no output can carry (beyond year 9999), are no events.
 */
export function forEachEvent(rec: AnyRecord, fn: (ts: Timestamp, field: TimeField) => void): number {
  let n = 0;
  for (const f of timeFields(rec[DESCRIPTOR])) {
    const v = rec[f.name];
    if (f.list) {
      if (!Array.isArray(v)) continue;
      for (const x of v) {
        if (placeable(x)) {
          fn(x, f);
          n++;
        }
      }
    } else if (placeable(v)) {
      fn(v, f);
      n++;
    }
  }
  return n;
}
