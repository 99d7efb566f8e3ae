// --timeline: a sink in front of the run's real sink. Every event of every record (events.ts) becomes an entry;
// entries are gathered in runs bounded by count and bytes, each run sorted and spilled to a nameless temp file
// (runfile.ts), runs merged FAN_IN at a time as they pile up, and at the end the runs left and the last one, still
// in memory, are merged into the real sink as `quarry/timeline` records (entry.ts). Memory holds one run and one
// frame per run being merged, whatever the number of records; the order is total and the same however the run
// was spread over worker threads (runfile.ts: compareEntries).
import { DESCRIPTOR, type AnyRecord } from "../records/descriptor.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { Timestamp } from "../records/timestamp.js";
import type { Logger } from "../util/log.js";
import { RecordCodec, estimateBytes, type EncodedRecord } from "./codec.js";
import { timelineEntry } from "./entry.js";
import { forEachEvent } from "./events.js";
import { mergeSources } from "./merge.js";
import { ArraySource, compareEntries, RunReader, RunWriter, type Entry, type EntrySource, type Run } from "./runfile.js";
import { inWindow, type TimeWindow } from "./window.js";

/** Entries per run unless QUARRY_TIMELINE_RUN_RECORDS says otherwise (a test knob: small values exercise spilling). */
export const RUN_ENTRIES = 100_000;
/**
 * Estimated bytes of memory per run (codec.ts: estimateBytes of the encoded records). Small on purpose: a run lives
 * until it is spilled, long enough for the collector to move it to the old generation, where it dies, and the
 * process's peak grows with that garbage far more than with the run itself. Peak RSS of the whole process, 20 hosts
 * of the batch bench with --jobs 2 --worker-heap 256: 421 MiB with runs of 4 MiB and frames of 64, 478 MiB with
 * 8 MiB and 128 (370 MiB for the same records without --timeline, written with -w).
 */
export const RUN_BYTES = 4 * 1024 * 1024;
/**
 * Runs merged into one when this many of one level have piled up; the final merge reads at most FAN_IN − 1 per
 * level. A reader holds one frame (runfile.ts: FRAME_ENTRIES entries: ~30 KB of btmp records, ~100 KB of atop
 * tasks). 1,000,000 btmp records make 157 runs and one merge at the end: 14.6 s, 186 MiB; merging 128 at a time
 * first wrote most of them twice: 23 s, the same peak.
 */
export const FAN_IN = 256;
/** What an entry costs in memory besides its record. */
const ENTRY_BYTES = 96;
/** Let the event loop breathe this often during a long merge of runs (worker messages, output). */
const YIELD_EVERY = 50_000;
/** Entries written without a wait before the output phase lets the event loop turn. */
const YIELD_OUTPUT = 4096;

export interface TimelineOptions {
  /** Where the sorted entries go; closed by close(). */
  out: RecordSink;
  /** The run's target ids in order: at the same time, an earlier target's entries come first. */
  targets?: readonly string[];
  window?: TimeWindow;
  runEntries?: number;
  runBytes?: number;
  fanIn?: number;
  log?: Logger;
}

/** QUARRY_TIMELINE_RUN_RECORDS: entries per run (a whole number ≥ 1), else the default. Throws on anything else. */
export function runEntriesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.QUARRY_TIMELINE_RUN_RECORDS;
  if (v === undefined || v === "") return RUN_ENTRIES;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`QUARRY_TIMELINE_RUN_RECORDS: expected a whole number of at least 1, got ${JSON.stringify(v)}`);
  return n;
}

export interface TimelineStats {
  records: number;
  entries: number;
  /** Records without any datetime value (no entry at all). */
  undated: number;
  /** Events outside --from/--to. */
  outside: number;
  /** Runs written to temp files, and their bytes (merges included). */
  runsWritten: number;
  bytesWritten: number;
}

export class TimelineSink implements RecordSink {
  private buffer: Entry[] = [];
  private bufferBytes = 0;
  /** Runs on disk by level: a run of level L+1 is FAN_IN runs of level L merged. */
  private readonly levels: Run[][] = [];
  private readonly codec = new RecordCodec();
  private readonly targetIndex = new Map<string | null, number>();
  /** Records seen so far per target index: the record part of the sort key. */
  private readonly seq: number[] = [];
  private failure: unknown = null;
  private closed = false;
  readonly stats: TimelineStats = { records: 0, entries: 0, undated: 0, outside: 0, runsWritten: 0, bytesWritten: 0 };
  private readonly runEntries: number;
  private readonly runBytes: number;
  private readonly fanIn: number;

  constructor(private readonly opts: TimelineOptions) {
    (opts.targets ?? []).forEach((id, i) => {
      if (!this.targetIndex.has(id)) this.targetIndex.set(id, i);
    });
    this.runEntries = opts.runEntries ?? RUN_ENTRIES;
    this.runBytes = opts.runBytes ?? RUN_BYTES;
    this.fanIn = Math.max(2, opts.fanIn ?? FAN_IN);
  }

  private target(source: unknown): number {
    const key = typeof source === "string" ? source : null;
    let t = this.targetIndex.get(key);
    if (t === undefined) {
      // A record of no listed target (programs feeding the sink themselves): after the listed ones, by first sight.
      t = this.targetIndex.size + (this.opts.targets?.length ?? 0);
      this.targetIndex.set(key, t);
    }
    return t;
  }

  write(rec: AnyRecord): void | Promise<void> {
    if (this.failure) throw this.failure;
    const st = this.stats;
    st.records++;
    const t = this.target(rec._source);
    const q = (this.seq[t] = (this.seq[t] ?? 0) + 1);
    const w = this.opts.window;
    let k = 0;
    let kept = 0;
    let enc: EncodedRecord | null = null; // encoded once, shared by the record's events
    forEachEvent(rec, (x, f) => {
      k++;
      if (w && !inWindow(w, x)) {
        st.outside++;
        return;
      }
      enc ??= this.codec.encode(rec);
      this.buffer.push([x.seconds, x.micros, t, q, k, f.index, enc]);
      kept++;
    });
    if (k === 0) st.undated++;
    if (kept === 0 || !enc) return;
    st.entries += kept;
    this.bufferBytes += estimateBytes(enc) + kept * ENTRY_BYTES;
    if (this.buffer.length >= this.runEntries || this.bufferBytes >= this.runBytes) return this.spill();
  }

  /** The run in memory, sorted, to a temp file; then merge runs that have piled up. */
  private spill(): void | Promise<void> {
    const run = this.buffer.sort(compareEntries);
    this.buffer = [];
    this.bufferBytes = 0;
    let writer: RunWriter | null = null;
    try {
      writer = new RunWriter();
      for (const e of run) writer.add(e);
      this.written(writer.finish(), 0);
    } catch (e) {
      writer?.discard();
      this.failure = e;
      throw e;
    }
    if ((this.levels[0]?.length ?? 0) >= this.fanIn) return this.compact();
  }

  private written(run: Run, level: number): void {
    (this.levels[level] ??= []).push(run);
    this.stats.runsWritten++;
    this.stats.bytesWritten += run.bytes;
  }

  /** Merge every level that holds FAN_IN runs into one run of the next level. */
  private async compact(): Promise<void> {
    try {
      for (let level = 0; level < this.levels.length; level++) {
        const runs = this.levels[level]!;
        if (runs.length < this.fanIn) continue;
        this.levels[level] = [];
        let writer: RunWriter | null = null;
        try {
          writer = new RunWriter();
          let n = 0;
          for (const e of mergeSources(runs.map((r) => new RunReader(r)))) {
            writer.add(e);
            if (++n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
          }
          this.written(writer.finish(), level + 1);
        } catch (e) {
          writer?.discard();
          throw e;
        } finally {
          for (const r of runs) r.file.dispose();
        }
      }
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  private disposeRuns(): void {
    for (const runs of this.levels) for (const r of runs) r.file.dispose();
    this.levels.length = 0;
    this.buffer = [];
  }

  /** Merge everything into the real sink, then close it. Temp files are gone afterwards, however it ended. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let error: unknown = null;
    try {
      if (!this.failure) await this.emit();
    } catch (e) {
      error = e;
    } finally {
      this.disposeRuns();
    }
    this.report();
    await this.opts.out.close(); // if the output failed, its own account of it (and its cleanup) comes first
    if (error) throw error;
  }

  /** The run failed: remove the temp files and close the real sink without writing the timeline. */
  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.disposeRuns();
    await this.opts.out.close();
  }

  private async emit(): Promise<void> {
    const sources: EntrySource[] = [];
    for (const runs of this.levels) for (const r of runs) sources.push(new RunReader(r));
    sources.push(new ArraySource(this.buffer.sort(compareEntries)));
    this.opts.log?.debug(
      `timeline: ${this.stats.entries} entries from ${this.stats.records} records; ${this.stats.runsWritten} runs spilled (${this.stats.bytesWritten} bytes), merging ${sources.length}`,
    );
    const out = this.opts.out;
    let sinceWait = 0;
    for (const e of mergeSources(sources)) {
      const rec = this.codec.decode(e[6]);
      const field = rec[DESCRIPTOR].allFields[e[5]]!.name;
      const p = out.write(timelineEntry(rec, Timestamp.fromUnix(e[0], e[1]), field));
      if (p) {
        await p;
        sinceWait = 0;
      } else if (++sinceWait >= YIELD_OUTPUT) {
        // A destination that never asks to wait (a file: written synchronously) still gets its write callbacks
        // run now and then; without a turn of the event loop they, and what they hold, pile up.
        sinceWait = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  private report(): void {
    const { undated, outside } = this.stats;
    if (undated) this.opts.log?.info(`timeline: ${undated} record(s) without a datetime value left out`);
    if (outside) this.opts.log?.debug(`timeline: ${outside} event(s) outside --from/--to left out`);
  }
}
