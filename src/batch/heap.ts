// The JS heap ceiling of each batch worker (`--worker-heap MB`). A worker that reaches it is stopped by Node
// (ERR_WORKER_OUT_OF_MEMORY) and costs only its target; without a ceiling a worker's heap grows to V8's default
// for the whole machine, several workers together exhaust it, and the process is killed (or aborts) with every
// target's work. The ceiling covers the JS heap (objects, strings, arrays); Buffers and other ArrayBuffers
// (file data, WebAssembly memory such as sql.js's) live outside it: see docs/batch.md.
import os from "node:os";

/** The least `--worker-heap` accepts: below it a worker could not even load the plugins. */
export const LOWEST_WORKER_HEAP_MB = 64;
/** A real target needs far less (the atop bench: ~150 MB per worker); below this, legitimate targets would fail. */
export const MIN_WORKER_HEAP_MB = 256;
/** V8's own default ceiling on a 64-bit machine with plenty of memory: never more by default. */
const MAX_DEFAULT_HEAP_MB = 4096;
/** The workers' heaps together get at most this share of the machine's (or the cgroup's) memory. */
const MEMORY_SHARE = 0.5;

/** The memory this process may use: the machine's, or less when a cgroup limits it (containers, Slurm). */
export function availableMemory(): number {
  const total = os.totalmem();
  const limit = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  return limit && limit > 0 && limit < total ? limit : total;
}

/** Default heap ceiling per worker for `workers` workers, in MiB. */
export function defaultWorkerHeapMb(workers: number, memory = availableMemory()): number {
  const share = Math.floor((memory * MEMORY_SHARE) / Math.max(1, workers) / 2 ** 20);
  return Math.max(MIN_WORKER_HEAP_MB, Math.min(MAX_DEFAULT_HEAP_MB, share));
}
