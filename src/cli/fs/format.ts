// How a file's metadata is shown to a person: ls's mode string, human sizes, the long listing line.
import type { FileStat } from "../../fs/types.js";
import { printableName } from "../../util/escape.js";

const TYPE_CHAR: Record<string, string> = { file: "-", dir: "d", symlink: "l", chardev: "c", blockdev: "b", fifo: "p", socket: "s", other: "?" };

export function modeString(st: FileStat): string {
  const m = st.mode;
  const rwx = (shift: number, special: number, ch: string): string =>
    (m & (4 << shift) ? "r" : "-") + (m & (2 << shift) ? "w" : "-") + (m & special ? (m & (1 << shift) ? ch : ch.toUpperCase()) : m & (1 << shift) ? "x" : "-");
  return (TYPE_CHAR[st.type] ?? "?") + rwx(6, 0o4000, "s") + rwx(3, 0o2000, "s") + rwx(0, 0o1000, "t");
}

/** `ls -h`: 1024-based, one decimal below 10 (4.0K, 12M), as GNU ls shows it. */
export function humanSize(n: number): string {
  if (n < 1024) return String(n);
  const units = ["K", "M", "G", "T", "P", "E"];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  // GNU ls rounds up
  const shown = v < 10 ? Math.ceil(v * 10) / 10 : Math.ceil(v);
  if (shown >= 1024 && u < units.length - 1) return `1.0${units[u + 1]}`;
  return (v < 10 ? shown.toFixed(1) : String(shown)) + units[u]!;
}

/** One `ls -l` line; `link` is the symlink's target when it is one. Names escaped (one line, one name). */
export function longLine(st: FileStat | null, name: string, link: string | null, human = false): string {
  if (!st) return `?????????? ${"?".padStart(5)} ${"?".padStart(5)} ${"?".padStart(10)} ${"?".padEnd(19)} ${printableName(name)}`;
  const mtime = st.mtime ? st.mtime.isoformat(" ").slice(0, 19) : "-".padEnd(19);
  const size = human ? humanSize(st.size) : String(st.size);
  let line = `${modeString(st)} ${String(st.uid).padStart(5)} ${String(st.gid).padStart(5)} ${size.padStart(10)} ${mtime} ${printableName(name)}`;
  if (link !== null) line += ` -> ${printableName(link)}`;
  return line;
}
