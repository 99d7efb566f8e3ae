import { PassThrough, Readable } from "node:stream";
import type { CliIO } from "../../src/cli/common.js";

export interface Captured {
  io: CliIO;
  stdout(): Buffer;
  stderr(): string;
}

/** In-memory stdio for CLI mains: stdout/stderr collected, stdin from bytes. */
export function captureIO(opts: { tty?: boolean; stdin?: Uint8Array | string } = {}): Captured {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c));
  stderr.on("data", (c: Buffer) => err.push(c));
  const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
  return {
    io: { stdout, stderr, stdoutIsTTY: !!opts.tty, stdin },
    stdout: () => Buffer.concat(out),
    stderr: () => Buffer.concat(err).toString("utf8"),
  };
}
