// Messages to the analyst on stderr, by level: errors always, warnings by default, information (such as an
// artefact that is absent) by default too but plainly labelled, debug with -v. Messages quote evidence (host
// and file names, bad input), so each is made printable (src/util/escape.ts): one message is one line, and no
// byte of it can reach the terminal as a control sequence.
import { printable } from "./escape.js";

export type Level = "error" | "warning" | "info" | "verbose" | "debug";
const RANK: Record<Level, number> = { error: 0, warning: 1, info: 2, verbose: 3, debug: 4 };

export class Logger {
  constructor(
    private readonly write: (line: string) => void,
    /** The most verbose level shown: error (-q), info (default), verbose (-v: decisions, files, times), debug (-vv). */
    readonly level: Level = "info",
  ) {}

  enabled(level: Level): boolean {
    return RANK[level] <= RANK[this.level];
  }

  log(level: Level, message: string): void {
    if (this.enabled(level)) this.write(`${level}: ${printable(message)}\n`);
  }

  error(m: string): void {
    this.log("error", m);
  }
  warn(m: string): void {
    this.log("warning", m);
  }
  info(m: string): void {
    this.log("info", m);
  }
  verbose(m: string): void {
    this.log("verbose", m);
  }
  debug(m: string): void {
    this.log("debug", m);
  }
}

export const silentLogger = new Logger(() => {}, "error");
