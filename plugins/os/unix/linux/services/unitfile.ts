// The syntax of a systemd unit file or drop-in (systemd.syntax(7)): "[Section]" headers, "Key=Value"
// assignments (blanks around both trimmed), comments only at the start of a line ("#" or ";"), a line ending in
// a backslash continued on the next (the backslash becomes a blank; comment lines inside are skipped).
import type { TextLine } from "quarry";

export interface Assignment {
  section: string;
  key: string;
  value: string;
  /** The line the assignment starts on. */
  lineno: number;
  offset: number;
}

export interface UnitProblem {
  lineno: number;
  offset: number;
  message: string;
}

const WHITESPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
// a section name: printable, no brackets (systemd refuses control characters and "[" "]" inside)
const SECTION = /^\[([^\[\]\x00-\x1f]+)\]$/;

/** The assignments of a unit file in order, with every line that is none of the forms told to `problem`. */
export function* unitAssignments(lines: Iterable<TextLine>, problem: (p: UnitProblem) => void): Generator<Assignment> {
  let section: string | null = null;
  let pending: { text: string; lineno: number; offset: number } | null = null;
  const take = function* (text: string, lineno: number, offset: number): Generator<Assignment> {
    const sec = SECTION.exec(text);
    if (sec) {
      section = sec[1]!;
      return;
    }
    if (text.startsWith("[")) {
      problem({ lineno, offset, message: "not a valid section header" });
      section = null; // systemd ignores what follows a broken header until the next good one
      return;
    }
    const eq = text.indexOf("=");
    if (eq < 0) {
      problem({ lineno, offset, message: "no '=' (neither a section header, a comment nor an assignment)" });
      return;
    }
    if (section === null) {
      problem({ lineno, offset, message: "assignment outside of any (valid) section" });
      return;
    }
    const key = text.slice(0, eq).replace(WHITESPACE, "");
    if (!key) {
      problem({ lineno, offset, message: "assignment without a key" });
      return;
    }
    yield { section, key, value: text.slice(eq + 1).replace(WHITESPACE, ""), lineno, offset };
  };
  for (const line of lines) {
    const text = line.text.replace(WHITESPACE, "");
    if (pending) {
      if (text.startsWith("#") || text.startsWith(";")) continue;
      if (text.endsWith("\\")) {
        pending.text += text.slice(0, -1) + " ";
        continue;
      }
      const joined = pending.text + text;
      const at = pending;
      pending = null;
      yield* take(joined.replace(WHITESPACE, ""), at.lineno, at.offset);
      continue;
    }
    if (!text || text.startsWith("#") || text.startsWith(";")) continue;
    if (text.endsWith("\\")) {
      // systemd turns the backslash into a blank and appends the next line without its leading blanks
      pending = { text: text.slice(0, -1) + " ", lineno: line.lineno, offset: line.offset };
      continue;
    }
    yield* take(text, line.lineno, line.offset);
  }
  if (pending) {
    const at: { text: string; lineno: number; offset: number } = pending;
    yield* take(at.text.replace(WHITESPACE, ""), at.lineno, at.offset);
  }
}
