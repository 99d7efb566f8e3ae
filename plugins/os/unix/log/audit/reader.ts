// The audit logs of a target, line by line: every file of each log (oldest rotation first, through the shared
// rotations module: bounded lines, gzip'd rotations inflated within a budget), each line parsed. Bad input:
//   * a line that is no audit record (a binary blob, text of another format, a cut-off header): skipped, with a
//     warning naming the file, the line and its byte offset (the first MAX_LINE_WARNINGS per file, then a count);
//   * NULs before a line (what a crash leaves in a preallocated block): dropped, the line read, warned once;
//   * a time stamp past year 9999: the line kept with ts null, warned;
//   * a file none of whose first MAX_PROBE lines is an audit record is not an audit log: an error for that file
//     (nothing of it read), the run goes on with the next.
import type { FunctionContext, Target } from "quarry";
import { closeAll, findRotations, openRotations, type OpenedLog, type Rotation } from "../rotations.js";
import { auditLogBases } from "./config.js";
import { lineValues, type LineValues } from "./fields.js";
import { parseLine, type AuditLine } from "./line.js";

export const MAX_PROBE = 64;
const MAX_LINE_WARNINGS = 20;
const LEADING_NULS = /^\0+/;

export interface ReadLine {
  file: string;
  lineNumber: number;
  offset: number;
  line: AuditLine;
  values: LineValues;
}

/** The files of the target's audit logs, oldest first (none: the function does not apply). */
export function auditRotations(t: Target, ctx?: Pick<FunctionContext, "warn">): Rotation[] {
  return findRotations(t.fs, auditLogBases(t, ctx));
}

/** Every audit line of the target, in file order, oldest rotation first. */
export async function auditLines(t: Target, ctx: FunctionContext): Promise<Iterable<ReadLine>> {
  const opened = await openRotations(t.fs, auditRotations(t, ctx), ctx);
  return linesOf(opened, ctx);
}

function* linesOf(opened: OpenedLog[], ctx: FunctionContext): Generator<ReadLine> {
  try {
    for (const log of opened) yield* fileLines(log, ctx);
  } finally {
    closeAll(opened);
  }
}

interface Problem {
  lineNumber: number;
  offset: number;
  message: string;
}

function* fileLines(log: OpenedLog, ctx: FunctionContext): Generator<ReadLine> {
  const file = log.rotation.path;
  let good = 0;
  let bad = 0;
  let nuls = 0;
  let badTime = 0;
  const early: Problem[] = []; // bad lines before the first good one: reported once the file is known to be a log
  const report = (p: Problem): void => {
    if (bad <= MAX_LINE_WARNINGS) ctx.warn({ message: `line ${p.lineNumber}: ${p.message}; skipped`, file, offset: p.offset });
  };
  for (const l of log) {
    let text = l.text;
    let offset = l.offset;
    const lead = LEADING_NULS.exec(text);
    if (lead) {
      if (++nuls === 1) ctx.warn({ message: `line ${l.lineNumber}: ${lead[0].length} NUL bytes before the line (a block a crash left unwritten): dropped`, file, offset });
      text = text.slice(lead[0].length);
      offset += lead[0].length;
    }
    if (text === "" || text === "\r") continue;
    const parsed = parseLine(text);
    if ("problem" in parsed) {
      bad++;
      const p = { lineNumber: l.lineNumber, offset, message: parsed.problem };
      if (good > 0) report(p);
      else if (bad >= MAX_PROBE) {
        ctx.error({ message: `not an audit log: none of its first ${bad} lines is an audit record (line ${early[0]?.lineNumber ?? p.lineNumber}: ${early[0]?.message ?? p.message}); not read`, file });
        log.close();
        return;
      } else if (early.length < MAX_LINE_WARNINGS) early.push(p);
      continue;
    }
    if (good++ === 0) for (const p of early.splice(0)) ctx.warn({ message: `line ${p.lineNumber}: ${p.message}; skipped`, file, offset: p.offset });
    const values = lineValues(parsed);
    values.filepath = file;
    if (values.ts === null && ++badTime <= MAX_LINE_WARNINGS) {
      ctx.warn({ message: `line ${l.lineNumber}: time stamp ${parsed.sec} is past year 9999: kept with ts null`, file, offset });
    }
    yield { file, lineNumber: l.lineNumber, offset, line: parsed, values };
  }
  if (good === 0 && bad > 0) {
    ctx.error({ message: `not an audit log: none of its ${bad} lines is an audit record (line ${early[0]!.lineNumber}: ${early[0]!.message})`, file });
    return;
  }
  if (bad > MAX_LINE_WARNINGS) ctx.warn({ message: `${bad - MAX_LINE_WARNINGS} more lines that are no audit record (skipped, not reported one by one)`, file });
  if (badTime > MAX_LINE_WARNINGS) ctx.warn({ message: `${badTime - MAX_LINE_WARNINGS} more time stamps past year 9999`, file });
}
