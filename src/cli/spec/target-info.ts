// target-info's interface: read by its parser (src/cli/target-info.ts) and by the reference (docs/cli.md).
import { MAX_INFLATE_OPTION, PLUGIN_PATH_OPTION, VERSION_OPTION } from "./target-query.js";
import { defineCli } from "./types.js";

export const TARGET_INFO = defineCli({
  name: "target-info",
  usage: "[options] TARGET...",
  description:
    "What a target is: path, id, loader, hostname, domain, ips, os, version, architecture, time zone, install date, last activity (each with the file it was read from), the users with a login shell, mounts, a disk image's container and volumes (type, size, filesystem, mount point), what of the evidence could not be read, and the warnings about the evidence.",
  parserConfiguration: { "short-option-groups": false, "camel-case-expansion": false },
  options: {
    // yargs' own help option (it prints the help itself); declared here so that the reference lists it.
    help: { alias: "h", type: "boolean", describe: "Show help" },
    json: { alias: "j", type: "boolean", describe: "one JSON document per target (indented)" },
    jsonlines: { alias: "J", type: "boolean", describe: "one JSON object per target, one per line (for fleets)" },
    quiet: { alias: "q", type: "boolean", describe: "errors only on stderr" },
    verbose: { alias: "v", type: "count", describe: "also what does not apply and why (-v), debug messages (-vv)" },
    loader: { alias: "L", type: "string", value: "NAME", describe: "force a loader" },
    "plugin-path": PLUGIN_PATH_OPTION,
    "max-inflate": MAX_INFLATE_OPTION,
    version: VERSION_OPTION,
  },
  notes: ["Targets may be @FILE (one per line, # comments)."],
  exitCodes: [
    { code: 0, meaning: "all well" },
    { code: 1, meaning: "a target could not be opened (the others are described), or part of one could not be read (an encrypted or damaged disk volume)" },
    { code: 2, meaning: "usage error", detail: "an unknown option or loader, -j with -J" },
    { code: 3, meaning: "no target could be opened" },
  ],
});
