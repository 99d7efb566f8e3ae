// Timesketch's JSON lines import: one line per event of each record (every datetime value, src/timeline/events.ts),
// with the three fields Timesketch requires (`message`, `datetime`, `timestamp_desc`) next to the record's own
// fields. A timeline entry (--timeline) is already one event: its line is the one its record's event gets here,
// so `--timeline --timesketch` is `--timesketch` in time order.
import { DESCRIPTOR, type AnyRecord, type FieldDef, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { jsonString, jsonValue } from "../render.js";
import { Timestamp } from "../timestamp.js";
import { isTimelineEntry } from "../../timeline/entry.js";
import { forEachEvent } from "../../timeline/events.js";
import { summarize } from "../../timeline/summary.js";
import type { RecordSink } from "./sink.js";

/** Keys this sink sets itself; a record field of the same name is left out rather than duplicated. */
const TIMESKETCH_KEYS = new Set(["message", "datetime", "timestamp", "timestamp_desc", "data_type"]);

function isRecord(v: unknown): v is AnyRecord {
  return typeof v === "object" && v !== null && DESCRIPTOR in v;
}

export class TimesketchSink implements RecordSink {
  private readonly rest = new Map<RecordDescriptor, readonly FieldDef[]>();
  /** Records that had no datetime value at all (they cannot go on a timeline). */
  skipped = 0;

  constructor(
    private readonly out: Output,
    /** Told how many records had no datetime value (and so were left out), if any. */
    private readonly onSkipped?: (count: number) => void,
  ) {}

  private fields(desc: RecordDescriptor): readonly FieldDef[] {
    let r = this.rest.get(desc);
    if (!r) this.rest.set(desc, (r = desc.allFields.filter((f) => !TIMESKETCH_KEYS.has(f.name))));
    return r;
  }

  /** What follows timestamp_desc on an event's line: the message, the record type and the record's fields. */
  private body(rec: AnyRecord, message: string): string {
    const desc = rec[DESCRIPTOR];
    return (
      `"message": ${jsonString(message)}, "data_type": ${jsonString(desc.name)}` +
      this.fields(desc).map((f) => ", " + jsonString(f.name) + ": " + jsonValue(f.type, rec[f.name])).join("")
    );
  }

  write(rec: AnyRecord): void | Promise<void> {
    let text = "";
    if (isTimelineEntry(rec) && rec.ts instanceof Timestamp && rec.ts.inRange()) {
      const inner = isRecord(rec.record) ? rec.record : rec;
      text = line(rec.ts, String(rec.ts_description), this.body(inner, typeof rec.message === "string" ? rec.message : summarize(inner)));
    } else {
      let body: string | null = null;
      forEachEvent(rec, (ts, f) => {
        body ??= this.body(rec, summarize(rec));
        text += line(ts, f.name, body);
      });
    }
    if (!text) {
      this.skipped++;
      return;
    }
    return this.out.write(text);
  }

  close(): Promise<void> {
    if (this.skipped && this.onSkipped) this.onSkipped(this.skipped);
    return this.out.close();
  }
}

function line(ts: Timestamp, desc: string, body: string): string {
  return `{"datetime": "${ts.isoformat("T")}", "timestamp": ${ts.toMicros()}, "timestamp_desc": ${jsonString(desc)}, ${body}}\n`;
}
