// journal: every entry of every systemd journal file of the target, as journalctl shows it (docs/journal.md).
import { absent, definePlugin, ok, type AnyRecord, type ArgSpec, type FunctionContext, type Target } from "quarry";
import { DataCache } from "./cache.js";
import { DEFAULT_MAX_OUTPUT, MAX_OUTPUT_LIMIT } from "./decompress.js";
import { groups, JOURNAL_GLOBS, journalFiles } from "./discover.js";
import { JournalFile, type Shared } from "./file.js";
import { interleave } from "./merge.js";
import { JournalRecord } from "./record.js";
import { FileReport } from "./report.js";
import { BlockCache } from "./source.js";

const MIB = 1024 * 1024;

const ARGS: ArgSpec[] = [
  {
    name: "max-field-size",
    type: "number",
    default: DEFAULT_MAX_OUTPUT / MIB,
    help: "the largest field value read, in MiB (stored or decompressed; at most 768, systemd's own limit); a larger one is reported and left out",
  },
];

function maxPayload(ctx: FunctionContext): number {
  const v = ctx.args["max-field-size"];
  return typeof v === "number" && v > 0 ? Math.min(Math.floor(v * MIB), MAX_OUTPUT_LIMIT) : DEFAULT_MAX_OUTPUT;
}

function* journalRecords(t: Target, ctx: FunctionContext): Generator<AnyRecord> {
  const shared: Shared = { blocks: new BlockCache(), data: new DataCache(), maxPayload: maxPayload(ctx) };
  for (const g of groups(journalFiles(t))) {
    const open: JournalFile[] = [];
    try {
      for (const path of g.files) {
        const report = new FileReport(path, ctx);
        let f: JournalFile | null = null;
        try {
          f = JournalFile.open(path, t.fs.open(path), shared, report);
        } catch (e) {
          report.error(0, `cannot read: ${(e as Error).message}`);
        }
        if (f) open.push(f);
      }
      const copies = new Map<JournalFile, number>();
      yield* interleave(open, (f) => copies.set(f, (copies.get(f) ?? 0) + 1));
      for (const [f, n] of copies) {
        f.report.warn(`${n} entr${n === 1 ? "y is" : "ies are"} identical to entries of other files of ${g.key || "the journal directory"} (same seqnum, times and contents): shown once, as journalctl does`);
      }
    } finally {
      for (const f of open) f.close();
    }
  }
}

export default definePlugin({
  name: "journal",
  path: "os.unix.log.journal",
  description: "Entries of the systemd journal (/var/log/journal, /run/log/journal): system, user and namespace journals",
  paths: JOURNAL_GLOBS,
  checkCompatible: (t) => (journalFiles(t).length ? ok() : absent("no /var/log/journal/*/*.journal, /run/log/journal/*/*.journal")),
  functions: {
    journal: {
      output: "records",
      description: "Every entry of every journal file; the files of one machine id (and namespace) interleaved as journalctl does",
      records: [JournalRecord],
      args: ARGS,
      run: (t, ctx) => journalRecords(t, ctx),
    },
  },
});
