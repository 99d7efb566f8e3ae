// Formats that workers can render on their own. The costly part of writing a record is turning it into text;
// for these formats that depends on the record alone, except for a preamble each descriptor gets once per run
// (JSON lines' descriptor line). Workers render, and the parent only copies the text and writes each preamble
// the first time it meets that descriptor — so the output is exactly what the format's own sink would write.
// Other sinks (the binary stream, CSV, field selections) take the record spool instead (spool.ts).
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../records/descriptor.js";
import type { Output } from "../records/output.js";
import { jsonByteEncoder } from "../records/jsonbytes.js";
import { formatDescriptorJson } from "../records/sinks/jsonl.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { formatRecordText } from "../records/sinks/text.js";
import { readAll } from "./fdio.js";
import type { SpoolFile } from "./spool.js";

export type RenderFormat = "jsonl" | "text";

/** What each format writes once per run before the first record of a descriptor ("" for none). */
const PREAMBLE_TEXT: Record<RenderFormat, (desc: RecordDescriptor) => string> = {
  // The same bytes as JsonLinesSink (descriptor lines on) and TextSink: JSON records go through the same byte
  // encoder (src/records/jsonbytes.ts), text records through formatRecordText.
  jsonl: (d) => formatDescriptorJson(d) + "\n",
  text: () => "",
};

/**
 * Frames: a kind byte, a u32le length, then the payload. Kind 0: rendered text (UTF-8). Kind 1: a descriptor's
 * preamble, as u32le key length, key, text. The parent copies kind 0 bytes as they are (no decoding).
 */
const TEXT = 0;
const PREAMBLE = 1;
const CHUNK = 1 << 18;

export class RenderSpoolWriter implements RecordSink {
  private readonly seen = new Set<RecordDescriptor>();
  private text = "";
  private bytes = Buffer.allocUnsafe(2 * CHUNK);
  private pos = 0;
  /** Records in the text not yet flushed. */
  private pending = 0;
  count = 0;

  constructor(
    private readonly out: SpoolFile,
    private readonly format: RenderFormat,
  ) {}

  write(rec: AnyRecord): void {
    const desc = rec[DESCRIPTOR];
    if (!this.seen.has(desc)) {
      this.seen.add(desc);
      const pre = PREAMBLE_TEXT[this.format](desc);
      if (pre) {
        this.flush();
        const key = Buffer.from(`${desc.name}\0${desc.hash}`);
        const body = Buffer.from(pre);
        const head = Buffer.alloc(9);
        head.writeUInt8(PREAMBLE, 0);
        head.writeUInt32LE(4 + key.length + body.length, 1);
        head.writeUInt32LE(key.length, 5);
        this.out.append([head, key, body], 0);
      }
    }
    this.count++;
    this.pending++;
    if (this.format === "jsonl") {
      // JSON lines go straight into bytes (src/records/jsonbytes.ts), as the JSON lines sink writes them.
      const enc = jsonByteEncoder(desc, true);
      let p = enc(rec, this.bytes, this.pos);
      if (p < 0) {
        this.pending--;
        this.flush();
        this.pending++;
        if (-p > this.bytes.length) this.bytes = Buffer.allocUnsafe(-p);
        p = enc(rec, this.bytes, 0);
      }
      this.pos = p;
    } else this.text += formatRecordText(rec) + "\n";
    if (this.pos >= CHUNK || this.text.length >= CHUNK || this.out.due()) this.flush();
  }

  /** Write what is buffered as one frame (also at the end of each function, so its records are all on disk). */
  flush(): void {
    let body: Buffer;
    if (this.pos) {
      body = this.bytes.subarray(0, this.pos);
      this.pos = 0;
    } else if (this.text) {
      body = Buffer.from(this.text);
      this.text = "";
    } else return;
    const head = Buffer.alloc(5);
    head.writeUInt8(TEXT, 0);
    head.writeUInt32LE(body.length, 1);
    const n = this.pending;
    this.pending = 0;
    this.out.append([head, body], n);
  }

  async close(): Promise<void> {
    this.flush();
  }
}

/** Reads a rendered spool as it grows, copying it to the output (each preamble only the first time in the run). */
export class RenderedReader {
  private pos = 0;
  private readonly head = Buffer.alloc(5);

  constructor(
    private readonly fd: number,
    private readonly seen: Set<string>,
    private readonly name = "spool",
  ) {}

  /** Copy the complete frames up to byte `end`. */
  async drain(out: Output, end: number): Promise<void> {
    while (this.pos + 5 <= end) {
      readAll(this.fd, this.head, this.pos, this.name);
      const kind = this.head.readUInt8(0);
      const len = this.head.readUInt32LE(1);
      if (this.pos + 5 + len > end) break;
      const body = Buffer.allocUnsafe(len);
      readAll(this.fd, body, this.pos + 5, this.name);
      this.pos += 5 + len;
      let bytes: Buffer;
      if (kind === TEXT) bytes = body;
      else if (kind === PREAMBLE) {
        const keyLen = body.readUInt32LE(0);
        const key = body.toString("utf8", 4, 4 + keyLen);
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        bytes = body.subarray(4 + keyLen);
      } else throw new Error(`${this.name}: unknown spool frame kind ${kind}`);
      const p = out.write(bytes);
      if (p) await p;
    }
  }
}
