// Formats that workers can render on their own. The costly part of writing a record is turning it into text;
// for these formats that depends on the record alone, except for a preamble each descriptor gets once per run
// (JSON lines' descriptor line). Workers render, and the parent only copies the text and writes each preamble
// the first time it meets that descriptor — so the output is exactly what the format's own sink would write.
// Other sinks (the binary stream, CSV, field selections) take the record spool instead (spool.ts).
import fs from "node:fs";
import v8 from "node:v8";
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import type { Output } from "../records/output.js";
import { formatDescriptorJson, formatRecordJson } from "../records/sinks/jsonl.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { formatRecordText } from "../records/sinks/text.js";

export type RenderFormat = "jsonl" | "text";

interface Renderer {
  /** Written once per run before the first record of a descriptor ("" for none). */
  preamble(desc: RecordDescriptor): string;
  record(rec: AnyRecord): string;
}

const RENDERERS: Record<RenderFormat, Renderer> = {
  // The same text as JsonLinesSink (descriptor lines on) and TextSink.
  jsonl: { preamble: (d) => formatDescriptorJson(d) + "\n", record: (r) => formatRecordJson(r, true) + "\n" },
  text: { preamble: () => "", record: (r) => formatRecordText(r) + "\n" },
};

/** A frame: rendered text, and [descriptor key, preamble] markers where a descriptor first appears in the spool. */
type Item = string | [string, string];

const CHUNK = 1 << 18;

export class RenderSpoolWriter implements RecordSink {
  private readonly fd: number;
  private readonly r: Renderer;
  private readonly seen = new Set<RecordDescriptor>();
  private items: Item[] = [];
  private text = "";
  count = 0;

  constructor(
    readonly file: string,
    format: RenderFormat,
  ) {
    this.fd = fs.openSync(file, "w");
    this.r = RENDERERS[format];
  }

  write(rec: AnyRecord): void {
    const desc = rec[DESCRIPTOR];
    if (!this.seen.has(desc)) {
      this.seen.add(desc);
      const pre = this.r.preamble(desc);
      if (pre) {
        if (this.text) this.items.push(this.text);
        this.text = "";
        this.items.push([`${desc.name}\0${desc.hash}`, pre]);
      }
    }
    this.text += this.r.record(rec);
    this.count++;
    if (this.text.length >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.text) this.items.push(this.text);
    this.text = "";
    if (!this.items.length) return;
    const body = v8.serialize(this.items);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    fs.writeSync(this.fd, head);
    fs.writeSync(this.fd, body);
    this.items = [];
  }

  async close(): Promise<void> {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Copy a rendered spool to the output, writing each descriptor's preamble only the first time in the run. */
export async function drainRendered(file: string, out: Output, seen: Set<string>): Promise<void> {
  const fd = fs.openSync(file, "r");
  try {
    const head = Buffer.alloc(4);
    for (;;) {
      if (fs.readSync(fd, head, 0, 4, null) < 4) break;
      const len = head.readUInt32LE(0);
      const body = Buffer.alloc(len);
      if (fs.readSync(fd, body, 0, len, null) < len) throw new Error(`${file}: truncated spool frame`);
      for (const item of v8.deserialize(body) as Item[]) {
        let text: string;
        if (typeof item === "string") text = item;
        else if (seen.has(item[0])) continue;
        else {
          seen.add(item[0]);
          text = item[1];
        }
        const p = out.write(text);
        if (p) await p;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
