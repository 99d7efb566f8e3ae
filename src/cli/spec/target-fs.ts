// target-fs's interface: read by its parser and help (src/cli/target-fs.ts) and by the reference (docs/cli.md).
import { MAX_INFLATE_OPTION, VERSION_OPTION } from "./target-query.js";
import { defineCli } from "./types.js";
import { FS_COMMANDS, NEEDS_OPERAND } from "../fs/commands.js";

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
    ...FS_COMMANDS.map((c) => ({ name: c.name, usage: c.usage, describe: c.describe, needsOperand: NEEDS_OPERAND.has(c.name) })),
    {
      name: "tar",
      usage: "tar PATH...",
      describe:
        "a tar stream of the paths on stdout (directories recursively, with modes, owners and times; links inside kept as links, the paths given followed)",
      needsOperand: true,
    },
  ],
  notes: [
    "Options of target-fs itself (-L, -q, --max-inflate) come before the command; what follows the command is the command's own (stat -L dereferences, ls -h shows human sizes).",
    "Every PATH may be a shell pattern, expanded inside the target (ls -l '/var/log/*tmp'; quote it so the host shell leaves it alone). A path that exists as typed is taken literally; a pattern that matches nothing is reported missing.",
    "ls hides names starting with a dot unless -a, as ls does. Names shown to a person are escaped as ls -b does.",
    "cp … -o DIR makes each name component safe for the host (/, \\, %, NUL, control bytes and undecodable bytes %-escaped, . and .. as %2E, %2E%2E), creates every file with O_EXCL|O_NOFOLLOW (an existing name is an error, never overwritten), keeps permission bits (not setuid/setgid/sticky) and mtimes, and does not recreate symbolic links found inside a copied directory: each is skipped with a note naming its target (a link could lead out of DIR). FIFOs, devices and sockets are never opened.",
    "Example: target-fs case.tar.gz tar /var/log > logs.tar",
  ],
  exitCodes: [
    { code: 0, meaning: "all well" },
    { code: 1, meaning: "a path could not be read" },
    { code: 2, meaning: "usage error" },
    { code: 3, meaning: "the target could not be opened" },
  ],
});
