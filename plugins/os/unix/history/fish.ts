// fish's history (~/.local/share/fish/fish_history): a YAML-like list fish writes and reads itself:
//   - cmd: echo one
//     when: 1700000000
//     paths:
//       - /tmp
// A command's newlines are written as "\n" and its backslashes as "\\" (fish's escape_yaml).
import { Timestamp, type TextLine } from "quarry";
import type { Entry, Reader } from "./formats.js";

export function unescapeFish(s: string): string {
  return s.replace(/\\(\\|n)/g, (_, c: string) => (c === "n" ? "\n" : "\\"));
}

export const fish: Reader = function* (lines, warn) {
  let cur: { entry: Entry; line: TextLine } | null = null;
  let inPaths = false;
  for (const l of lines) {
    const cmd = /^- cmd: ?(.*)$/s.exec(l.text);
    if (cmd) {
      if (cur) yield cur.entry;
      cur = { entry: { ts: null, command: unescapeFish(cmd[1]!), lineno: l.lineno }, line: l };
      inPaths = false;
      continue;
    }
    const when = /^ {2}when: ?(\d+)$/.exec(l.text);
    if (when && cur) {
      cur.entry.ts = Timestamp.fromUnixInRange(Number(when[1]));
      inPaths = false;
      continue;
    }
    if (/^ {2}paths:\s*$/.test(l.text) && cur) {
      inPaths = true;
      continue;
    }
    if (inPaths && /^ {4}- /.test(l.text)) continue;
    warn(l, "not a fish history line (- cmd:, when:, paths:)");
  }
  if (cur) yield cur.entry;
};
