// Which sink a run writes to, chosen once per run from the flags and where stdout goes.
import { Output } from "../records/output.js";
import { JsonLinesSink } from "../records/sinks/jsonl.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { TextSink } from "../records/sinks/text.js";
import type { CliIO } from "./common.js";

export type OutputFormat = "text" | "jsonl";

export interface OutputFlags {
  json?: boolean;
  strings?: boolean;
}

export function chooseFormat(flags: OutputFlags, io: CliIO): OutputFormat {
  if (flags.json) return "jsonl";
  if (flags.strings || io.stdoutIsTTY) return "text";
  return "text";
}

export function openSink(format: OutputFormat, io: CliIO): RecordSink {
  switch (format) {
    case "jsonl":
      return new JsonLinesSink(new Output(io.stdout, { ascii: true }));
    case "text":
      return new TextSink(new Output(io.stdout));
  }
}
