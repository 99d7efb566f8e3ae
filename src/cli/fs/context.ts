// What every file command works with: the target's filesystem, a working directory, and where output goes.
import type { RootFilesystem } from "../../fs/root.js";
import { normalize } from "../../fs/path.js";
import { hasMagic } from "../../fs/glob.js";
import { printLine, UsageError } from "../common.js";
import type { Writable } from "node:stream";

/** Output for a command: strings or raw bytes; a promise means "wait before writing more". */
export interface CommandOut {
  write(chunk: string | Buffer): void | Promise<void>;
}

export interface FsContext {
  readonly fs: RootFilesystem;
  /** The working directory inside the target (target-fs: always "/"). */
  cwd: string;
  readonly out: CommandOut;
  readonly stderr: Writable;
  /** "target-fs" or "target-shell": the prefix of error lines. */
  readonly tool: string;
}

/** A path operand as the target sees it: relative ones under the working directory. */
export function absolute(ctx: Pick<FsContext, "cwd">, p: string): string {
  return normalize(p.startsWith("/") ? p : (ctx.cwd === "/" ? "" : ctx.cwd) + "/" + p);
}

/** `/a/b/../c` keeps what was typed but joined to the cwd: shown as asked, never as resolved. */
export function shownOperand(ctx: Pick<FsContext, "cwd">, p: string): string {
  return p.startsWith("/") ? p : (ctx.cwd === "/" ? "/" : ctx.cwd + "/") + p;
}

/**
 * Expand the shell patterns of PATH operands inside the target (RootFilesystem.glob). An operand that exists as
 * typed is taken literally (a name may contain `[`); a pattern that matches nothing stays as typed, so the
 * command reports it missing, as a shell without nullglob does.
 */
export function expandOperands(ctx: FsContext, operands: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of operands) {
    if (!hasMagic(p) || ctx.fs.lexists(absolute(ctx, p))) {
      out.push(p);
      continue;
    }
    const hits = ctx.fs.glob(absolute(ctx, p), { onError: (_, e) => warn(ctx, e.message) });
    if (hits.length === 0) out.push(p);
    else out.push(...hits.map((h) => (p.startsWith("/") ? h : relativeTo(ctx.cwd, h))));
  }
  return out;
}

function relativeTo(cwd: string, p: string): string {
  const base = cwd === "/" ? "/" : cwd + "/";
  return p.startsWith(base) ? p.slice(base.length) : p;
}

export function warn(ctx: Pick<FsContext, "stderr" | "tool">, message: string): void {
  printLine(ctx.stderr, `${ctx.tool}: ${message}`);
}

/** A command's own failure for one operand: reported, the command goes on with the next. */
export class CommandError extends Error {
  override name = "CommandError";
}

/** Split `-lah` style flags from operands; `--` ends the flags. Unknown letters are a CommandError. */
export function parseFlags(
  cmd: string,
  argv: readonly string[],
  letters: string,
  long: Record<string, string> = {},
  withValue: Record<string, string> = {},
): { flags: Set<string>; values: Map<string, string>; operands: string[] } {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a in withValue) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${cmd}: ${a} needs a value`);
      values.set(withValue[a]!, v);
    } else if (a.startsWith("--") && a.includes("=") && a.slice(0, a.indexOf("=")) in withValue) {
      values.set(withValue[a.slice(0, a.indexOf("="))]!, a.slice(a.indexOf("=") + 1));
    } else if (a.startsWith("--")) {
      const f = long[a];
      if (!f) throw new UsageError(`${cmd}: unknown option ${a}`);
      flags.add(f);
    } else if (a.startsWith("-") && a.length > 1) {
      for (const c of a.slice(1)) {
        if (!letters.includes(c)) throw new UsageError(`${cmd}: unknown option -${c}${a.length > 2 ? ` (in ${a})` : ""}`);
        flags.add(c);
      }
    } else operands.push(a);
  }
  return { flags, values, operands };
}

export { hasMagic };
