// Timesketch's JSON lines import: one line per datetime field of each record, with the three fields
// Timesketch requires (`message`, `datetime`, `timestamp_desc`) next to the record's own fields.
import { DESCRIPTOR, type AnyRecord, type FieldDef, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { jsonString, jsonValue } from "../render.js";
import { Timestamp } from "../timestamp.js";
import { formatRecordText } from "./text.js";
import type { RecordSink } from "./sink.js";

/** Keys this sink sets itself; a record field of the same name is left out rather than duplicated. */
const TIMESKETCH_KEYS = new Set(["message", "datetime", "timestamp", "timestamp_desc", "data_type"]);

interface Plan {
  times: FieldDef[];
  rest: FieldDef[];
}

export class TimesketchSink implements RecordSink {
  private readonly plans = new Map<RecordDescriptor, Plan>();
  /** Records that had no datetime value at all (they cannot go on a timeline). */
  skipped = 0;

  constructor(
    private readonly out: Output,
    /** Told how many records had no datetime value (and so were left out), if any. */
    private readonly onSkipped?: (count: number) => void,
  ) {}

  private plan(desc: RecordDescriptor): Plan {
    let p = this.plans.get(desc);
    if (!p) {
      p = {
        times: desc.fields.filter((f) => f.type === "datetime"),
        rest: desc.allFields.filter((f) => !TIMESKETCH_KEYS.has(f.name)),
      };
      this.plans.set(desc, p);
    }
    return p;
  }

  write(rec: AnyRecord): void | Promise<void> {
    const desc = rec[DESCRIPTOR];
    const plan = this.plan(desc);
    let body: string | null = null;
    let text = "";
    for (const t of plan.times) {
      const v = rec[t.name];
      if (!(v instanceof Timestamp) || !v.inRange()) continue; // beyond year 9999: no event time to give
      body ??=
        `"message": ${jsonString(formatRecordText(rec))}, "data_type": ${jsonString(desc.name)}` +
        plan.rest.map((f) => ", " + jsonString(f.name) + ": " + jsonValue(f.type, rec[f.name])).join("");
      text += `{"datetime": "${v.isoformat("T")}", "timestamp": ${v.toMicros()}, "timestamp_desc": ${jsonString(t.name)}, ${body}}\n`;
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
