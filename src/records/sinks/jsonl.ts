// JSON lines in the shape of dissect's `target-query -j` (flow.record's jsonfile writer): a
// {"_type": "recorddescriptor"} line before the first record of each descriptor, then one object per record
// with every field (reserved ones included), "_type": "record" and "_recorddescriptor": [name, hash].
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import type { Output } from "../output.js";
import { jsonFormatter } from "../compiled.js";
import { jsonString, jsonValue } from "../render.js";
import type { RecordSink } from "./sink.js";

export function formatDescriptorJson(desc: RecordDescriptor): string {
  const fields = desc.fields.map((f) => `[${jsonString(f.type)}, ${jsonString(f.name)}]`).join(", ");
  return `{"_type": "recorddescriptor", "_data": [${jsonString(desc.name)}, [${fields}]]}`;
}

/** One record as a JSON object; `descriptors` adds the _type/_recorddescriptor keys (rdump -J leaves them out). */
export function formatRecordJson(rec: AnyRecord, descriptors = true, fields?: readonly string[]): string {
  const desc = rec[DESCRIPTOR];
  if (!fields) return jsonFormatter(desc, descriptors)(rec);
  const parts: string[] = [];
  for (const name of fields) parts.push(jsonString(name) + ": " + jsonValue(desc.fieldTypes.get(name) ?? "", rec[name]));
  if (descriptors) parts.push(`"_type": "record"`, `"_recorddescriptor": [${jsonString(desc.name)}, ${desc.hash}]`);
  return "{" + parts.join(", ") + "}";
}

export class JsonLinesSink implements RecordSink {
  private readonly seen = new Set<string>();
  private last: RecordDescriptor | null = null;

  constructor(
    private readonly out: Output,
    private readonly descriptors = true,
  ) {}

  write(rec: AnyRecord): void | Promise<void> {
    const desc = rec[DESCRIPTOR];
    if (desc === this.last) return this.out.write(jsonFormatter(desc, this.descriptors)(rec) + "\n");
    this.last = desc;
    let line = "";
    const key = desc.name + "\0" + desc.hash;
    if (this.descriptors && !this.seen.has(key)) {
      this.seen.add(key);
      line = formatDescriptorJson(desc) + "\n";
    }
    return this.out.write(line + formatRecordJson(rec, this.descriptors) + "\n");
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
