// A buffered byte/text output with backpressure: sinks append, and the run awaits only when the
// destination (stdout, a file) asks it to, so memory stays flat however many records flow.
import { once } from "node:events";
import type { Writable } from "node:stream";

const FLUSH_AT = 1 << 18;

export interface OutputOptions {
  /** Close the stream on close() (a file we opened; never stdout). */
  ownsStream?: boolean;
  /** Every string written is ASCII (JSON with ensure_ascii): encode as latin1, much cheaper than UTF-8. */
  ascii?: boolean;
}

export class Output {
  private buf = Buffer.allocUnsafe(FLUSH_AT);
  private used = 0;
  private closed = false;
  private readonly ownsStream: boolean;
  private readonly encoding: BufferEncoding;
  /** Bytes a string of length n can take in this encoding at most. */
  private readonly maxBytesPerChar: number;
  /** Set when the reader went away (EPIPE): further writes are dropped. */
  broken = false;

  constructor(
    private readonly stream: Writable,
    opts: OutputOptions | boolean = {},
  ) {
    const o = typeof opts === "boolean" ? { ownsStream: opts } : opts;
    this.ownsStream = o.ownsStream ?? false;
    this.encoding = o.ascii ? "latin1" : "utf8";
    this.maxBytesPerChar = o.ascii ? 1 : 3;
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") this.broken = true;
      else throw err;
    });
  }

  /** Append a chunk; returns a promise only when the caller must wait for the destination. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.broken) return;
    const need = typeof chunk === "string" ? chunk.length * this.maxBytesPerChar : chunk.length;
    if (this.used + need > this.buf.length) {
      const wait = this.flush();
      if (need > this.buf.length) {
        const direct = typeof chunk === "string" ? Buffer.from(chunk, this.encoding) : chunk;
        const ok = this.stream.write(direct);
        return chainWait(wait, ok ? undefined : this.waitDrain());
      }
      this.append(chunk);
      return wait;
    }
    this.append(chunk);
  }

  private append(chunk: string | Uint8Array): void {
    if (typeof chunk === "string") this.used += this.buf.write(chunk, this.used, this.encoding);
    else {
      this.buf.set(chunk, this.used);
      this.used += chunk.length;
    }
  }

  flush(): void | Promise<void> {
    if (this.broken || this.used === 0) return;
    // The stream keeps the buffer it is given until written: hand it over and start a new one.
    const data = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(FLUSH_AT);
    this.used = 0;
    if (!this.stream.write(data)) return this.waitDrain();
  }

  private async waitDrain(): Promise<void> {
    if (this.broken) return;
    // Remove the listener that did not fire: otherwise every wait leaves a "close" and an "error" listener
    // behind, and a long run under backpressure piles up thousands of them.
    const ac = new AbortController();
    try {
      await Promise.race([once(this.stream, "drain", { signal: ac.signal }), once(this.stream, "close", { signal: ac.signal })]);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE" || code === "ERR_STREAM_DESTROYED") this.broken = true; // the reader went away (| head)
      else throw e;
    } finally {
      ac.abort();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.ownsStream && !this.broken) {
      await new Promise<void>((resolve, reject) => {
        this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
    }
  }
}

/** Wait for both (either may be nothing to wait for). */
export function chainWait(a: void | Promise<void>, b: void | Promise<void>): void | Promise<void> {
  if (!a) return b;
  if (!b) return a;
  return Promise.all([a, b]).then(() => undefined);
}
