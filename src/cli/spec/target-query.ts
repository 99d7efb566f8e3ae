// target-query's interface: read by its parser (src/cli/target-query.ts) and by the reference (docs/cli.md).
import { defineCli } from "./types.js";

export const PLUGIN_PATH_OPTION = {
  type: "string",
  array: true,
  value: "DIR|FILE",
  describe:
    "load external plugins from DIR or FILE (compiled JavaScript modules; repeatable; also $QUARRY_PLUGINS, a colon-separated list)",
} as const;

export const MAX_INFLATE_OPTION = {
  type: "string",
  value: "SIZE",
  describe:
    "largest size a compressed archive (a gzip'd tar, a zip's members) may inflate to (64M, 2G, 500G; also $QUARRY_MAX_INFLATE); default: the larger of 1 GiB and 100 × its compressed size",
} as const;

export const VERSION_OPTION = { type: "boolean", describe: "print the version (quarry's and Node's) and exit" } as const;

export const TARGET_QUERY = defineCli({
  name: "target-query",
  usage: "[options] TARGET... -f FUNCTIONS",
  description: "Run plugin functions on targets (directories, tars, collections).",
  // No short-option groups: dissect's -xf is one flag (and -vv is expanded to -v -v before parsing).
  parserConfiguration: { "short-option-groups": false, "camel-case-expansion": false, "halt-at-non-option": false },
  options: {
    function: {
      alias: "f",
      type: "string",
      value: "FUNCTIONS",
      describe: "functions to run: names, namespaces (atop.*), module paths or globs; comma lists",
    },
    "excluded-functions": { alias: "xf", type: "string", value: "FUNCTIONS", describe: "functions to leave out (same syntax)" },
    list: {
      alias: "l",
      type: "boolean",
      describe: "list functions: -l [FILTER] (a name, glob or module path, else any function whose name holds it; or -f); with targets after it: which apply and why not",
    },
    loader: { alias: "L", type: "string", value: "NAME", describe: "force a loader (see -l)" },
    direct: {
      type: "boolean",
      describe: "the arguments are loose files (or folders of them), not targets: one target, each file placed where a selected function reads it, by content or name; records name the files",
    },
    json: { alias: "j", type: "boolean", describe: "JSON lines (dissect's -j shape, with descriptor lines)" },
    strings: { alias: "s", type: "boolean", describe: "text output even when stdout is not a terminal" },
    write: {
      alias: "w",
      type: "string",
      value: "FILE|URI",
      describe: "write records to FILE (format from the extension: .rec, .jsonl, .csv, .txt, each .gz too, .sqlite/.db) or a flow.record adapter URI: sqlite://, jsonfile://, csvfile://, text://, line://, stream://",
    },
    csv: { alias: "C", type: "boolean", describe: "CSV (a header per record type)" },
    timesketch: { type: "boolean", describe: "Timesketch JSON lines: one line per datetime value of each record" },
    timeline: {
      type: "boolean",
      describe: "one timeline: every datetime value of every record an entry (quarry/timeline), in time order across functions and targets",
    },
    from: { type: "string", value: "TIME", describe: "with --timeline: only events at or after TIME (ISO 8601; UTC unless an offset is given)" },
    to: { type: "string", value: "TIME", describe: "with --timeline: only events before TIME (ISO 8601; UTC unless an offset is given)" },
    limit: { type: "number", value: "N", describe: "stop after N records per target" },
    quiet: { alias: "q", type: "boolean", describe: "errors only on stderr" },
    verbose: { alias: "v", type: "count", describe: "-v: each function's decision, records and time, and the files it opened; -vv: debug" },
    generated: { type: "string", value: "TIME", hidden: true, describe: "fixed _generated time (reproducible output)" },
    "plugin-path": PLUGIN_PATH_OPTION,
    "max-inflate": MAX_INFLATE_OPTION,
    "targets-from": { type: "string", value: "FILE", describe: "read targets from FILE (or - for stdin), one per line, # comments" },
    jobs: { type: "number", value: "N", describe: "targets processed in parallel (default: the number of cores)" },
    shard: { type: "string", value: "K/N", describe: "K/N: only the K-th of N deterministic slices of the target list" },
    report: { type: "string", value: "FILE", describe: "write a JSON run report to FILE" },
    "output-dir": { type: "string", value: "DIR", describe: "write DIR/<target id>/<function>.jsonl instead of stdout" },
    "output-format": {
      type: "string",
      value: "FORMAT",
      describe: "per-host file format with --output-dir: jsonl (default) or rec (flow.record stream)",
    },
    gzip: { type: "boolean", describe: "gzip the per-host files (--output-dir)" },
    resume: { type: "boolean", describe: "continue an interrupted --output-dir run, skipping finished work" },
    progress: { type: "boolean", describe: "progress line on stderr (default: when stderr is a terminal)" },
    timeout: { type: "number", value: "SECONDS", describe: "give up on a target after SECONDS (it runs in a worker thread, which is stopped)" },
    "worker-heap": {
      type: "number",
      value: "MB",
      describe: "JS heap ceiling of each worker thread (default: half the memory shared by the workers, 256 to 4096 MB)",
    },
    help: { alias: "h", type: "boolean", describe: "help; with -f: the functions' own arguments" },
    version: VERSION_OPTION,
  },
  notes: [
    "Output: text on a terminal or with -s, the flow.record binary stream when piped (read it with rdump), -j JSON lines.",
    "Targets may be @FILE (one per line); a folder that is not itself a target is expanded one level.",
  ],
  details: [
    "- **Targets**: paths (directories, tar, tar.gz/tgz (gzip by magic), UAC and acquire collections as tar or directory), " +
      "`memory://NAME` (programs and tests), `@FILE` (one target per line, `#` comments), a directory of collections " +
      "(expanded one level; see [batch.md](batch.md)), `--targets-from FILE|-`.",
    "- **Functions** (`-f`, comma lists): exact names (`wtmp`), namespaces (`atop.*` is every atop function; `atop` is " +
      "the one function), module paths and globs (`os.unix.log`, `os.unix.log.*`). `-xf` removes the same way. An unknown " +
      "name is a usage error naming it. A name offered by several plugins (`hostname`) runs the most specific one that " +
      "applies to the target's OS. `target-query -l` lists every function with its records and arguments, and the loaders; " +
      "`target-query -l FILTER` only those FILTER names (dissect's `-l [FILTER]`: a name, namespace, glob or module path, " +
      "else every function whose name or path holds it: `-l wtmp`, `-l 'atop.*'`, `-l os.unix.log`); " +
      "`target-query -l FILTER TARGET…` (or `-l -f FUNCTIONS TARGET…`; `-l '*' TARGET` for all) says which of them apply to " +
      "each target and, for the others, why not. Every function, " +
      "its arguments and its records: [records.md](records.md).",
    "- **Function arguments** follow the functions: `-f failed_logins --by addr`, `-f wtmp --byte-order be`. " +
      "`target-query -f failed_logins -h` lists them. An option no selected function takes is a usage error.",
    "- **Output**: text on a terminal (or with `-s`), the flow.record binary stream when stdout is piped (so " +
      "`target-query … | rdump` works), `-j` JSON lines in dissect's shape, `-C` CSV, `--timesketch`, `-w FILE` with the " +
      "format from the extension (`.rec`, `.rec.gz`, `.jsonl`, `.csv`). One sink per run: the stream header and each " +
      "descriptor are written once. The formats: [record-model.md](record-model.md).",
    "- **Timeline** (`--timeline`, `--from`, `--to`): every datetime value of every record becomes one `quarry/timeline` " +
      "entry (`ts`, `ts_description`, `source`, `message`, the record itself), sorted by time across the functions and " +
      "targets of the run, with bounded memory (sorted runs spilled to temp files and merged); every output format " +
      "writes it, and `--timesketch` gives Timesketch's import lines in time order. `--from` is inclusive, `--to` " +
      "exclusive. [timeline.md](timeline.md).",
    "- **Many targets** (`--jobs`, `--shard`, `--output-dir`, `--resume`, `--report`, `--timeout`, `--worker-heap`, `--progress`): " +
      "[batch.md](batch.md).",
    "- **External plugins** (`--plugin-path DIR|FILE`, repeatable, and `$QUARRY_PLUGINS`): every compiled `.js`/`.mjs` " +
      "module below the path is imported and its plugins join the built-in ones (one with a built-in's name replaces " +
      "it). A module that fails to import, or a plugin that does not hold together, is a `warning:` naming the file " +
      "and plugin on every run and is listed under \"Failed to load\" by `-l` with the reason; the others run. Worker " +
      "threads load the same set; the report's `plugins` names the paths and the failures. " +
      "[writing-plugins.md](writing-plugins.md) builds one.",
    "- **Messages on stderr**: an absent artefact is `info: … not applicable: <reason>`; odd input is a `warning:` that " +
      "names the file and byte offset; an `error:` is counted and makes the exit code 1.",
  ],
  exitCodes: [
    { code: 0, meaning: "all well", detail: "an absent artefact is information, not an error" },
    {
      code: 1,
      meaning: "finished with errors",
      detail: "a target that could not be opened, a disk volume that could not be read, a function that threw, a corrupt artefact",
    },
    {
      code: 2,
      meaning: "usage error",
      detail: "an unknown function or flag, a bad `--shard`, `--resume` without `--output-dir`, a `--from`/`--to` that is no ISO 8601 datetime, …",
    },
    { code: 3, meaning: "no target could be opened", detail: "not a single one (batch runs: [batch.md](batch.md))" },
  ],
});
