// A sorted run of timeline entries on disk: a nameless temp file (src/batch/anonfile.ts: O_TMPFILE on Linux, else
// created and unlinked at once), so nothing is ever left behind, whatever ends the process. Frames: u32le length
// + a v8-serialised array of up to FRAME_ENTRIES encoded entries. A reader holds one frame at a time.
import v8 from "node:v8";
import { anonymousTempFile } from "../batch/anonfile.js";
import { writeFailure } from "../batch/failure.js";
import { readAll, writeAll } from "../batch/fdio.js";
import type { TempFile } from "../util/tempfile.js";
import type { EncodedRecord } from "./codec.js";

/**
 * [seconds, micros, target, record, event, field, record]: the sort key (the event's time, the target's place in
 * the run's target list, the record's place in its target's output, the event's place in the record), the index
 * of the field it comes from in the descriptor's allFields, and the record encoded (codec.ts). The events of one
 * record share its encoded array (in memory, and within a frame on disk: v8's serializer writes it once).
 */
export type Entry = [number, number, number, number, number, number, EncodedRecord];

/** Entries per frame: what a reader holds in memory, per run being merged (see sink.ts: FAN_IN). */
export const FRAME_ENTRIES = 64;

export const TEMP_FOLDER = "a timeline run file in the temp folder (QUARRY_TMPDIR)";

export function compareEntries(a: Entry, b: Entry): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4];
}

/** A run on disk, complete. */
export interface Run {
  readonly file: TempFile;
  readonly bytes: number;
  readonly entries: number;
}

export function newRunFile(): TempFile {
  try {
    return anonymousTempFile("quarry-timeline-");
  } catch (e) {
    throw writeFailure(TEMP_FOLDER, e);
  }
}

/** Writes entries, already in order, as frames. */
export class RunWriter {
  private frame: Entry[] = [];
  private pos = 0;
  private count = 0;
  private readonly file: TempFile;

  constructor() {
    this.file = newRunFile();
  }

  add(e: Entry): void {
    this.frame.push(e);
    this.count++;
    if (this.frame.length >= FRAME_ENTRIES) this.flush();
  }

  private flush(): void {
    if (this.frame.length === 0) return;
    const body = v8.serialize(this.frame);
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    this.frame = [];
    try {
      writeAll(this.file.fd, head, this.pos);
      writeAll(this.file.fd, body, this.pos + 4);
    } catch (e) {
      throw writeFailure(TEMP_FOLDER, e);
    }
    this.pos += 4 + body.length;
  }

  finish(): Run {
    this.flush();
    return { file: this.file, bytes: this.pos, entries: this.count };
  }

  /** Give up (an error while writing): the file goes. */
  discard(): void {
    this.frame = [];
    this.file.dispose();
  }
}

/** Where the merge takes entries from: a run on disk or a sorted array in memory. */
export interface EntrySource {
  /** The next entry, or null at the end. */
  readonly head: Entry | null;
  advance(): void;
}

export class RunReader implements EntrySource {
  head: Entry | null = null;
  private frame: Entry[] = [];
  private i = 0;
  private pos = 0;
  private readonly len = Buffer.alloc(4);

  constructor(private readonly run: Run) {
    this.advance();
  }

  advance(): void {
    if (this.i >= this.frame.length) {
      this.frame = this.pos < this.run.bytes ? this.readFrame() : [];
      this.i = 0;
    }
    this.head = this.i < this.frame.length ? this.frame[this.i++]! : null;
  }

  private readFrame(): Entry[] {
    readAll(this.run.file.fd, this.len, this.pos, "timeline run file");
    const n = this.len.readUInt32LE(0);
    const body = Buffer.allocUnsafe(n);
    readAll(this.run.file.fd, body, this.pos + 4, "timeline run file");
    this.pos += 4 + n;
    return v8.deserialize(body) as Entry[];
  }
}

export class ArraySource implements EntrySource {
  head: Entry | null;
  private i = 0;
  constructor(private readonly entries: readonly Entry[]) {
    this.head = entries[0] ?? null;
  }
  advance(): void {
    this.head = this.entries[++this.i] ?? null;
  }
}
