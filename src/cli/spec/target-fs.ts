// target-fs's interface: read by its parser and help (src/cli/target-fs.ts) and by the reference (docs/cli.md).
import { MAX_INFLATE_OPTION, VERSION_OPTION } from "./target-query.js";
import { defineCli } from "./types.js";

export const TARGET_FS = defineCli({
  name: "target-fs",
  usage: "[-L LOADER] [-q] [--max-inflate SIZE] TARGET COMMAND [ARGS]",
  description: "Look inside any target the way the plugins see it: paths are the target's, and links resolve inside it.",
  options: {
    loader: { alias: "L", type: "string", value: "NAME", describe: "force a loader (target-query -l lists them)" },
    quiet: { alias: "q", type: "boolean", describe: "do not print the loader's warnings about the evidence" },
    "max-inflate": MAX_INFLATE_OPTION,
    help: { alias: "h", type: "boolean", describe: "this help" },
    version: VERSION_OPTION,
  },
  commands: [
    { name: "ls", usage: "ls [-l] [PATH]", describe: "list a directory (default /); -l: mode, owner, size, mtime, link target" },
    { name: "cat", usage: "cat PATH", describe: "write a file's raw bytes to stdout", needsOperand: true },
    { name: "stat", usage: "stat PATH", describe: "a file's metadata (the final link is not followed)", needsOperand: true },
    { name: "walk", usage: "walk [PATH]", describe: "every path below PATH (default /), depth first; links are not descended" },
    { name: "find", usage: "find GLOB", describe: "paths matching a shell pattern (/var/log/**/*.gz)", needsOperand: true },
    {
      name: "tar",
      usage: "tar PATH...",
      describe:
        "a tar stream of the paths on stdout (directories recursively, with modes, owners and times; links inside kept as links, the paths given followed)",
      needsOperand: true,
    },
  ],
  notes: ["Example: target-fs case.tar.gz tar /var/log > logs.tar"],
  exitCodes: [
    { code: 0, meaning: "all well" },
    { code: 1, meaning: "a path could not be read" },
    { code: 2, meaning: "usage error" },
    { code: 3, meaning: "the target could not be opened" },
  ],
});
