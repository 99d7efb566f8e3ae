// A worker's records for one target, spooled to a temp file and streamed into the run's single sink by the
// parent (once the target is done, or as they come with --jobs 1): the records of a target stay together, the
// sink sees every descriptor once per run whatever the format (text, JSON lines, the binary stream), and memory
// stays flat however large the target. Frames: u32le length + a v8-serialised batch of records (descriptors
// sent once per spool).
import v8 from "node:v8";
import { DESCRIPTOR, RecordDescriptor, type AnyRecord, type FieldDef } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";
import { writeFailure } from "./failure.js";
import { readAll, writeAll } from "./fdio.js";

interface Frame {
  /** New descriptors: [index, name, fields (without the reserved ones)]. */
  d: [number, string, FieldDef[]][];
  /** Records: [descriptor index, values in allFields order]. */
  r: [number, unknown[]][];
}

const BATCH_RECORDS = 512;

function encodeValue(type: string, v: unknown): unknown {
  if (v instanceof Timestamp) return [v.seconds, v.micros];
  if (type === "datetime[]" && Array.isArray(v)) return v.map((x) => (x instanceof Timestamp ? [x.seconds, x.micros] : x));
  return v;
}

function decodeValue(type: string, v: unknown): unknown {
  if (type === "datetime" && Array.isArray(v)) return Timestamp.fromUnix(v[0] as number, v[1] as number);
  if (type === "datetime[]" && Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? Timestamp.fromUnix(x[0] as number, x[1] as number) : x));
  return v;
}

/** A spool is flushed at least this often while records come (a terminal sees them as they come, with --jobs 1). */
export const SPOOL_FLUSH_MS = 100;

/**
 * Where spooled frames go: a nameless temp file the parent created (nothing on disk ever, whatever ends the
 * run), shared with the worker thread by its descriptor. Frames are written at explicit offsets; after each,
 * `onFlush(bytes, records)` says how far the file holds complete frames, which is all the parent ever reads
 * (a worker that dies mid-frame leaves nothing torn to read).
 */
export class SpoolFile {
  bytes = 0;
  records = 0;
  private sinceFlush = 0;
  private last = Date.now();

  constructor(
    readonly fd: number,
    private readonly onFlush?: (bytes: number, records: number) => void,
  ) {}

  /**
   * Called once per record: is it time to flush what is buffered? The clock is read for each of the first 64
   * records after a flush (a slow producer's records go out promptly), then for every 64th (a fast one's cost
   * nothing: they fill a batch long before the time is up).
   */
  due(): boolean {
    const n = ++this.sinceFlush;
    if (n > 64 && (n & 63) !== 0) return false;
    return Date.now() - this.last >= SPOOL_FLUSH_MS;
  }

  append(parts: readonly Uint8Array[], records: number): void {
    try {
      for (const p of parts) {
        writeAll(this.fd, p, this.bytes);
        this.bytes += p.length;
      }
    } catch (e) {
      throw writeFailure("a spool file in the temp folder (QUARRY_TMPDIR)", e);
    }
    this.records += records;
    this.sinceFlush = 0;
    this.last = Date.now();
    this.onFlush?.(this.bytes, this.records);
  }
}

export class SpoolWriter implements RecordSink {
  private readonly index = new Map<RecordDescriptor, number>();
  private frame: Frame = { d: [], r: [] };
  count = 0;

  constructor(private readonly out: SpoolFile) {}

  write(rec: AnyRecord): void {
    const desc = rec[DESCRIPTOR];
    let i = this.index.get(desc);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(desc, i);
      this.frame.d.push([i, desc.name, desc.fields.map((f) => ({ name: f.name, type: f.type }))]);
    }
    this.frame.r.push([i, desc.allFields.map((f) => encodeValue(f.type, rec[f.name]))]);
    this.count++;
    if (this.frame.r.length >= BATCH_RECORDS || this.out.due()) this.flush();
  }

  /** Write what is buffered as one frame (also at the end of each function, so its records are all on disk). */
  flush(): void {
    if (this.frame.r.length === 0 && this.frame.d.length === 0) return;
    const body = v8.serialize(this.frame);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    const n = this.frame.r.length;
    this.frame = { d: [], r: [] };
    this.out.append([head, body], n);
  }

  async close(): Promise<void> {
    this.flush();
  }
}

/** Descriptors rebuilt from spools, shared across the run so sinks see the same object for the same type. */
const descriptorCache = new Map<string, RecordDescriptor>();

function descriptorFor(name: string, fields: FieldDef[]): RecordDescriptor {
  const key = name + "\0" + fields.map((f) => `${f.name}:${f.type}`).join(",");
  let d = descriptorCache.get(key);
  if (!d) descriptorCache.set(key, (d = new RecordDescriptor(name, fields)));
  return d;
}

/** Reads a record spool as it grows, from where it stopped up to what the writer said was complete. */
export class SpoolReader {
  private pos = 0;
  private readonly descs = new Map<number, RecordDescriptor>();
  private readonly head = Buffer.alloc(4);

  constructor(
    private readonly fd: number,
    private readonly name = "spool",
  ) {}

  /** Stream the complete frames up to byte `end` into a sink, honouring its backpressure. Returns the records. */
  async drain(sink: RecordSink, end: number): Promise<number> {
    let n = 0;
    while (this.pos + 4 <= end) {
      readAll(this.fd, this.head, this.pos, this.name);
      const len = this.head.readUInt32LE(0);
      if (this.pos + 4 + len > end) break;
      const body = Buffer.allocUnsafe(len);
      readAll(this.fd, body, this.pos + 4, this.name);
      this.pos += 4 + len;
      const frame = v8.deserialize(body) as Frame;
      for (const [i, name, fields] of frame.d) this.descs.set(i, descriptorFor(name, fields));
      for (const [i, values] of frame.r) {
        const desc = this.descs.get(i);
        if (!desc) throw new Error(`${this.name}: record of an unknown descriptor`);
        const rec: Record<string, unknown> = {};
        const all = desc.allFields;
        for (let k = 0; k < all.length; k++) rec[all[k]!.name] = decodeValue(all[k]!.type, values[k]);
        const out = desc.create(rec as never) as AnyRecord;
        const p = sink.write(out);
        if (p) await p;
        n++;
      }
    }
    return n;
  }
}
