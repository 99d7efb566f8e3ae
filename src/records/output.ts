// A buffered byte/text output with backpressure: sinks append, and the run awaits only when the
// destination (stdout, a file) asks it to, so memory stays flat however many records flow.
//
// A destination that fails (a full disk, /dev/full, a reader that went away) fails the Output: every later
// write, flush and close throws one OutputError naming the destination, so the run ends with one message
// instead of an exception thrown inside an event handler. A reader that went away (EPIPE) is `closed`:
// the tools end quietly then, as Unix tools do.
import type { Writable } from "node:stream";
import { getSystemErrorMap } from "node:util";

const FLUSH_AT = 1 << 18;
/**
 * Bytes handed to the stream whose write callback has not run yet. A stream that never says "wait" (stdout on a
 * file or /dev/null is a synchronous stream whose callbacks run on the next tick) would otherwise keep every
 * chunk of a run that never yields to the event loop (a synchronous record source): 1.8 GB for 2,000,000 auth
 * records. Past this much the run waits for the callbacks. 1 MiB rather than 4: the JSON sink reuses a chunk
 * only once it is written, and with 4 MiB in flight the journal bench peaked ~9 MB higher (btmp 145 → 100 MB),
 * at the same speed.
 */
const MAX_UNCONFIRMED = 1 << 20;

export interface OutputOptions {
  /** Close the stream on close() (a file we opened; never stdout). */
  ownsStream?: boolean;
  /** Every string written is ASCII (JSON with ensure_ascii): encode as latin1, much cheaper than UTF-8. */
  ascii?: boolean;
  /** What the messages call the destination ("standard output", a file name). */
  destination?: string;
}

/** "no space left on device (ENOSPC)": an errno error as a person reads it. */
export function describeSystemError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.errno === "number") {
    const known = getSystemErrorMap().get(err.errno);
    if (known) return `${known[1]} (${known[0]})`;
  }
  if (typeof err?.code === "string" && typeof err.message === "string") {
    // "ENOSPC: no space left on device, write" → "no space left on device (ENOSPC)"
    const m = /^([A-Z0-9_]+): (.*?)(?:, \w+(?: '.*')?)?$/.exec(err.message);
    if (m && m[1] === err.code) return `${m[2]} (${err.code})`;
    return `${err.message} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(e);
}

/** The reader went away: not a failure of the run, only the end of its output. */
export function isClosedByReader(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

/** The output cannot be written any more (`closed`: its reader went away). */
export class OutputError extends Error {
  readonly closed: boolean;
  constructor(
    readonly destination: string,
    override readonly cause: unknown,
    /** What became of the destination ("the incomplete file was removed"). */
    note?: string,
  ) {
    const closed = isClosedByReader(cause);
    const what = closed ? `${destination} was closed by its reader` : `cannot write to ${destination}: ${describeSystemError(cause)}`;
    super(note ? `${what}; ${note}` : what);
    this.name = "OutputError";
    this.closed = closed;
  }
}

export class Output {
  private buf = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  private closed = false;
  private readonly ownsStream: boolean;
  private readonly encoding: BufferEncoding;
  /** Bytes a string of length n can take in this encoding at most. */
  private readonly maxBytesPerChar: number;
  readonly destination: string;
  private failure: OutputError | null = null;
  /** Waits for "drain" give up once the destination fails (a failed stream never drains). */
  private readonly failed = new AbortController();
  /** The last chunk handed to the stream has been written (or failed). */
  private lastWrite: Promise<void> | null = null;
  private unconfirmed = 0;

  constructor(
    private readonly stream: Writable,
    opts: OutputOptions | boolean = {},
  ) {
    const o = typeof opts === "boolean" ? { ownsStream: opts } : opts;
    this.ownsStream = o.ownsStream ?? false;
    this.encoding = o.ascii ? "latin1" : "utf8";
    this.maxBytesPerChar = o.ascii ? 1 : 3;
    this.destination = o.destination ?? (stream === process.stdout ? "standard output" : "the output");
    this.watch(stream);
  }

  /** Fail when this stream fails too (the file below a gzip stream: its errors do not reach the gzip stream). */
  watch(stream: Writable): void {
    stream.on("error", (err: Error) => this.fail(err));
  }

  /** The first failure of the destination, if any (the reader going away included). */
  get error(): OutputError | null {
    return this.failure;
  }

  /** The reader went away (EPIPE): nothing more can be written, and that is no error of the run. */
  get broken(): boolean {
    return this.failure?.closed ?? false;
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof OutputError ? err : new OutputError(this.destination, err);
    this.failed.abort();
  }

  /**
   * Append a chunk; returns a promise only when the caller must wait for the destination. `released` is called
   * once the output no longer needs the chunk's bytes (copied at once, or written by the stream), so that the
   * caller may fill that buffer again.
   */
  write(chunk: string | Uint8Array, released?: () => void): void | Promise<void> {
    if (this.failure) throw this.failure;
    const need = typeof chunk === "string" ? chunk.length * this.maxBytesPerChar : chunk.length;
    if (this.used + need > this.buf.length) {
      const wait = this.flush();
      if (need > this.buf.length) {
        const direct = typeof chunk === "string" ? Buffer.from(chunk, this.encoding) : chunk;
        return chainWait(wait, this.hand(direct, released) ? this.backlog() : this.waitDrain());
      }
      this.append(chunk);
      released?.();
      return wait;
    }
    this.append(chunk);
    released?.();
  }

  private append(chunk: string | Uint8Array): void {
    if (typeof chunk === "string") this.used += this.buf.write(chunk, this.used, this.encoding);
    else {
      this.buf.set(chunk, this.used);
      this.used += chunk.length;
    }
  }

  /** Give the stream a chunk; false when it asks us to wait for "drain". */
  private hand(data: Uint8Array, released?: () => void): boolean {
    let ok = false;
    this.unconfirmed += data.length;
    this.lastWrite = new Promise<void>((resolve) => {
      try {
        ok = this.stream.write(data, (err) => {
          this.unconfirmed -= data.length;
          if (err) this.fail(err);
          else released?.();
          resolve();
        });
      } catch (e) {
        this.fail(e); // a stream that throws instead of calling back
        resolve();
      }
    });
    return ok;
  }

  flush(): void | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.used === 0) return;
    // The stream keeps the buffer it is given until written: hand it over and start a new one.
    const data = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(FLUSH_AT);
    this.used = 0;
    if (!this.hand(data)) return this.waitDrain();
    return this.backlog();
  }

  /** A wait for the callbacks when too much is handed over unconfirmed (see MAX_UNCONFIRMED). */
  private backlog(): void | Promise<void> {
    if (this.unconfirmed > MAX_UNCONFIRMED) return this.lastWrite!;
  }

  private async waitDrain(): Promise<void> {
    if (this.failure) throw this.failure;
    // Remove the listener that did not fire: otherwise every wait leaves a "close" listener behind, and a long
    // run under backpressure piles up thousands of them.
    const ac = new AbortController();
    const onFail = (): void => ac.abort();
    this.failed.signal.addEventListener("abort", onFail, { once: true });
    try {
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        this.stream.once("drain", done);
        this.stream.once("close", done);
        ac.signal.addEventListener("abort", () => {
          this.stream.off("drain", done);
          this.stream.off("close", done);
          resolve();
        });
      });
    } finally {
      this.failed.signal.removeEventListener("abort", onFail);
      ac.abort();
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Write what is buffered and wait until the destination has it; throws the OutputError if it failed at any
   * point (so a failure at the very end is not mistaken for success).
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (!this.failure) await this.flush();
      if (this.lastWrite) await this.lastWrite;
      if (this.ownsStream && !this.failure) {
        await new Promise<void>((resolve) => {
          this.stream.end((err?: Error | null) => {
            if (err) this.fail(err);
            resolve();
          });
        });
      }
    }
    if (this.failure) throw this.failure;
  }
}

/** Wait for both (either may be nothing to wait for). */
export function chainWait(a: void | Promise<void>, b: void | Promise<void>): void | Promise<void> {
  if (!a) return b;
  if (!b) return a;
  return Promise.all([a, b]).then(() => undefined);
}
