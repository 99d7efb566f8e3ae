// Issues about one journal file: each names the file and the byte offset of the object; one object is reported
// once however many entries lead to it, and past a cap a file's issues are counted, not listed (a hostile file
// can hold a million damaged objects; the analyst needs the first ones and the number).
import type { FunctionContext } from "quarry";

/** Issues listed per file and kind; the rest are counted in one closing issue. */
export const ISSUES_PER_FILE = 100;
/** Offsets remembered to report each object once (past it, an object may be reported twice: never lost). */
const SEEN_MAX = 65536;

export type Reporter = Pick<FunctionContext, "warn" | "error">;

export class FileReport {
  private readonly seen = new Set<number>();
  private errors = 0;
  private warnings = 0;

  constructor(
    readonly file: string,
    private readonly ctx: Reporter,
  ) {}

  get errorCount(): number {
    return this.errors;
  }

  /** A damaged object (the run's exit code becomes 1). */
  error(offset: number, message: string): void {
    if (this.seen.has(offset)) return;
    if (this.seen.size < SEEN_MAX) this.seen.add(offset);
    if (++this.errors <= ISSUES_PER_FILE) this.ctx.error({ message, file: this.file, offset });
  }

  /** Something odd that loses nothing, or a file cut short. */
  warn(message: string, offset?: number): void {
    if (++this.warnings <= ISSUES_PER_FILE) this.ctx.warn(offset === undefined ? { message, file: this.file } : { message, file: this.file, offset });
  }

  /** The closing counts of what was not listed. */
  close(): void {
    if (this.errors > ISSUES_PER_FILE) this.ctx.error({ message: `… and ${this.errors - ISSUES_PER_FILE} more damaged objects in this file (not listed)`, file: this.file });
    if (this.warnings > ISSUES_PER_FILE) this.ctx.warn({ message: `… and ${this.warnings - ISSUES_PER_FILE} more warnings about this file (not listed)`, file: this.file });
  }
}
