// Per-host output (`--output-dir DIR`): DIR/<target id>/<function>.jsonl[.gz] (or .rec[.gz]), each written to a `.partial`
// file and renamed into place only once its function has finished, so no half-written file is ever taken as
// complete. A state journal (one JSON line per finished (target, function) pair, appended by the parent only)
// lets `--resume` skip what an interrupted run already finished.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import { UsageError } from "../plugin/args.js";
import type { AnyRecord } from "../records/descriptor.js";
import { Output } from "../records/output.js";
import { JsonLinesSink } from "../records/sinks/jsonl.js";
import { RecordStreamSink } from "../records/sinks/stream.js";
import type { RecordSink } from "../records/sinks/sink.js";
import { writeFailure } from "./failure.js";
import { writeAll } from "./fdio.js";
import type { FunctionReport } from "./report.js";

/** JSON lines (dissect -j shape) or the flow.record binary stream (what rdump reads fastest). */
export type DirFormat = "jsonl" | "rec";

export interface OutputDirConfig {
  root: string;
  format: DirFormat;
  gzip: boolean;
}

export function outputFileName(fn: string, cfg: OutputDirConfig): string {
  return `${fn.replace(/[^A-Za-z0-9._-]+/g, "_")}.${cfg.format}${cfg.gzip ? ".gz" : ""}`;
}

/**
 * The bytes of one output file, written synchronously (this runs in a worker thread, or in the main thread
 * only for tests and embedders). A failure is kept, never emitted as an "error" event: the FunctionFile raises
 * it as a BatchWriteError at the next record or at commit, so a full disk ends the run with one message.
 */
class FileBytes extends Writable {
  failure: unknown = null;

  constructor(private readonly fd: number) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.failure === null) {
      try {
        writeAll(this.fd, chunk, null);
      } catch (e) {
        this.failure = e;
      }
    }
    cb();
  }
}

/** One function's output file for one target; created on its first record. */
export class FunctionFile implements RecordSink {
  private sink: RecordSink | null = null;
  private bytes: FileBytes | null = null;
  private fd = -1;
  private done: Promise<void> | null = null;
  readonly rel: string;
  private readonly dir: string;
  private readonly final: string;
  readonly partial: string;

  constructor(
    private readonly cfg: OutputDirConfig,
    targetId: string,
    fn: string,
  ) {
    const name = outputFileName(fn, cfg);
    this.rel = path.posix.join(targetId, name);
    this.dir = path.join(cfg.root, targetId);
    this.final = path.join(this.dir, name);
    this.partial = path.join(this.dir, `.${name}.partial`);
  }

  private open(): RecordSink {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.rmSync(this.partial, { force: true }); // a leftover (or a link planted there) is never written through
      const c = fs.constants;
      this.fd = fs.openSync(this.partial, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o644);
    } catch (e) {
      throw writeFailure(this.partial, e);
    }
    const bytes = (this.bytes = new FileBytes(this.fd));
    let dest: Writable = bytes;
    if (this.cfg.gzip) {
      const gz = createGzip();
      gz.pipe(bytes);
      dest = gz;
    }
    this.done = new Promise<void>((resolve, reject) => {
      bytes.on("finish", resolve);
      dest.on("error", reject);
    });
    return this.cfg.format === "rec"
      ? new RecordStreamSink(new Output(dest, true))
      : new JsonLinesSink(new Output(dest, { ownsStream: true, ascii: true }));
  }

  write(rec: AnyRecord): void | Promise<void> {
    if (this.bytes?.failure) throw writeFailure(this.partial, this.bytes.failure);
    return (this.sink ??= this.open()).write(rec);
  }

  async close(): Promise<void> {
    await this.commit();
  }

  /**
   * Finish the file and move it into place; returns its path relative to the output folder, or null if empty.
   * Throws a BatchWriteError (the partial file removed) when the file cannot be written.
   */
  async commit(): Promise<string | null> {
    if (!this.sink) {
      // Nothing written this time: whatever an earlier run left for this pair is not this run's result.
      try {
        fs.rmSync(this.partial, { force: true });
        fs.rmSync(this.final, { force: true });
      } catch (e) {
        throw writeFailure(this.final, e);
      }
      return null;
    }
    try {
      await this.sink.close();
      await this.done;
      if (this.bytes!.failure) throw this.bytes!.failure;
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.partial, this.final);
    } catch (e) {
      this.discard();
      throw writeFailure(this.partial, e);
    }
    this.sink = null;
    return this.rel;
  }

  /** Drop a file that will not be completed (a write failed, the run stops). */
  discard(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.sink = null;
    removePartials(this.dir);
  }
}

/** Remove a target folder's unfinished files (and the folder if that leaves it empty). */
export function removePartials(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (f.endsWith(".partial")) fs.rmSync(path.join(dir, f), { force: true });
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty: finished files stay */
  }
}

export interface StateConfig {
  functions: string[];
  format: DirFormat;
  gzip: boolean;
  limit: number | null;
  args: Record<string, unknown>;
}

interface StateLine {
  target: string;
  path: string;
  fn: FunctionReport;
}

/** Finished pairs: target id → function name → its report. */
export type DoneMap = Map<string, Map<string, FunctionReport>>;

export function stateFileName(shard: { k: number; n: number } | null): string {
  return shard && shard.n > 1 ? `quarry-state.shard-${shard.k}-of-${shard.n}.jsonl` : "quarry-state.jsonl";
}

/** The state journal and the lock that keeps two runs from writing the same output folder at once. */
export class StateJournal {
  readonly file: string;
  private readonly lock: string;
  private fd = -1;
  readonly done: DoneMap = new Map();

  constructor(
    readonly root: string,
    shard: { k: number; n: number } | null,
  ) {
    this.file = path.join(root, stateFileName(shard));
    this.lock = this.file + ".lock";
  }

  /** Take the lock, then start a fresh journal or (resume) load the finished pairs of an earlier one. */
  open(config: StateConfig, resume: boolean): void {
    fs.mkdirSync(this.root, { recursive: true });
    this.takeLock();
    try {
      const exists = fs.existsSync(this.file);
      if (exists && !resume) {
        throw new UsageError(`${this.root} holds an earlier run (${path.basename(this.file)}): --resume to continue it, or choose another folder`);
      }
      if (exists) {
        const lines = fs.readFileSync(this.file, "utf8").split("\n");
        let head: { config?: StateConfig } | null = null;
        try {
          head = JSON.parse(lines[0] ?? "") as { config?: StateConfig };
        } catch {
          head = null;
        }
        if (!head?.config) throw new UsageError(`${this.file}: not a quarry state file`);
        const was = JSON.stringify(head.config);
        if (was !== JSON.stringify(config)) {
          throw new UsageError(`--resume: ${this.root} was written with other settings (${was}); resume with the same functions, format and options`);
        }
        for (const line of lines.slice(1)) {
          if (!line.trim()) continue;
          let s: StateLine;
          try {
            s = JSON.parse(line) as StateLine;
          } catch {
            continue; // a line torn by the interruption: that pair simply runs again
          }
          if (s.fn.status === "error") continue; // errors run again: they may have been transient
          let m = this.done.get(s.target);
          if (!m) this.done.set(s.target, (m = new Map()));
          m.set(s.fn.name, s.fn);
        }
        this.fd = fs.openSync(this.file, "a");
        const text = lines.join("\n");
        if (text.length && !text.endsWith("\n")) fs.writeSync(this.fd, "\n"); // end a line torn by the interruption
      } else {
        this.fd = fs.openSync(this.file, "w");
        this.append({ config, started: new Date().toISOString() });
      }
    } catch (e) {
      this.releaseLock();
      throw e;
    }
  }

  /** Record a finished pair; called only once its output file is in place. */
  record(targetId: string, targetPath: string, fn: FunctionReport): void {
    const { warnings, errors, ...rest } = fn;
    this.append({ target: targetId, path: targetPath, fn: { ...rest, warnings: warnings.slice(0, 20), errors: errors.slice(0, 20) } });
  }

  private append(obj: unknown): void {
    try {
      writeAll(this.fd, Buffer.from(JSON.stringify(obj) + "\n"), null);
      fs.fsyncSync(this.fd);
    } catch (e) {
      throw writeFailure(this.file, e);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
    this.releaseLock();
  }

  private takeLock(): void {
    const me = JSON.stringify({ pid: process.pid, host: os.hostname() });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(this.lock, me, { flag: "wx" });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      let holder: { pid?: number; host?: string } = {};
      try {
        holder = JSON.parse(fs.readFileSync(this.lock, "utf8")) as typeof holder;
      } catch {
        holder = {};
      }
      if (holder.host === os.hostname() && typeof holder.pid === "number" && !alive(holder.pid)) {
        fs.rmSync(this.lock, { force: true }); // left behind by a run that was killed
        continue;
      }
      throw new UsageError(`${this.root} is in use by another run (${this.lock}: pid ${holder.pid ?? "?"} on ${holder.host ?? "?"})`);
    }
    throw new UsageError(`cannot lock ${this.lock}`);
  }

  private releaseLock(): void {
    fs.rmSync(this.lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
