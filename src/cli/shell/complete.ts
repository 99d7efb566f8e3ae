// Tab completion: command and function names for the first word, paths inside the target for the others.
import type { RootFilesystem } from "../../fs/root.js";
import { printable } from "../../util/escape.js";
import { absolute } from "../fs/context.js";

/** Readline's answer: the candidates and the part of the line they replace. */
export type Completion = [string[], string];

/** Names in the target that complete `partial` (relative to cwd); directories end in "/". */
export function completePath(fs: RootFilesystem, cwd: string, partial: string): string[] {
  const slash = partial.lastIndexOf("/");
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : "";
  const prefix = slash >= 0 ? partial.slice(slash + 1) : partial;
  const dir = dirPart === "" ? cwd : absolute({ cwd }, dirPart);
  let entries;
  try {
    entries = fs.scandir(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!e.name.startsWith(prefix)) continue;
    if (prefix === "" && e.name.startsWith(".")) continue; // as bash: dotfiles when a dot is typed
    // readline shows candidates raw: a name carrying control characters would reach the terminal as such
    if (printable(e.name) !== e.name) continue;
    const child = dir === "/" ? "/" + e.name : dir + "/" + e.name;
    const isDir = e.type === "dir" || (e.type === "symlink" && fs.isDir(child));
    out.push(dirPart + e.name + (isDir ? "/" : ""));
  }
  return out;
}

/** The word being completed: from the last space not escaped by a backslash to the cursor. */
export function currentWord(line: string): { word: string; first: boolean } {
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === " " || line[i] === "\t") start = i + 1;
  }
  const word = line.slice(start);
  return { word, first: line.slice(0, start).trim() === "" };
}

/** What the parser reads back as the name: the characters it would otherwise split on or treat, escaped. */
export function escapeWord(name: string): string {
  return name.replace(/[\s'"\\>|#]/g, (c) => "\\" + c);
}

export function complete(line: string, names: readonly string[], fs: RootFilesystem, cwd: string): Completion {
  const { word, first } = currentWord(line);
  if (first) return [names.filter((n) => n.startsWith(word)), word];
  const typed = word.replace(/\\(.)/g, "$1");
  return [completePath(fs, cwd, typed).map(escapeWord), word];
}
