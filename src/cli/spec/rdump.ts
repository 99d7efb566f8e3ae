// rdump's interface: read by its parser (src/cli/rdump.ts) and by the reference (docs/cli.md).
import { VERSION_OPTION } from "./target-query.js";
import { defineCli } from "./types.js";

/** The output modes of -m (rdump.ts maps each to its sink). */
export const RDUMP_MODES = ["text", "csv", "csv-no-header", "json", "jsonlines", "line", "line-verbose", "stream", "timesketch"] as const;

export const RDUMP = defineCli({
  name: "rdump",
  usage: "[options] [SOURCE...]",
  description: "Read flow.record streams (plain or gzip), JSON lines and CSV (FILE.csv, csvfile://FILE) from files or stdin (-), select and write records.",
  parserConfiguration: { "short-option-groups": false, "camel-case-expansion": false },
  options: {
    writer: {
      alias: "w",
      type: "string",
      value: "FILE",
      describe: "write to FILE (format from the extension: .rec, .jsonl, .csv, .txt, each .gz too, .sqlite/.db; - = binary stream on stdout) or a flow.record adapter URI: sqlite://, jsonfile://, csvfile://, text://, line://, stream://",
    },
    selector: {
      alias: "s",
      type: "string",
      value: "EXPR",
      describe: "only records matching EXPR, e.g. 'r.ut_user == \"root\"' (the language: docs/record-model.md)",
    },
    fields: {
      alias: "F",
      type: "string",
      value: "FIELDS",
      describe: "only these fields, in this order (comma list); with -w x.rec the written descriptor has only these",
    },
    exclude: { alias: "X", type: "string", value: "FIELDS", describe: "leave these fields out (comma list; with -w x.rec also out of the written descriptor)" },
    count: { alias: "c", type: "number", value: "N", describe: "stop after N records" },
    skip: { type: "number", value: "N", describe: "skip the first N matching records" },
    list: {
      alias: "l",
      type: "boolean",
      describe: "list the record types seen (name, hash, fields) and their record counts (no records)",
    },
    stats: { type: "boolean", describe: "print record counts on stderr at the end: Processed N records (matched=M, unmatched=U)" },
    mode: { alias: "m", type: "string", value: "MODE", choices: RDUMP_MODES, describe: "output mode" },
    line: { alias: "L", type: "boolean", describe: "one field per line" },
    "line-verbose": { alias: "Lv", type: "boolean", describe: "one field per line, with field types" },
    json: { alias: "j", type: "boolean", describe: "JSON, indented" },
    jsonlines: { alias: "J", type: "boolean", describe: "JSON lines (one object per record)" },
    csv: { alias: "C", type: "boolean", describe: "CSV with a header" },
    "csv-no-header": { alias: "Cn", type: "boolean", describe: "CSV without a header" },
    timesketch: { type: "boolean", describe: "Timesketch JSON lines (one line per datetime field)" },
    quiet: { alias: "q", type: "boolean", describe: "errors only on stderr" },
    verbose: { alias: "v", type: "count", describe: "debug messages" },
    help: { alias: "h", type: "boolean", describe: "this help" },
    version: VERSION_OPTION,
  },
  notes: [
    "Without -w, rdump writes text even into a pipe (as flow.record's rdump does, so that grep works); chain with rdump ... -w - | rdump ...",
  ],
  details: [
    "Sources are told apart by their bytes, not their names: flow.record streams (ours and Python's; concatenated, " +
      "gzip'd) and JSON lines. How sources are read, what happens to a record that cannot be read, the output formats " +
      "and the selector language (`-s`; it is parsed, never evaluated as code): [record-model.md](record-model.md).",
    "`-w FILE` picks the format from the extension as target-query's `-w` does (`.rec`, `.rec.gz`, `.jsonl`, `.csv`, `.txt`; " +
      "[record-model.md](record-model.md#choosing-the-output)); an output mode flag wins over the extension.",
    "Example: `rdump -s 'r.ut_user == \"root\" and r.ut_addr in net.ipnetwork(\"10.0.0.0/8\")' wtmp.rec`.",
  ],
  exitCodes: [
    { code: 0, meaning: "all well" },
    {
      code: 1,
      meaning: "a source could not be read (or finished with errors)",
      detail: "a source that could not be (fully) read, or a record in it that could not",
    },
    { code: 2, meaning: "usage error", detail: "including an invalid selector, reported before anything is read" },
  ],
});
