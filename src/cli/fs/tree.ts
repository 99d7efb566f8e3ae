// tree [-a] [PATH]: the directories below PATH drawn as tree(1) draws them; links shown, never descended.
import { printableName } from "../../util/escape.js";
import { absolute, parseFlags, type FsContext, warn } from "./context.js";

const MAX_DEPTH = 64;

export async function tree(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { flags, operands } = parseFlags("tree", argv, "a", { "--all": "a" });
  const root = operands[0] ?? ".";
  let failed = 0;
  let dirs = 0;
  let files = 0;
  let text = printableName(root) + "\n";
  const rec = (abs: string, prefix: string, depth: number): void => {
    let entries;
    try {
      entries = ctx.fs.scandir(abs).filter((e) => flags.has("a") || !e.name.startsWith("."));
    } catch (e) {
      warn(ctx, `tree: ${(e as Error).message}`);
      failed++;
      return;
    }
    entries.forEach((e, i) => {
      const last = i === entries.length - 1;
      const child = abs === "/" ? "/" + e.name : abs + "/" + e.name;
      let name = printableName(e.name);
      if (e.type === "symlink") {
        try {
          name += " -> " + printableName(ctx.fs.readlink(child));
        } catch {
          /* unreadable link: its name alone */
        }
      }
      text += prefix + (last ? "└── " : "├── ") + name + "\n";
      if (e.type === "dir") {
        dirs++;
        if (depth < MAX_DEPTH) rec(child, prefix + (last ? "    " : "│   "), depth + 1);
      } else files++;
    });
  };
  try {
    const st = ctx.fs.stat(absolute(ctx, root));
    if (st.type !== "dir") throw new Error(`${root}: not a directory`);
    rec(ctx.fs.realpath(absolute(ctx, root)), "", 0);
  } catch (e) {
    warn(ctx, `tree: ${(e as Error).message}`);
    return 1;
  }
  text += `\n${dirs} director${dirs === 1 ? "y" : "ies"}, ${files} file${files === 1 ? "" : "s"}\n`;
  await ctx.out.write(text);
  return failed;
}
