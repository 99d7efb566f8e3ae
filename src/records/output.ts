// A buffered byte/text output with backpressure: sinks append, and the run awaits only when the
// destination (stdout, a file) asks it to, so memory stays flat however many records flow.
import { once } from "node:events";
import type { Writable } from "node:stream";

const FLUSH_AT = 1 << 16;

export class Output {
  private chunks: (string | Uint8Array)[] = [];
  private pending = 0;
  private closed = false;
  /** Set when the reader went away (EPIPE): further writes are dropped. */
  broken = false;

  constructor(
    private readonly stream: Writable,
    private readonly ownsStream = false,
  ) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") this.broken = true;
      else throw err;
    });
  }

  /** Append a chunk; returns a promise only when the caller must wait for the destination. */
  write(chunk: string | Uint8Array): void | Promise<void> {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.pending += chunk.length;
    if (this.pending >= FLUSH_AT) return this.flush();
  }

  flush(): void | Promise<void> {
    if (this.chunks.length === 0 || this.broken) return;
    const chunks = this.chunks;
    this.chunks = [];
    this.pending = 0;
    const data = chunks.every((c) => typeof c === "string")
      ? (chunks as string[]).join("")
      : Buffer.concat(chunks.map((c) => (typeof c === "string" ? Buffer.from(c, "utf8") : c)));
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
