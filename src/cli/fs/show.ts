// cat, stat, readlink: a file's bytes, its metadata, a link's target.
import { printableName } from "../../util/escape.js";
import { absolute, expandOperands, parseFlags, type FsContext, warn } from "./context.js";
import { modeString } from "./format.js";
import { forEachChunk } from "./read.js";

/** cat PATH...: the raw bytes of each file in turn (machine output: nothing escaped). */
export async function cat(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { operands } = parseFlags("cat", argv, "");
  let failed = 0;
  for (const p of expandOperands(ctx, operands)) {
    try {
      await forEachChunk(ctx.fs, absolute(ctx, p), (c) => ctx.out.write(c));
    } catch (e) {
      if ((e as Error).name === "OutputError") throw e;
      warn(ctx, `cat: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}

/** stat [-L] PATH...: the final link is not followed unless -L / --dereference. */
export async function stat(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { flags, operands } = parseFlags("stat", argv, "L", { "--dereference": "L" });
  let failed = 0;
  for (const p of expandOperands(ctx, operands)) {
    const abs = absolute(ctx, p);
    try {
      const st = flags.has("L") ? ctx.fs.stat(abs) : ctx.fs.lstat(abs);
      let text = `  path: ${printableName(p)}\n  type: ${st.type}\n  size: ${st.size}\n  mode: ${modeString(st)} (0${st.mode.toString(8)})\n`;
      text += `   uid: ${st.uid}\n   gid: ${st.gid}\n`;
      text += ` mtime: ${st.mtime?.isoformat(" ") ?? "-"}\n atime: ${st.atime?.isoformat(" ") ?? "-"}\n ctime: ${st.ctime?.isoformat(" ") ?? "-"}\n`;
      if (st.btime) text += ` btime: ${st.btime.isoformat(" ")}\n`;
      if (st.ino !== undefined) text += `   ino: ${String(st.ino)}\n`;
      if (st.type === "symlink") text += `  link: ${printableName(ctx.fs.readlink(abs))}\n`;
      await ctx.out.write(text);
    } catch (e) {
      warn(ctx, `stat: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}

/** readlink [-f] PATH...: the link's target as stored, or (-f) the resolved path inside the target. */
export async function readlink(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { flags, operands } = parseFlags("readlink", argv, "f", { "--canonicalize": "f" });
  let failed = 0;
  for (const p of expandOperands(ctx, operands)) {
    try {
      const abs = absolute(ctx, p);
      await ctx.out.write(printableName(flags.has("f") ? ctx.fs.resolve(abs, true).path : ctx.fs.readlink(abs)) + "\n");
    } catch (e) {
      warn(ctx, `readlink: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}
