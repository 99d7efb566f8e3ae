// Which history files each home holds, and the reader of each.
import type { Target } from "quarry";
import { homes } from "../homes.js";
import { fish } from "./fish.js";
import { bash, editline, less, plain, zsh, type Reader } from "./formats.js";

interface Kind {
  /** Path below the home. */
  name: string;
  shell: string;
  reader: Reader;
}

const KINDS: readonly Kind[] = [
  { name: ".bash_history", shell: "bash", reader: bash },
  { name: ".zsh_history", shell: "zsh", reader: zsh },
  { name: ".zhistory", shell: "zsh", reader: zsh },
  { name: ".local/share/fish/fish_history", shell: "fish", reader: fish },
  { name: ".history", shell: "sh", reader: plain },
  { name: ".sh_history", shell: "sh", reader: plain },
  { name: ".ash_history", shell: "ash", reader: plain },
  { name: ".python_history", shell: "python", reader: plain },
  { name: ".mysql_history", shell: "mysql", reader: editline },
  { name: ".psql_history", shell: "psql", reader: editline },
  { name: ".sqlite_history", shell: "sqlite", reader: editline },
  { name: ".lesshst", shell: "less", reader: less },
];

export interface HistoryFile {
  path: string;
  shell: string;
  user: string;
  reader: Reader;
}

export function historyFiles(t: Target): HistoryFile[] {
  const out: HistoryFile[] = [];
  for (const h of homes(t)) {
    for (const k of KINDS) {
      const p = `${h.home}/${k.name}`;
      if (t.fs.isFile(p)) out.push({ path: p, shell: k.shell, user: h.user, reader: k.reader });
    }
  }
  return out;
}
