// The flow.record binary stream as a sink (target-query into a pipe, -w x.rec, rdump -w -).
import { DESCRIPTOR, type AnyRecord } from "../descriptor.js";
import type { Output } from "../output.js";
import { RecordStreamWriter } from "../stream/writer.js";
import { DescriptorProjector, hasFilter, type FieldFilter } from "./fields.js";
import type { RecordSink } from "./sink.js";

export class RecordStreamSink implements RecordSink {
  private readonly writer: RecordStreamWriter;
  private readonly projector: DescriptorProjector | null;

  constructor(
    private readonly out: Output,
    filter?: FieldFilter,
  ) {
    this.writer = new RecordStreamWriter(out);
    this.projector = hasFilter(filter) ? new DescriptorProjector(filter) : null;
  }

  write(rec: AnyRecord): void | Promise<void> {
    if (this.projector) {
      const desc = this.projector.project(rec[DESCRIPTOR]);
      if (desc !== rec[DESCRIPTOR]) rec = { ...rec, [DESCRIPTOR]: desc };
    }
    return this.writer.write(rec);
  }

  async close(): Promise<void> {
    await this.writer.end();
    await this.out.close();
  }
}
