// find [PATH|GLOB] [-name PATTERN] [-type f|d|l]: a walk, or a pattern (`/var/log/**/*.gz`), filtered.
//   walk [PATH]: every path below PATH, depth first, shown from the path as asked (not its resolved form).
import { componentRegex } from "../../fs/glob.js";
import { basename } from "../../fs/path.js";
import type { FileType } from "../../fs/types.js";
import { printableName } from "../../util/escape.js";
import { UsageError } from "../common.js";
import { absolute, hasMagic, parseFlags, type FsContext, warn } from "./context.js";

const TYPES: Record<string, FileType> = { f: "file", d: "dir", l: "symlink", p: "fifo", s: "socket", c: "chardev", b: "blockdev" };

export async function find(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { values, operands } = parseFlags("find", argv, "", {}, { "-name": "name", "--name": "name", "-type": "type", "--type": "type" });
  const type = values.get("type");
  if (type !== undefined && !TYPES[type]) throw new UsageError(`find: -type ${type}: expected one of ${Object.keys(TYPES).join(", ")}`);
  const name = values.has("name") ? componentRegex(values.get("name")!) : null;
  const keep = (path: string, t: FileType | undefined): boolean => (!name || name.test(basename(path))) && (!type || t === TYPES[type]);
  let failed = 0;
  const onError = (_: string, e: Error): void => {
    warn(ctx, `find: ${e.message}`);
    failed++;
  };
  let text = "";
  const flush = async (): Promise<void> => {
    if (text.length > 64 * 1024) {
      await ctx.out.write(text);
      text = "";
    }
  };
  for (const start of operands.length ? operands : ["."]) {
    const abs = absolute(ctx, start);
    if (hasMagic(start) && !ctx.fs.lexists(abs)) {
      for (const hit of ctx.fs.glob(abs, { onError })) {
        // the type only when asked for: an lstat resolves the whole path again (deep trees)
        let t: FileType | undefined;
        if (type !== undefined) {
          try {
            t = ctx.fs.lstat(hit).type;
          } catch {
            t = undefined;
          }
        }
        if (keep(hit, t)) text += printableName(hit) + "\n";
        await flush();
      }
      continue;
    }
    for (const { path, entry } of ctx.fs.walk(abs, { onError })) {
      if (keep(path, entry.type)) text += printableName(path) + "\n";
      await flush();
    }
  }
  await ctx.out.write(text);
  return failed;
}

export async function walk(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { operands } = parseFlags("walk", argv, "");
  let failed = 0;
  let text = "";
  for (const p of operands.length ? operands : ["."]) {
    for (const { path } of ctx.fs.walk(absolute(ctx, p), { onError: (_, e) => (warn(ctx, `walk: ${e.message}`), failed++) })) {
      text += printableName(path) + "\n";
      if (text.length > 64 * 1024) {
        await ctx.out.write(text);
        text = "";
      }
    }
  }
  await ctx.out.write(text);
  return failed;
}
