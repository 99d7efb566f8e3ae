// A worker's records for one target, spooled to a temp file and streamed into the run's single sink by the
// parent once the target is done: the records of a target stay together, the sink sees every descriptor once
// per run whatever the format (text, JSON lines, the binary stream), and memory stays flat however large the
// target. Frames: u32le length + a v8-serialised batch of records (descriptors sent once per spool).
import fs from "node:fs";
import v8 from "node:v8";
import { DESCRIPTOR, RecordDescriptor, type AnyRecord, type FieldDef } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";

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

export class SpoolWriter implements RecordSink {
  private readonly fd: number;
  private readonly index = new Map<RecordDescriptor, number>();
  private frame: Frame = { d: [], r: [] };
  count = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, "w");
  }

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
    if (this.frame.r.length >= BATCH_RECORDS) this.flush();
  }

  private flush(): void {
    if (this.frame.r.length === 0 && this.frame.d.length === 0) return;
    const body = v8.serialize(this.frame);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    fs.writeSync(this.fd, head);
    fs.writeSync(this.fd, body);
    this.frame = { d: [], r: [] };
  }

  async close(): Promise<void> {
    this.flush();
    fs.closeSync(this.fd);
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

/** Stream a spool into a sink, honouring its backpressure. Returns the number of records. */
export async function drainSpool(file: string, sink: RecordSink): Promise<number> {
  const fd = fs.openSync(file, "r");
  const descs = new Map<number, RecordDescriptor>();
  let n = 0;
  try {
    const head = Buffer.alloc(4);
    for (;;) {
      if (fs.readSync(fd, head, 0, 4, null) < 4) break;
      const len = head.readUInt32LE(0);
      const body = Buffer.alloc(len);
      if (fs.readSync(fd, body, 0, len, null) < len) throw new Error(`${file}: truncated spool frame`);
      const frame = v8.deserialize(body) as Frame;
      for (const [i, name, fields] of frame.d) descs.set(i, descriptorFor(name, fields));
      for (const [i, values] of frame.r) {
        const desc = descs.get(i);
        if (!desc) throw new Error(`${file}: record of an unknown descriptor`);
        const rec: Record<string, unknown> = {};
        const all = desc.allFields;
        for (let k = 0; k < all.length; k++) rec[all[k]!.name] = decodeValue(all[k]!.type, values[k]);
        const out = desc.create(rec as never) as AnyRecord;
        const p = sink.write(out);
        if (p) await p;
        n++;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}
