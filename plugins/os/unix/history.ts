// Shell command history (~/.bash_history, ~/.zsh_history, …) of every home directory and /root.
import { defineRecord } from "../../../src/records/descriptor.js";
import { Timestamp } from "../../../src/records/timestamp.js";
import { absent, definePlugin, ok } from "../../../src/plugin/define.js";
import type { Target } from "../../../src/target.js";

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
      *run(t, ctx) {
        for (const f of historyFiles(t)) {
          let text: string;
          try {
            text = t.fs.readText(f.path);
          } catch (e) {
            ctx.error({ message: `unreadable: ${(e as Error).message}`, file: f.path });
            continue;
          }
          let pendingTs: Timestamp | null = null;
          const lines = text.split("\n");
          if (lines[lines.length - 1] === "") lines.pop();
          for (let i = 0; i < lines.length; i++) {
            const raw = lines[i]!;
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
            yield CommandHistoryRecord.create({ ts, command, shell_name: f.shell, user: f.user, lineno: i + 1, filepath: f.path });
          }
        }
      },
    },
  },
});
