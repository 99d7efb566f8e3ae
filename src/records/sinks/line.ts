// rdump -L: one field per line under a "--[ RECORD n ]--" banner, names right-aligned (flow.record's line
// writer); -Lv adds each field's type.
import { DESCRIPTOR, type AnyRecord } from "../descriptor.js";
import type { Output } from "../output.js";
import { strValue } from "../render.js";
import { printable } from "../../util/escape.js";
import { FieldSelector, type FieldFilter } from "./fields.js";
import type { RecordSink } from "./sink.js";

export class LineSink implements RecordSink {
  private count = 0;
  private readonly selector: FieldSelector;

  constructor(
    private readonly out: Output,
    private readonly opts: { verbose?: boolean; filter?: FieldFilter } = {},
  ) {
    this.selector = new FieldSelector(opts.filter, "all");
  }

  write(rec: AnyRecord): void | Promise<void> {
    const fields = this.selector.fields(rec[DESCRIPTOR]);
    let text = `--[ RECORD ${++this.count} ]--\n`;
    // A person reads this: values (str(), unquoted) and declared types are made printable, as log lines are.
    const keys = fields.map((f) => (this.opts.verbose ? `${f.name} (${printable(f.type)})` : f.name));
    const width = keys.reduce((w, k) => Math.max(w, k.length), 0);
    fields.forEach((f, i) => {
      text += keys[i]!.padStart(width) + " = " + printable(strValue(f.type, rec[f.name])) + "\n";
    });
    return this.out.write(text);
  }

  close(): Promise<void> {
    return this.out.close();
  }
}
