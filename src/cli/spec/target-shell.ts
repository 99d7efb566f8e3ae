// target-shell's interface: read by its parser and help (src/cli/target-shell.ts) and by the reference (docs/cli.md).
import { MAX_INFLATE_OPTION, VERSION_OPTION } from "./target-query.js";
import { defineCli } from "./types.js";

export const TARGET_SHELL = defineCli({
  name: "target-shell",
  usage: "[-L LOADER] [-q] [--max-inflate SIZE] TARGET...",
  description:
    "An interactive shell over one or more targets, as dissect's: walk the filesystem (cd, ls, ll, tree, find, cat, less, hexdump, stat, readlink, file, hash), copy out (save), and run every plugin function by name with its arguments (wtmp, failed_logins --by addr), text by default, -j for JSON lines.",
  options: {
    loader: { alias: "L", type: "string", value: "NAME", describe: "force a loader (target-query -l lists them)" },
    quiet: { alias: "q", type: "boolean", describe: "do not print the loader's warnings about the evidence" },
    verbose: { alias: "v", type: "count", describe: "-v: each function's choice among its candidates; -vv: debug" },
    "max-inflate": MAX_INFLATE_OPTION,
    help: { alias: "h", type: "boolean", describe: "this help" },
    version: VERSION_OPTION,
  },
  notes: [
    "Commands: cd [PATH|-], pwd, ls [-l] [-h] [-a] [-R] (and ll), tree, find [PATH|GLOB] [-name PAT] [-type f|d|l], walk, cat, less ($PAGER or less; printed when there is no terminal), hexdump [-s OFFSET] [-n LENGTH] (as hexdump -C), stat [-L], readlink [-f], file (magic), hash [-a md5|sha1|sha256], save PATH... -o DIR (the rules of target-fs cp), info (as target-info), targets, enter N|NAME, help [COMMAND], exit (or Ctrl-D). The file commands are target-fs's, with the same options; paths are relative to the working directory and may be patterns expanded inside the target.",
    "Any other first word that names a plugin function runs it on the entered target through target-query's runner and sinks: wtmp, failed_logins --by addr, -j for JSON lines. COMMAND > FILE writes a command's output to a host file (>> appends); words are quoted as in a POSIX shell; there are no pipes.",
    "Tab completes command and function names in the first word, paths inside the target after it (dotfiles once a dot is typed). History is kept in memory, and in ~/.quarry_history (mode 0600) when that can be written; QUARRY_HISTORY=FILE chooses another file, QUARRY_HISTORY= (empty) keeps none. Without a terminal on stdin, lines are read and run one by one with no prompt (target-shell host.tar < commands.txt).",
    "Several targets: target-shell a.tar b/ opens both; targets lists them (the entered one marked *), enter 1 or enter HOSTNAME switches; each keeps its own working directory.",
  ],
  exitCodes: [
    { code: 0, meaning: "the session ended (exit or end of input)" },
    { code: 2, meaning: "usage error" },
    { code: 3, meaning: "no target could be opened" },
  ],
});
