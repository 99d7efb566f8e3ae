// A timeline entry: one event (a datetime value of a record) as a record of its own, `quarry/timeline`, carrying
// the record it came from whole, in a field of flow.record's `record` type. Every format writes that as it writes
// any record: text shows the nested record's text form, JSON a nested object, CSV its text form in one cell, and
// the binary stream a nested record (its descriptor sent first), which rdump (ours and Python's) reads back.
import { DESCRIPTOR, RecordDescriptor, TARGET_FIELDS, type AnyRecord } from "../records/descriptor.js";
import type { Timestamp } from "../records/timestamp.js";
import { summarize } from "./summary.js";

export const TIMELINE_NAME = "quarry/timeline";

export const TimelineRecord = new RecordDescriptor(TIMELINE_NAME, [
  ...TARGET_FIELDS,
  { name: "ts", type: "datetime" },
  // the field the time comes from: ts, ts_logout, login, logout, start, …
  { name: "ts_description", type: "string" },
  // the descriptor of the record it comes from
  { name: "source", type: "string" },
  { name: "message", type: "string" },
  // the record's own filepath and offset (null when it has none): where to find its bytes
  { name: "filepath", type: "path" },
  { name: "offset", type: "varint" },
  { name: "record", type: "record" },
]);

/** What the fields of `quarry/timeline` hold (docs/timeline.md). */
export const TIMELINE_FIELD_DOCS: Readonly<Record<string, string>> = {
  ts: "the event's time (one datetime value of the record)",
  ts_description: "the name of the field the time comes from (`ts`, `ts_logout`, `login`, `start`, …)",
  source: "the descriptor of the record (`linux/log/wtmp`, …)",
  message: "a one-line summary of the record (docs/timeline.md: Messages)",
  filepath: "the record's `filepath` (null when it has none)",
  offset: "the record's `offset` (null when it has none)",
  record: "the record itself, every field (a nested record)",
};

export function isTimelineEntry(rec: AnyRecord): boolean {
  return rec[DESCRIPTOR].name === TIMELINE_NAME;
}

function integer(v: unknown): number | bigint | null {
  return typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)) ? v : null;
}

/** The entry for the event `ts` (the value of field `field`) of `rec`. */
export function timelineEntry(rec: AnyRecord, ts: Timestamp, field: string): AnyRecord {
  const desc = rec[DESCRIPTOR];
  const filepath = desc.fieldTypes.get("filepath") === "path" && typeof rec.filepath === "string" ? rec.filepath : null;
  const offset = desc.fieldTypes.has("offset") ? integer(rec.offset) : null;
  return {
    [DESCRIPTOR]: TimelineRecord,
    hostname: rec.hostname ?? null,
    domain: rec.domain ?? null,
    ts,
    ts_description: field,
    source: desc.name,
    message: summarize(rec),
    filepath,
    offset,
    record: rec,
    _source: rec._source ?? null,
    _classification: null,
    _generated: rec._generated ?? null,
    _version: 1,
  };
}
