// Every command-line tool's declaration, in the order of the reference (docs/cli.md, `npm run docs`).
import { RDUMP } from "./rdump.js";
import { TARGET_FS } from "./target-fs.js";
import { TARGET_INFO } from "./target-info.js";
import { TARGET_QUERY } from "./target-query.js";
import type { CliSpec } from "./types.js";

export { RDUMP, TARGET_FS, TARGET_INFO, TARGET_QUERY };
export { RDUMP_MODES } from "./rdump.js";
export { PLUGIN_PATH_OPTION } from "./target-query.js";
export * from "./types.js";

export const CLI_SPECS: readonly CliSpec[] = [TARGET_QUERY, TARGET_INFO, TARGET_FS, RDUMP];

/** What the four tools share: the opening of the reference (markdown paragraphs). */
export const CLI_CONVENTIONS: readonly string[] = [
  "All four follow dissect's conventions where analysts already know them, and fix its known failures " +
    "(../shared/specs/dissect-notes.md §5.4, §6, §9). Every tool: exit 0 when all went well, 1 when it finished but " +
    "something failed (a target that could not be opened, a function that threw, a corrupt artefact), 2 on a usage error. " +
    "`target-query` also exits 3 when no target at all could be opened (batch runs, [batch.md](batch.md)); `target-fs` " +
    "exits 3 when its target cannot be opened.",
  "Options are parsed without short-option grouping, so dissect's `-xf` (and rdump's `-Lv`, `-Cn`) are single flags; " +
    "`-vv` is `-v -v`. `target-query` and `target-info` also take targets as `@FILE`: one per line, blank lines and `#` " +
    "comments skipped.",
];
