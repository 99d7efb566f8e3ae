// A batch output that cannot be written (a per-host file, the state journal, a spool in the temp folder, the
// report): the disk is full or the destination refuses. That is no target's fault and every later target would
// fail the same way, so it ends the run with one message (never a stack trace) after the usual cleanup.

export class BatchWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchWriteError";
  }
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write". */
export function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const msg = err instanceof Error ? err.message : String(e);
  if (!err?.code) return msg;
  const text = msg.replace(new RegExp(`^${err.code}: `), "").replace(/, \w+( '.*')?$/, "");
  return `${text} (${err.code})`;
}

/** A write failure of `what` (a file name, usually) as a BatchWriteError. */
export function writeFailure(what: string, e: unknown): BatchWriteError {
  return e instanceof BatchWriteError ? e : new BatchWriteError(`cannot write ${what}: ${describeIoError(e)}`);
}
