// ls [-l] [-h] [-a] [-R] [PATH...]: as ls does, dotfiles hidden unless -a, names escaped (ls -b).
import type { FileStat } from "../../fs/types.js";
import { printableName } from "../../util/escape.js";
import { absolute, expandOperands, parseFlags, shownOperand, type FsContext, warn } from "./context.js";
import { longLine } from "./format.js";

export interface LsOptions {
  long: boolean;
  human: boolean;
  all: boolean;
  recursive: boolean;
}

export async function ls(ctx: FsContext, argv: readonly string[], defaults: Partial<LsOptions> = {}): Promise<number> {
  const { flags, operands } = parseFlags("ls", argv, "lhaR1", { "--all": "a", "--recursive": "R", "--human-readable": "h" });
  const opts: LsOptions = {
    long: flags.has("l") || !!defaults.long,
    human: flags.has("h"),
    all: flags.has("a"),
    recursive: flags.has("R"),
  };
  const paths = expandOperands(ctx, operands.length ? operands : ["."]);
  let failed = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const p of paths) {
    try {
      const st = ctx.fs.stat(absolute(ctx, p));
      (st.type === "dir" ? dirs : files).push(p);
    } catch (e) {
      // a dangling link is still listed, as ls does
      if (ctx.fs.lexists(absolute(ctx, p))) files.push(p);
      else {
        warn(ctx, `ls: ${(e as Error).message}`);
        failed++;
      }
    }
  }
  let text = "";
  for (const p of files) text += line(ctx, absolute(ctx, p), p, opts) + "\n";
  const headers = paths.length > 1 || opts.recursive;
  let first = files.length === 0;
  const queue = [...dirs];
  while (queue.length) {
    const d = queue.shift()!;
    if (!first) text += "\n";
    first = false;
    if (headers) text += printableName(d) + ":\n";
    let entries;
    try {
      entries = ctx.fs.scandir(absolute(ctx, d));
    } catch (e) {
      warn(ctx, `ls: ${(e as Error).message}`);
      failed++;
      continue;
    }
    const below: string[] = [];
    for (const e of entries) {
      if (!opts.all && e.name.startsWith(".")) continue;
      const child = d.endsWith("/") ? d + e.name : d + "/" + e.name;
      text += line(ctx, absolute(ctx, child), e.name, opts) + "\n";
      if (opts.recursive && e.type === "dir") below.push(child);
    }
    queue.unshift(...below); // depth first, as ls -R
    if (text.length > 64 * 1024) {
      await ctx.out.write(text);
      text = "";
    }
  }
  await ctx.out.write(text);
  return failed;
}

function line(ctx: FsContext, abs: string, name: string, opts: LsOptions): string {
  if (!opts.long) return printableName(name);
  let st: FileStat | null;
  try {
    st = ctx.fs.lstat(abs);
  } catch {
    st = null;
  }
  let link: string | null = null;
  if (st?.type === "symlink") {
    try {
      link = ctx.fs.readlink(abs);
    } catch {
      link = null;
    }
  }
  return longLine(st, name, link, opts.human);
}

export { shownOperand };
