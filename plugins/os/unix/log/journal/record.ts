// The record of one journal entry: the entry object's own fields (time, boot, sequence number), one field per
// known journal field (fields.ts), the rest in `fields`, and where it was read.
import { defineRecord, Timestamp, type AnyRecord, type FieldSpec } from "quarry";
import { KNOWN_FIELDS, RECORD_TYPE } from "./fields.js";
import type { EntryHead } from "./objects.js";

const SPEC: FieldSpec = {
  // __REALTIME_TIMESTAMP: the entry's wall-clock time, µs
  ts: "datetime",
  // __MONOTONIC_TIMESTAMP: µs since the boot began (CLOCK_MONOTONIC of boot_id)
  monotonic: "varint",
  boot_id: "string",
  // __SEQNUM and __SEQNUM_ID (journalctl's cursor s= and i=): the writer's counter, and which counter
  seqnum: "varint",
  seqnum_id: "string",
  ...Object.fromEntries(KNOWN_FIELDS.map((k) => [k.field, RECORD_TYPE[k.kind]])),
  // every other field, and every further value of a known field, as "NAME=value", in the entry's order
  fields: "string[]",
  // byte offset of the ENTRY object in the file
  offset: "varint",
  filepath: "path",
};

export const JournalRecord = defineRecord("linux/log/journal", SPEC);

/** Builds a record from an entry head, the known fields' values by slot, and the other fields. */
export type RecordBuilder = (head: EntryHead, seqnumId: string, slots: readonly unknown[], fields: string[], filepath: string) => AnyRecord;

function ts(realtime: number | bigint): Timestamp | null {
  if (typeof realtime === "number") return Timestamp.fromUnix(Math.floor(realtime / 1e6), realtime % 1e6);
  return Timestamp.fromMicrosInRange(realtime);
}

// One object literal with every field in descriptor order, generated once: a record of ~90 fields is built
// with one allocation and a stable shape (filling a blank object field by field costs several times more).
function makeBuilder(): RecordBuilder {
  const known = KNOWN_FIELDS.map((k, i) => `${JSON.stringify(k.field)}: s[${i}]`).join(",\n");
  // hostname … _version are the runner's to fill; declaring them here saves a shape change per record
  const body = `return D.create({
hostname: null, domain: null,
ts: T(h.realtime), monotonic: h.monotonic, boot_id: h.bootId, seqnum: h.seqnum, seqnum_id: sid,
${known},
fields: f, offset: h.offset, filepath: p,
_source: null, _classification: null, _generated: null, _version: 1 });`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("D", "T", `return function buildJournalRecord(h, sid, s, f, p) {\n${body}\n};`)(JournalRecord, ts) as RecordBuilder;
}

export const buildRecord: RecordBuilder = makeBuilder();
