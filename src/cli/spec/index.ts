// Every command-line tool's declaration, in the order of the reference (docs/cli.md, `npm run docs`).
import { RDUMP } from "./rdump.js";
import { TARGET_FS } from "./target-fs.js";
import { TARGET_INFO } from "./target-info.js";
import { TARGET_QUERY } from "./target-query.js";
import { TARGET_SHELL } from "./target-shell.js";
import type { CliSpec } from "./types.js";

export { RDUMP, TARGET_FS, TARGET_INFO, TARGET_QUERY, TARGET_SHELL };
export { RDUMP_MODES } from "./rdump.js";
export { PLUGIN_PATH_OPTION } from "./target-query.js";
export * from "./types.js";

export const CLI_SPECS: readonly CliSpec[] = [TARGET_QUERY, TARGET_INFO, TARGET_FS, TARGET_SHELL, RDUMP];

/** What the tools share: the opening of the reference (markdown paragraphs). */
export const CLI_CONVENTIONS: readonly string[] = [
  "All the tools follow dissect's conventions where analysts already know them, and fix its known failures: one " +
    "missing or broken target never ends a batch, an artefact that is absent is information and not an error, the " +
    "hostname is never a made-up `localhost`, and a compressed archive is inflated once. Every tool: exit 0 when all went well, 1 when it finished but " +
    "something failed (a target that could not be opened, a function that threw, a corrupt artefact), 2 on a usage error. " +
    "`target-query` also exits 3 when no target at all could be opened (batch runs, [batch.md](batch.md)); `target-fs` " +
    "exits 3 when its target cannot be opened, `target-shell` when none of its targets can.",
  "**Output.** An output that cannot be written (a full disk, `/dev/full`, a file size limit) ends the run with one " +
    "line naming it and the error (`target-query: error: cannot write to standard output: no space left on device " +
    "(ENOSPC)`) and exit 1; a `-w` file the run created is removed, one that was there is named incomplete. A `-w` " +
    "destination that is not a regular file (a device, a FIFO) is written in place, never replaced. A destination " +
    "that cannot be opened is a usage error (exit 2) before any work. A reader that goes away (`| head`) ends the " +
    "run quietly with exit 0, as Unix tools do. Everything written for a person (stderr, text listings, " +
    "`target-info`, `rdump -L`/`-l`) shows control characters, DEL, C1 and other non-printable characters from the " +
    "evidence escaped as the record text output does (`\\x1b`, `\\x9b`, `\\udcff` for an undecodable byte); " +
    "`target-fs ls`/`walk`/`find`/`stat` also double backslashes and show a newline in a name as `\\n` (one line, " +
    "one name, as `ls -b`). Machine outputs (JSON, the binary stream, `target-fs cat` and `tar`) keep the bytes.",
  "Options are parsed without short-option grouping, so dissect's `-xf` (and rdump's `-Lv`, `-Cn`) are single flags; " +
    "`-vv` is `-v -v`. `target-query` and `target-info` also take targets as `@FILE`: one per line, blank lines and `#` " +
    "comments skipped.",
];
