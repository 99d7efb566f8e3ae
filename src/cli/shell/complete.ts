// Tab completion: command and function names for the first word, paths inside the target for the others.
import type { RootFilesystem } from "../../fs/root.js";
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
    const child = dir === "/" ? "/" + e.name : dir + "/" + e.name;
    const isDir = e.type === "dir" || (e.type === "symlink" && fs.isDir(child));
    out.push(dirPart + e.name + (isDir ? "/" : ""));
  }
  return out;
}

/** The word being completed: from the last unquoted space to the cursor. */
export function currentWord(line: string): { word: string; first: boolean } {
  const m = /(?:^|\s)(\S*)$/.exec(line);
  const word = m ? m[1]! : "";
  const before = line.slice(0, line.length - word.length);
  return { word, first: before.trim() === "" };
}

export function complete(line: string, names: readonly string[], fs: RootFilesystem, cwd: string): Completion {
  const { word, first } = currentWord(line);
  if (first) return [names.filter((n) => n.startsWith(word)), word];
  return [completePath(fs, cwd, word), word];
}
