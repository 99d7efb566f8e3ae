// The report file (`--report FILE`). Target reports go to a nameless temp file as targets finish (the run keeps
// only counters in memory, and a killed run leaves nothing behind); at the end the document is assembled into its
// destination. A regular file (or a new one) is written as `FILE.partial` and renamed over FILE, so a report is
// never half-written. Anything else is written in place and never replaced: a character device (/dev/null, /dev/full), a
// FIFO, a symlink (written through, as the shell's `>` does). A block device or a directory is refused.
import fs from "node:fs";
import path from "node:path";
import type { PluginFailure } from "../plugin/external.js";
import type { TempFile } from "../util/tempfile.js";
import { anonymousTempFile } from "./anonfile.js";
import { holdingSignals } from "./cleanup.js";
import { BatchWriteError, describeIoError, writeFailure } from "./failure.js";
import { writeAll } from "./fdio.js";
import type { RunTally, TargetReport } from "./report.js";

export interface ReportHeader {
  tool: string;
  argv: readonly string[];
  started: string;
  functions: readonly string[];
  jobs: number;
  shard: { k: number; n: number } | null;
  outputDir: string | null;
  /** External plugin paths, and the modules or plugins among them that failed to load. */
  plugins?: { paths: readonly string[]; failures: readonly PluginFailure[] };
}

export interface ReportEnd {
  finished: string;
  durationMs: number;
  exitCode: number;
  /** Why the run stopped before its end (an output that could not be written). */
  error?: string;
}

type Destination = { kind: "replace" } | { kind: "in-place"; what: string };

/** How FILE is written, or why it cannot be (a message for the analyst). */
export function reportDestination(file: string): Destination {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new BatchWriteError(`cannot write ${file}: ${describeIoError(e)}`);
    return { kind: "replace" };
  }
  if (st.isFile()) return { kind: "replace" };
  if (st.isSymbolicLink()) return { kind: "in-place", what: "a symbolic link" };
  if (st.isCharacterDevice()) return { kind: "in-place", what: "a character device" };
  if (st.isFIFO()) return { kind: "in-place", what: "a FIFO" };
  if (st.isDirectory()) throw new BatchWriteError(`${file} is a directory`);
  if (st.isBlockDevice()) throw new BatchWriteError(`${file} is a block device; a report is never written onto a disk`);
  throw new BatchWriteError(`${file} is a socket`);
}

export class ReportWriter {
  private readonly side: TempFile;
  private sideBytes = 0;
  private count = 0;
  private readonly dest: Destination;

  constructor(
    readonly file: string,
    private readonly header: ReportHeader,
  ) {
    this.dest = reportDestination(file);
    if (this.dest.kind === "replace") {
      const dir = path.dirname(path.resolve(file));
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK); // fail now, not after hours of work
    }
    this.side = anonymousTempFile("quarry-report-");
  }

  add(t: TargetReport): void {
    const text = Buffer.from((this.count++ ? ",\n" : "\n") + "    " + JSON.stringify(t));
    try {
      writeAll(this.side.fd, text, this.sideBytes);
    } catch (e) {
      throw writeFailure(`the report's side file in the temp folder`, e);
    }
    this.sideBytes += text.length;
  }

  /** Write the document. Throws a BatchWriteError (with nothing left behind) when it cannot. */
  async finish(tally: RunTally, end: ReportEnd): Promise<void> {
    const head = {
      ...this.header,
      finished: end.finished,
      durationMs: Math.round(end.durationMs),
      exitCode: end.exitCode,
      ...(end.error ? { error: end.error } : {}),
      totals: tally.totals,
      skipped: tally.skipped,
    };
    const text = JSON.stringify(head, null, 2);
    const open = Buffer.from(text.slice(0, text.lastIndexOf("}")).trimEnd() + `,\n  "targets": [`);
    const close = Buffer.from((this.count ? "\n  " : "") + "]\n}\n");
    try {
      if (this.dest.kind === "replace") await holdingSignals(() => this.replace(open, close));
      else this.inPlace(open, close);
    } finally {
      this.side.dispose();
    }
  }

  /** The run ended without a report (an error before the end): nothing is left on disk. */
  discard(): void {
    this.side.dispose();
  }

  private replace(open: Buffer, close: Buffer): void {
    const partial = this.file + ".partial";
    let fd = -1;
    try {
      fs.rmSync(partial, { force: true }); // a leftover (or a link planted there) is never written through
      const c = fs.constants;
      fd = fs.openSync(partial, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o644);
      this.writeBody(fd, open, close);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(partial, this.file);
    } catch (e) {
      if (fd >= 0) fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
      throw writeFailure(this.file, e);
    }
  }

  private inPlace(open: Buffer, close: Buffer): void {
    let fd = -1;
    try {
      fd = fs.openSync(this.file, "w");
      this.writeBody(fd, open, close);
    } catch (e) {
      throw writeFailure(this.file, e);
    } finally {
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  private writeBody(fd: number, open: Buffer, close: Buffer): void {
    writeAll(fd, open, null);
    const buf = Buffer.allocUnsafe(1 << 16);
    for (let pos = 0; pos < this.sideBytes; ) {
      const n = fs.readSync(this.side.fd, buf, 0, Math.min(buf.length, this.sideBytes - pos), pos);
      if (n <= 0) throw new Error("the report's side file ended early");
      writeAll(fd, buf.subarray(0, n), null);
      pos += n;
    }
    writeAll(fd, close, null);
  }
}
