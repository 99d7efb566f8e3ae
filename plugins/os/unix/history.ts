import { absent, definePlugin, defineRecord, ok, type Target, Timestamp } from "quarry";
// Shell command history (~/.bash_history, ~/.zsh_history, …) of every home directory and /root.

export const CommandHistoryRecord = defineRecord("unix/history", {
  ts: "datetime",
  command: "string",
  shell_name: "string",
  user: "string",
  lineno: "varint",
  filepath: "path",
});

const HISTORY_FILES: Record<string, string> = {
  ".bash_history": "bash",
  ".zsh_history": "zsh",
  ".history": "sh",
  ".sh_history": "sh",
  ".ash_history": "ash",
  ".python_history": "python",
  ".mysql_history": "mysql",
  ".psql_history": "psql",
};

/** Every history file below /root and /home/*, with the account it belongs to (the home's name). */
function historyFiles(t: Target): { path: string; shell: string; user: string }[] {
  const out: { path: string; shell: string; user: string }[] = [];
  for (const home of ["/root", ...t.fs.glob("/home/*")]) {
    for (const [name, shell] of Object.entries(HISTORY_FILES)) {
      const p = `${home}/${name}`;
      if (t.fs.isFile(p)) out.push({ path: p, shell, user: home === "/root" ? "root" : home.slice("/home/".length) });
    }
  }
  return out;
}

/**
 * History files are read line by line, so memory stays flat whatever their size; time is bounded by
 * --history-limit (1 GiB by default: years of commands with unlimited HISTSIZE are a few hundred MB).
 * A command longer than this is kept cut, with a warning: pasted payloads (`echo <base64> | base64 -d | sh`)
 * reach hundreds of kilobytes and are evidence; more is no command a person typed.
 */
const MAX_COMMAND_BYTES = 1024 * 1024;
const MAX_LINE_WARNINGS = 20;
const NULS = /^\0+$/;

// zsh extended history: ": 1700000000:0;command"
const ZSH_EXTENDED = /^: (\d+):\d+;(.*)$/s;
// bash with HISTTIMEFORMAT: a "#1700000000" line before each command
const BASH_TIME = /^#(\d{9,11})$/;

export default definePlugin({
  name: "history",
  path: "os.unix.history",
  description: "Shell and interpreter command histories in home directories",
  paths: ["/root/.*history", "/home/*/.*history"],
  checkCompatible: (t) => (historyFiles(t).length ? ok() : absent("no shell history files in /root or /home/*")),
  functions: {
    commandhistory: {
      output: "records",
      description: "One record per command in each history file, with its time where the shell stored one",
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
        for (const f of historyFiles(t)) {
          let pendingTs: Timestamp | null = null;
          let odd = 0;
          const warn = (message: string, offset: number): void => {
            if (++odd <= MAX_LINE_WARNINGS) ctx.warn({ message, file: f.path, offset });
          };
          const limitMiB = Number(ctx.args["history-limit"] ?? 0);
          const limit = limitMiB > 0 ? limitMiB * 2 ** 20 : Infinity;
          try {
            const size = t.fs.stat(f.path).size;
            // Line by line through a fixed window: a multi-GB history costs no more memory than a small one.
            for (const line of t.fs.readLines(f.path, { maxLineBytes: MAX_COMMAND_BYTES, limit })) {
              // A run of NUL bytes is a hole (a sparse file) or what a crash left in place of the last writes:
              // no shell writes a NUL, so it is no command.
              if (line.bytes > 0 && NULS.test(line.text)) {
                const what = line.cut ? `starting with ${MAX_COMMAND_BYTES} NULs` : "of NULs";
                warn(`line ${line.lineno}: ${line.bytes} bytes ${what} (a hole, or zeros left by a crash); not a command`, line.offset);
                pendingTs = null;
                continue;
              }
              if (line.cut) warn(`line ${line.lineno} is ${line.bytes} bytes; only its first ${MAX_COMMAND_BYTES} are kept`, line.offset);
              const raw = line.text;
              const bashTs = f.shell === "bash" ? BASH_TIME.exec(raw) : null;
              if (bashTs) {
                pendingTs = Timestamp.fromUnix(Number(bashTs[1]));
                continue;
              }
              let ts = pendingTs;
              let command = raw;
              const z = f.shell === "zsh" ? ZSH_EXTENDED.exec(raw) : null;
              if (z) {
                ts = Timestamp.fromUnixInRange(Number(z[1])); // null beyond year 9999 (digits without bound)
                command = z[2]!;
              }
              pendingTs = null;
              yield CommandHistoryRecord.create({ ts, command, shell_name: f.shell, user: f.user, lineno: line.lineno, filepath: f.path });
            }
            if (size > limit) ctx.warn({ message: `${size}-byte history: only the first ${limit} bytes were read (--history-limit 0 reads all)`, file: f.path, offset: limit });
          } catch (e) {
            ctx.error({ message: `unreadable: ${(e as Error).message}`, file: f.path });
          }
          if (odd > MAX_LINE_WARNINGS) ctx.warn({ message: `${odd - MAX_LINE_WARNINGS} more lines cut or of NULs`, file: f.path });
        }
      },
    },
  },
});
