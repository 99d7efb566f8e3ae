// flow.record's text form, one record per line: <name field=repr …> (declared fields, reserved ones hidden).
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { textFormatter } from "../compiled.js";
import { reprValue } from "../render.js";
import type { RecordSink } from "./sink.js";

export function formatRecordText(rec: AnyRecord, fields?: readonly string[]): string {
  const desc: RecordDescriptor = rec[DESCRIPTOR];
  if (!fields) return textFormatter(desc)(rec);
  let out = "<" + desc.name;
  for (const name of fields) out += " " + name + "=" + reprValue(desc.fieldTypes.get(name) ?? "", rec[name]);
  return out + ">";
}

export class TextSink implements RecordSink {
  constructor(private readonly out: Output) {}

  write(rec: AnyRecord): void | Promise<void> {
    return this.out.write(formatRecordText(rec) + "\n");
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
