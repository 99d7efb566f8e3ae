import type { AnyRecord } from "../descriptor.js";

/** One sink per run: every record of every target and function goes through it, in order. */
export interface RecordSink {
  /** Write one record; returns a promise only when the caller must wait (backpressure). */
  write(rec: AnyRecord): void | Promise<void>;
  /** Flush and release the destination. */
  close(): Promise<void>;
}
