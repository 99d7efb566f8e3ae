// JSON lines in the shape of dissect's `target-query -j` (flow.record's jsonfile writer): a
// {"_type": "recorddescriptor"} line before the first record of each descriptor, then one object per record
// with every field (reserved ones included), "_type": "record" and "_recorddescriptor": [name, hash].
import { DESCRIPTOR, type AnyRecord, type RecordDescriptor } from "../descriptor.js";
import { chainWait, type Output } from "../output.js";
import { jsonFormatter } from "../compiled.js";
import { jsonByteEncoder, type ByteEncoder } from "../jsonbytes.js";
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

const CHUNK = 1 << 20;
/** Released chunks kept for reuse. */
const FREE_MAX = 4;

export class JsonLinesSink implements RecordSink {
  private readonly seen = new Set<string>();
  private last: RecordDescriptor | null = null;
  private encode: ByteEncoder | null = null;
  private buf = Buffer.allocUnsafe(CHUNK);
  /** Chunks the output has released, to be filled again (a few: the ones in flight come back in turn). */
  private readonly free: Buffer<ArrayBuffer>[] = [];
  private pos = 0;

  constructor(
    private readonly out: Output,
    private readonly descriptors = true,
  ) {}

  write(rec: AnyRecord): void | Promise<void> {
    const desc = rec[DESCRIPTOR];
    let wait: void | Promise<void> = undefined;
    if (desc !== this.last) {
      this.last = desc;
      this.encode = jsonByteEncoder(desc, this.descriptors);
      const key = desc.name + "\0" + desc.hash;
      if (this.descriptors && !this.seen.has(key)) {
        this.seen.add(key);
        const line = Buffer.from(formatDescriptorJson(desc) + "\n", "latin1");
        if (this.pos + line.length > this.buf.length) wait = this.handOff(line.length);
        this.buf.set(line, this.pos);
        this.pos += line.length;
      }
    }
    let p = this.encode!(rec, this.buf, this.pos);
    if (p < 0) {
      wait = chainWait(wait, this.handOff(-p));
      p = this.encode!(rec, this.buf, this.pos);
    }
    this.pos = p;
    return wait;
  }

  /**
   * The filled part goes to the output (which keeps it until written); the next chunk is one the output has
   * released, else a new one of at least `need` bytes. A chunk is reused only once released: with two chunks in
   * flight, reusing only when the output was idle allocated a new MiB every other chunk, garbage that a small
   * young generation promotes (btmp -j peaked at 137 MB of which 60 MB were such buffers).
   */
  private handOff(need: number): void | Promise<void> {
    const filled = this.buf;
    const full = filled.subarray(0, this.pos);
    const size = Math.max(CHUNK, need);
    let next = this.free.pop();
    if (next === undefined || next.length < size) next = Buffer.allocUnsafe(size);
    this.buf = next;
    this.pos = 0;
    const release = (): void => {
      if (this.free.length < FREE_MAX && filled.length === CHUNK) this.free.push(filled);
    };
    if (!full.length) {
      release();
      return undefined;
    }
    return this.out.write(full, release);
  }

  async close(): Promise<void> {
    const p = this.handOff(0);
    if (p) await p;
    await this.out.close();
  }
}
