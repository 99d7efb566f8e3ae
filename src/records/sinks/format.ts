// Sinks that print one formatted chunk per record: text with a field selection, JSON lines without
// descriptors (rdump -J), pretty JSON (rdump -j, Python's json.dumps(indent=2)).
import { DESCRIPTOR, type AnyRecord } from "../descriptor.js";
import type { Output } from "../output.js";
import { jsonString, jsonValue } from "../render.js";
import { formatRecordJson } from "./jsonl.js";
import { formatRecordText } from "./text.js";
import { FieldSelector, hasFilter, type FieldFilter } from "./fields.js";
import type { RecordSink } from "./sink.js";

export class FormatSink implements RecordSink {
  constructor(
    private readonly out: Output,
    private readonly format: (rec: AnyRecord) => string,
  ) {}

  write(rec: AnyRecord): void | Promise<void> {
    return this.out.write(this.format(rec));
  }

  close(): Promise<void> {
    return this.out.close();
  }
}

/** `<name f=repr …>` lines, with rdump's -F/-X applied. */
export function textFormatter(filter?: FieldFilter): (rec: AnyRecord) => string {
  if (!hasFilter(filter)) return (rec) => formatRecordText(rec) + "\n";
  const sel = new FieldSelector(filter, "declared");
  return (rec) => formatRecordText(rec, sel.names(rec[DESCRIPTOR])) + "\n";
}

/** Plain JSON objects, one per line, without descriptor lines or keys (rdump -J). */
export function jsonLinesFormatter(filter?: FieldFilter): (rec: AnyRecord) => string {
  if (!hasFilter(filter)) return (rec) => formatRecordJson(rec, false) + "\n";
  const sel = new FieldSelector(filter, "all");
  return (rec) => formatRecordJson(rec, false, sel.names(rec[DESCRIPTOR])) + "\n";
}

/** Python's json.dumps(record, indent=2): one field per line, lists expanded. */
export function prettyJsonFormatter(filter?: FieldFilter): (rec: AnyRecord) => string {
  const sel = new FieldSelector(filter, "all");
  return (rec) => {
    const fields = sel.fields(rec[DESCRIPTOR]);
    if (fields.length === 0) return "{}\n";
    const lines = fields.map((f) => {
      const v = rec[f.name];
      let text: string;
      if (f.type.endsWith("[]") && Array.isArray(v)) {
        const el = f.type.slice(0, -2);
        text = v.length === 0 ? "[]" : "[\n" + v.map((x) => "    " + jsonValue(el, x)).join(",\n") + "\n  ]";
      } else text = jsonValue(f.type, v);
      return "  " + jsonString(f.name) + ": " + text;
    });
    return "{\n" + lines.join(",\n") + "\n}\n";
  };
}
