// Opens a record source whatever it holds: a flow.record stream (plain or gzip), or JSON lines, told apart
// by their first bytes, not by a file name.
import fs from "node:fs";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { AnyRecord } from "../descriptor.js";
import { startsWithHeader } from "./format.js";
import { readCsvRecords, type CsvError } from "./csv.js";
import { JsonLinesDecoder, readJsonLinesBatches, type JsonLinesError } from "./jsonl.js";
import { RecordStreamDecoder, StreamError, readStreamBatches, type DescriptorStats } from "./reader.js";

export type SourceKind = "stream" | "jsonl" | "csv";

export interface RecordSource {
  readonly kind: SourceKind;
  readonly compressed: boolean;
  /** The records, a chunk's worth at a time (cheaper to iterate than one await per record). */
  readonly batches: AsyncIterable<AnyRecord[]>;
  /** The records one by one. */
  readonly records: AsyncIterable<AnyRecord>;
  /** Descriptors seen so far and how many records each one had. */
  stats(): DescriptorStats[];
}

/** Read at least `n` bytes (or everything), returning them and an iterable that yields everything again. */
async function peek(src: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Buffer; all: AsyncIterable<Uint8Array> }> {
  const it = src[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    got.push(b);
    len += b.length;
  }
  const head = Buffer.concat(got);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, all: all() };
}

const COMPRESSIONS: [string, number[]][] = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

function startsWith(b: Uint8Array, magic: number[]): boolean {
  return b.length >= magic.length && magic.every((m, i) => b[i] === m);
}

function source(kind: SourceKind, compressed: boolean, batches: AsyncIterable<AnyRecord[]>, stats: () => DescriptorStats[]): RecordSource {
  return {
    kind,
    compressed,
    batches,
    records: (async function* () {
      for await (const b of batches) yield* b;
    })(),
    stats,
  };
}

export interface SourceOptions {
  /**
   * Told about a record that cannot be read (a corrupt frame, an unknown descriptor, a bad JSON line); the
   * reader goes on with the next one. Without it, the first such record ends the source with its error.
   */
  onBadRecord?: (err: StreamError | JsonLinesError | CsvError) => void;
}

/** Detect what `input` holds and return its records (`_name`: how the caller names the input; messages leave it to the caller). */
export async function openRecordSource(input: AsyncIterable<Uint8Array>, _name = "<input>", opts: SourceOptions = {}): Promise<RecordSource> {
  let { head, all } = await peek(input, 32);
  let compressed = false;
  if (startsWith(head, [0x1f, 0x8b])) {
    compressed = true;
    const gunzip = Readable.from(all).pipe(createGunzip());
    ({ head, all } = await peek(gunzip as AsyncIterable<Uint8Array>, 32));
  }
  for (const [kind, magic] of COMPRESSIONS) {
    if (startsWith(head, magic)) throw new StreamError(`${kind}-compressed input is not supported; decompress it first`, 0);
  }
  if (startsWithHeader(head) || head.length === 0) {
    const dec = new RecordStreamDecoder();
    return source("stream", compressed, readStreamBatches(all, dec, opts.onBadRecord), () => dec.stats());
  }
  const firstText = head.toString("latin1").trimStart();
  if (firstText.startsWith("{")) {
    const dec = new JsonLinesDecoder();
    return source("jsonl", compressed, readJsonLinesBatches(all, dec, opts.onBadRecord), () => dec.stats());
  }
  if (firstText.startsWith("<")) {
    throw new StreamError(`this looks like text output (<record …>), not a record stream; write with -w - or pipe target-query without -s`, 0);
  }
  throw new StreamError(`not a flow.record stream or JSON lines`, 0);
}

/**
 * A file of records: a flow.record stream or JSON lines (told apart by content, plain or gzip'd), or CSV written
 * by a csvfile writer (`csvfile://PATH`, or a name ending .csv: CSV has no magic to tell it by).
 */
export async function openRecordFile(path: string, opts: SourceOptions = {}): Promise<RecordSource> {
  const csv = /^csvfile:\/\//i.exec(path) ? path.slice("csvfile://".length) : /\.csv$/i.test(path) ? path : null;
  if (csv !== null) {
    const r = readCsvRecords(fs.createReadStream(csv, { highWaterMark: 1 << 16 }), opts.onBadRecord as ((e: CsvError) => void) | undefined);
    return source("csv", false, r.batches, r.stats);
  }
  return openRecordSource(fs.createReadStream(path, { highWaterMark: 1 << 16 }), path, opts);
}
