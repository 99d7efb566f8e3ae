// CSV as flow.record's csvfile writer makes it (Python's csv.DictWriter, excel dialect): a header row
// whenever the descriptor changes, every field including the reserved ones, str() of each value, None as an
// empty cell, "\r\n" line ends, quotes only where needed.
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { strValue } from "../render.js";
import { Timestamp } from "../timestamp.js";
import { FieldSelector, type FieldFilter } from "./fields.js";
import type { RecordSink } from "./sink.js";

export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function csvValue(type: string, v: unknown): string {
  // a datetime beyond years 1 … 9999 is written as null, as by every sink
  if (v === null || v === undefined || (v instanceof Timestamp && !v.inRange())) return "";
  return csvCell(strValue(type, v));
}

export class CsvSink implements RecordSink {
  private last: RecordDescriptor | null = null;
  private readonly selector: FieldSelector;

  constructor(
    private readonly out: Output,
    opts: { header?: boolean; filter?: FieldFilter } = {},
  ) {
    this.selector = new FieldSelector(opts.filter, "all");
    this.header = opts.header ?? true;
  }
  private readonly header: boolean;

  write(rec: AnyRecord): void | Promise<void> {
    const desc = rec[DESCRIPTOR];
    const fields = this.selector.fields(desc);
    let text = "";
    if (desc !== this.last) {
      this.last = desc;
      if (this.header) text += fields.map((f) => csvCell(f.name)).join(",") + "\r\n";
    }
    text += fields.map((f) => csvValue(f.type, rec[f.name])).join(",") + "\r\n";
    return this.out.write(text);
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
