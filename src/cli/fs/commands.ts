// The file commands target-fs and target-shell share: one name, one usage line, one implementation each.
import { type FsContext } from "./context.js";
import { cp } from "./cp.js";
import { find, walk } from "./find.js";
import { hash } from "./hash.js";
import { hexdump } from "./hexdump.js";
import { ls } from "./ls.js";
import { fileMagic } from "./magic.js";
import { cat, readlink, stat } from "./show.js";
import { tree } from "./tree.js";

export interface FsCommand {
  name: string;
  usage: string;
  describe: string;
  /** Failures counted (0: all well); a UsageError for a wrong call. */
  run(ctx: FsContext, argv: readonly string[]): Promise<number>;
}

export const FS_COMMANDS: readonly FsCommand[] = [
  { name: "ls", usage: "ls [-l] [-h] [-a] [-R] [PATH...]", describe: "list directories (default: the working directory); -l long, -h human sizes, -a dotfiles too, -R recursive", run: ls },
  { name: "cat", usage: "cat PATH...", describe: "the raw bytes of each file, in turn", run: cat },
  { name: "stat", usage: "stat [-L] PATH...", describe: "metadata; the final link is not followed unless -L/--dereference", run: stat },
  { name: "readlink", usage: "readlink [-f] PATH...", describe: "a link's target as stored; -f the resolved path inside the target (its last component may be missing, as readlink -f)", run: readlink },
  { name: "walk", usage: "walk [PATH...]", describe: "every path below PATH, depth first, shown from PATH as given; links are not descended", run: walk },
  { name: "find", usage: "find [PATH|GLOB...] [-name PAT] [-type f|d|l]", describe: "a walk (or the matches of a pattern such as /var/log/**/*.gz), filtered by name pattern and type", run: find },
  { name: "tree", usage: "tree [-a] [PATH]", describe: "the directory tree below PATH, as tree(1) draws it", run: tree },
  { name: "hexdump", usage: "hexdump [-s OFFSET] [-n LENGTH] PATH...", describe: "bytes as hexdump -C shows them", run: hexdump },
  { name: "hash", usage: "hash [-a md5|sha1|sha256] PATH...", describe: "md5, sha1 and sha256 of each file", run: hash },
  { name: "file", usage: "file PATH...", describe: "what each file is, from its first bytes (ELF, gzip, xz, zstd, zip, tar, SQLite, journal, utmp, scripts, text …)", run: fileMagic },
  {
    name: "cp",
    usage: "cp PATH... -o DIR",
    describe: "copy files and directories out to the host directory DIR, modes and mtimes kept; never writes outside DIR (names made safe, no links created, existing names not overwritten)",
    run: cp,
  },
];

export function fsCommand(name: string): FsCommand | undefined {
  return FS_COMMANDS.find((c) => c.name === name);
}

/** The commands that need at least one operand. */
export const NEEDS_OPERAND: ReadonlySet<string> = new Set(["cat", "stat", "readlink", "hexdump", "hash", "file", "cp"]);
