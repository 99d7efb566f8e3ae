// Renders records through a sink into a string: the sinks' tests read what an analyst would see.
import { PassThrough } from "node:stream";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { Output } from "../../src/records/output.js";
import type { RecordSink } from "../../src/records/sinks/sink.js";

export async function render(make: (o: Output) => RecordSink, recs: AnyRecord[]): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  const sink = make(new Output(stream));
  for (const r of recs) await sink.write(r);
  await sink.close();
  return Buffer.concat(chunks).toString("utf8");
}
