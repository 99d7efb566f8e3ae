// The worker pool: targets run in worker threads, one at a time each, with a JS heap ceiling per worker
// (resourceLimits) and an optional time limit per target. A worker that dies (out of memory, process.exit, a
// crash) or runs out of time costs only its target; a new worker takes its place. Each target's records go to an
// nameless spool file the parent created; the parent copies finished spools to the run's output one after
// another, in order of completion, or, with one worker, the running target's spool as it grows (a terminal
// sees the records as they come). Disk and memory stay bounded: no new target while too many spools wait.
import { Worker } from "node:worker_threads";
import path from "node:path";
import type { Output } from "../records/output.js";
import type { RecordSink } from "../records/sinks/sink.js";
import type { TempFile } from "../util/tempfile.js";
import { anonymousTempFile } from "./anonfile.js";
import type { Logger } from "../util/log.js";
import { BatchWriteError, describeIoError } from "./failure.js";
import type { JobSpec } from "./job.js";
import { lostTargetReport, type WorkerProgress } from "./lost.js";
import { removePartials } from "./outdir.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./protocol.js";
import { RenderedReader } from "./render.js";
import type { FunctionReport, TargetReport } from "./report.js";
import { SpoolReader } from "./spool.js";

/**
 * A worker's young generation: 12 MiB, V8's 4 MiB semi-spaces (it sizes a semi-space at a third of this), as the
 * main thread holds its own (src/util/young-generation.ts); V8's default lets each worker grow to 16 MiB
 * semi-spaces. 50 hosts of the batch bench, --jobs 2: 399 → 320 MB peak, 18.5 → 17.6 s; the 20-host timeline
 * 523 → 448 MB.
 */
const WORKER_YOUNG_GENERATION_MB = 12;

export type PoolOutput =
  | { kind: "sink"; sink: RecordSink }
  /** Text the workers rendered, copied to `out` (each descriptor's preamble once per run: `seen`). */
  | { kind: "rendered"; out: Output; seen: Set<string> }
  /** Per-host files the workers write themselves. */
  | { kind: "dir"; root: string };

export interface PoolOptions {
  /** The compiled worker module. */
  file: string;
  workers: number;
  heapMb: number;
  setup: WorkerSetup;
  timeoutMs?: number;
  output: PoolOutput;
  /** Function names in run order (for the report of a target whose worker was lost). */
  functions: readonly string[];
}

export interface PoolHooks {
  log: Logger;
  /** Write a log line that a worker formatted already. */
  print(line: string): void;
  onReport(r: TargetReport): void;
  onFunctionDone(job: JobSpec, fn: FunctionReport): void;
  onRecords(n: number): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: JobSpec | null;
  started: number;
  timer: NodeJS.Timeout | null;
  timedOut: boolean;
  /** Being terminated (out of time): gets no new target, whatever it still says. */
  closing: boolean;
  /** Why the worker failed, as Node said (the error event comes before the exit event). */
  error: Error | null;
  progress: WorkerProgress;
  spool: Spooled | null;
}

/** A target's spool on its way to the output. */
interface Spooled {
  file: TempFile;
  drain(end: number): Promise<void>;
  /** Complete frames up to here. */
  end: number;
  /** The target is over (done or lost): nothing more will be written. */
  finished: boolean;
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  /** Spools in the order they go to the output. */
  private readonly queue: Spooled[] = [];
  private pumping = false;
  private jobs: JobSpec[] = [];
  private next = 0;
  private running = 0;
  private failure: Error | null = null;
  private stopping = false;
  private settle: (() => void) | null = null;
  private readonly live: boolean;

  constructor(
    private readonly opts: PoolOptions,
    private readonly hooks: PoolHooks,
  ) {
    // One worker: copy its target's records as they come, in list order (what --jobs 1 always did).
    this.live = opts.workers === 1 && opts.output.kind !== "dir";
  }

  /** Run every job. Rejects with the failure that stopped the run (an output that cannot be written). */
  async run(jobs: JobSpec[]): Promise<void> {
    this.jobs = jobs;
    try {
      await new Promise<void>((resolve) => {
        this.settle = resolve;
        for (let i = 0; i < this.opts.workers; i++) this.spawn();
      });
    } finally {
      await this.stop();
      for (const s of this.queue.splice(0)) s.file.dispose();
    }
    if (this.failure) throw this.failure;
  }

  /** Stop every worker now (a signal, a failure): nothing writes afterwards. */
  async stop(): Promise<void> {
    this.stopping = true;
    const all = [...this.slots];
    await Promise.all(all.map((s) => s.worker.terminate().catch(() => 0)));
    this.removeRunningPartials();
  }

  /** The unfinished per-host files of the targets being run (after stop(), or when the process is going). */
  removeRunningPartials(): void {
    const out = this.opts.output;
    if (out.kind !== "dir") return;
    for (const s of this.slots) if (s.job) removePartials(path.join(out.root, s.job.id));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    void this.stop().then(() => this.finishIfDone());
  }

  private finishIfDone(): void {
    // Stopped from outside (a signal): the process is going; the run must not go on to its report.
    if (!this.settle || (this.stopping && !this.failure)) return;
    const over = this.failure ? this.stopping : this.next >= this.jobs.length && this.running === 0 && this.queue.length === 0 && !this.pumping;
    if (!over) return;
    if (this.failure && [...this.slots].some((s) => s.job)) return; // wait for the exit events of the stopped ones
    const settle = this.settle;
    this.settle = null;
    for (const s of [...this.slots]) {
      this.slots.delete(s);
      void s.worker.terminate();
    }
    settle();
  }

  private waitingSpools(): number {
    return this.queue.filter((s) => s.finished).length;
  }

  private dispatch(slot: Slot): void {
    if (slot.closing || this.failure || this.stopping || this.next >= this.jobs.length || this.waitingSpools() >= this.opts.workers * 2) {
      this.finishIfDone();
      return;
    }
    const job = this.jobs[this.next++]!;
    Object.assign(slot, { job, started: performance.now(), timedOut: false, error: null });
    slot.progress = { opened: null, running: null, finished: [], spooled: this.opts.output.kind === "dir" ? null : 0 };
    this.running++;
    let spoolFd: number | null = null;
    if (this.opts.output.kind !== "dir") {
      let file: TempFile;
      try {
        file = anonymousTempFile("quarry-spool-");
      } catch (e) {
        this.running--;
        slot.job = null;
        this.fail(new BatchWriteError(`cannot create a spool file in the temp folder (QUARRY_TMPDIR): ${describeIoError(e)}`));
        return;
      }
      slot.spool = this.spooled(file);
      spoolFd = file.fd;
      if (this.live) this.queue.push(slot.spool);
    }
    if (this.opts.timeoutMs !== undefined) {
      slot.timer = setTimeout(() => {
        slot.timedOut = true;
        slot.closing = true;
        void slot.worker.terminate();
      }, this.opts.timeoutMs);
    }
    slot.worker.postMessage({ type: "job", job, spoolFd } satisfies ToWorker);
  }

  private spooled(file: TempFile): Spooled {
    const out = this.opts.output;
    let drain: (end: number) => Promise<void>;
    if (out.kind === "rendered") {
      const reader = new RenderedReader(file.fd, out.seen);
      drain = (end) => reader.drain(out.out, end);
    } else if (out.kind === "sink") {
      const reader = new SpoolReader(file.fd);
      drain = async (end) => void (await reader.drain(out.sink, end));
    } else throw new Error("no spool with per-host files");
    return { file, drain, end: 0, finished: false };
  }

  /** Copy spools to the output, head of the queue first, as far as each has been written. */
  private pump(): void {
    if (this.pumping || this.failure) return;
    this.pumping = true;
    void (async () => {
      try {
        for (;;) {
          const head = this.queue[0];
          if (!head) break;
          const end = head.end;
          await head.drain(end);
          if (end !== head.end) continue; // more came meanwhile
          if (!head.finished) {
            // Caught up with the running target: what it wrote goes out now, not when a buffer fills.
            const out = this.opts.output;
            if (out.kind === "rendered") await out.out.flush();
            break;
          }
          this.queue.shift();
          head.file.dispose();
        }
      } catch (e) {
        this.failure ??= e as Error; // the run's output failed (a full disk, …): stop
        void this.stop().then(() => this.finishIfDone());
      } finally {
        this.pumping = false;
      }
      for (const s of this.slots) if (s.ready && !s.job && !s.closing) this.dispatch(s);
      this.finishIfDone();
    })();
  }

  private spawn(): void {
    const worker = new Worker(this.opts.file, {
      workerData: this.opts.setup,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    const slot: Slot = {
      worker, ready: false, job: null, started: 0, timer: null, timedOut: false, closing: false, error: null, spool: null,
      progress: { opened: null, running: null, finished: [], spooled: null },
    };
    this.slots.add(slot);
    worker.on("message", (m: FromWorker) => {
      try {
        this.onMessage(slot, m);
      } catch (e) {
        this.fail(e as Error); // the journal or the report could not be written
      }
    });
    worker.on("error", (e) => {
      slot.error ??= e;
    });
    worker.on("exit", (code) => this.lost(slot, code));
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case "ready":
        slot.ready = true;
        this.dispatch(slot);
        break;
      case "log":
        this.hooks.print(m.line);
        break;
      case "records":
        this.hooks.onRecords(m.n);
        break;
      case "opened":
        slot.progress.opened = m.info;
        break;
      case "fn-start":
        slot.progress.running = m.name;
        break;
      case "flushed":
        slot.progress.spooled = m.records;
        if (slot.spool) {
          slot.spool.end = m.bytes;
          if (this.live) this.pump();
        }
        break;
      case "fn-done":
        slot.progress.running = null;
        slot.progress.finished.push(m.fn);
        this.hooks.onFunctionDone(m.job, m.fn);
        break;
      case "done":
        this.endJob(slot);
        this.hooks.onReport(m.report);
        this.dispatch(slot);
        this.finishIfDone();
        break;
      case "fatal":
        this.fail(new BatchWriteError(m.message));
        break;
    }
  }

  /** The slot's target is over: its spool goes to the output queue (or is already in it). */
  private endJob(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    this.running--;
    const spool = slot.spool;
    slot.spool = null;
    if (spool) {
      spool.finished = true;
      if (!this.live) this.queue.push(spool);
      this.pump();
    }
  }

  private lost(slot: Slot, code: number): void {
    if (!this.slots.delete(slot)) return;
    const job = slot.job;
    if (job) {
      const out = this.opts.output;
      if (out.kind === "dir") removePartials(path.join(out.root, job.id));
      if (this.stopping || this.failure) {
        // The run is stopping: this target is not reported, and its records are not copied.
        if (slot.timer) clearTimeout(slot.timer);
        this.running--;
        slot.job = null;
        if (slot.spool && !this.live) slot.spool.file.dispose();
        slot.spool = null;
      } else {
        const why = slot.timedOut ? `timed out after ${this.opts.timeoutMs! / 1000} s` : `worker failed: ${describeDeath(slot.error, code)}`;
        const report = lostTargetReport(job, why, slot.progress, this.opts.functions, performance.now() - slot.started);
        const running = slot.progress.opened ? slot.progress.running : null;
        this.hooks.log.error(`${job.path}: ${running ? `${running}: ` : ""}${why}`);
        this.endJob(slot);
        this.hooks.onReport(report);
      }
    }
    // A worker that dies before it is ready (its registry module does not load) would die again: stop.
    if (!slot.ready && !this.stopping) this.fail(new Error(`batch worker could not start: ${describeDeath(slot.error, code)}`));
    if (!this.failure && !this.stopping && this.next < this.jobs.length) this.spawn();
    else this.finishIfDone();
  }
}

function describeDeath(error: Error | null, code: number): string {
  if ((error as NodeJS.ErrnoException | null)?.code === "ERR_WORKER_OUT_OF_MEMORY") return "out of memory";
  return error ? error.message : `exited with code ${code}`;
}
