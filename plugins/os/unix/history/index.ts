// Shell and interpreter command histories (~/.bash_history, ~/.zsh_history, fish, python, mysql, psql, sqlite,
// less) of every home: one record per command, with its time where the format keeps one (dissect's
// commandhistory, unix/history).
import { absent, definePlugin, defineRecord, ok, type TextLine } from "quarry";
import { historyFiles } from "./files.js";

export const CommandHistoryRecord = defineRecord("unix/history", {
  ts: "datetime",
  command: "string",
  shell_name: "string",
  user: "string",
  lineno: "varint",
  filepath: "path",
});

/**
 * History files are read line by line, so memory stays flat whatever their size; time is bounded by
 * --history-limit (1 GiB by default: years of commands with unlimited HISTSIZE are a few hundred MB).
 * A command longer than this is kept cut, with a warning: pasted payloads (`echo <base64> | base64 -d | sh`)
 * reach hundreds of kilobytes and are evidence; more is no command a person typed.
 */
const MAX_COMMAND_BYTES = 1024 * 1024;
const MAX_LINE_WARNINGS = 20;
const NULS = /^\0+$/;

export default definePlugin({
  name: "history",
  path: "os.unix.history",
  description: "Shell and interpreter command histories in home directories",
  paths: ["~/.*history", "~/.local/share/fish/fish_history", "~/.lesshst"],
  checkCompatible: (t) => (historyFiles(t).length ? ok() : absent("no shell history files in /root or /home/*")),
  functions: {
    commandhistory: {
      output: "records",
      description: "One record per command in each history file (bash, zsh, fish, sh, python, mysql, psql, sqlite, less), with its time where the format stores one",
      records: [CommandHistoryRecord],
      args: [
        {
          name: "history-limit",
          type: "number",
          default: 1024,
          help: "MiB of each history file read (0: no limit); a real one is a few MB, the rest of a larger one is a hole or padding",
        },
      ],
      *run(t, ctx) {
        const limitMiB = Number(ctx.args["history-limit"] ?? 0);
        const limit = limitMiB > 0 ? limitMiB * 2 ** 20 : Infinity;
        for (const f of historyFiles(t)) {
          let odd = 0;
          const warn = (message: string, offset: number): void => {
            if (++odd <= MAX_LINE_WARNINGS) ctx.warn({ message, file: f.path, offset });
          };
          // Holes and cut lines are told here, the same for every format; the reader sees the rest.
          const lines = function* (): Generator<TextLine> {
            for (const line of t.fs.readLines(f.path, { maxLineBytes: MAX_COMMAND_BYTES, limit })) {
              // A run of NUL bytes is a hole (a sparse file) or what a crash left in place of the last writes:
              // no shell writes a NUL, so it is no command.
              if (line.bytes > 0 && NULS.test(line.text)) {
                const what = line.cut ? `starting with ${MAX_COMMAND_BYTES} NULs` : "of NULs";
                warn(`line ${line.lineno}: ${line.bytes} bytes ${what} (a hole, or zeros left by a crash); not a command`, line.offset);
                continue;
              }
              if (line.cut) warn(`line ${line.lineno} is ${line.bytes} bytes; only its first ${MAX_COMMAND_BYTES} are kept`, line.offset);
              yield line;
            }
          };
          try {
            const size = t.fs.stat(f.path).size;
            for (const e of f.reader(lines(), (l, what) => warn(`line ${l.lineno}: ${what}`, l.offset))) {
              yield CommandHistoryRecord.create({ ts: e.ts, command: e.command, shell_name: f.shell, user: f.user, lineno: e.lineno, filepath: f.path });
            }
            if (size > limit) ctx.warn({ message: `${size}-byte history: only the first ${limit} bytes were read (--history-limit 0 reads all)`, file: f.path, offset: limit });
          } catch (e) {
            ctx.error({ message: `unreadable: ${(e as Error).message}`, file: f.path });
          }
          if (odd > MAX_LINE_WARNINGS) ctx.warn({ message: `${odd - MAX_LINE_WARNINGS} more lines cut, of NULs or not of the format`, file: f.path });
        }
      },
    },
  },
});
