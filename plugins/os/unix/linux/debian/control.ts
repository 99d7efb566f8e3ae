// deb822 paragraphs as dpkg writes /var/lib/dpkg/status (dpkg's lib/dpkg/parse.c reads them so): "Field: value"
// lines, a value continued on lines that start with a space or tab, paragraphs apart by blank lines. Field names
// are case-insensitive (kept as written, looked up lower-cased); a repeated field keeps its first value, as
// dpkg refuses the paragraph for it ("duplicate value for ... field") and the earlier value is what it read.
import type { TextLine } from "quarry";

export interface Paragraph {
  /** Lower-cased field name → value (continuation lines joined with "\n", each without its first space). */
  fields: Map<string, string>;
  /** 1-based line and byte offset of the paragraph's first field. */
  line: number;
  offset: number;
}

export interface ParagraphProblem {
  message: string;
  line: number;
  offset: number;
}

/** A status file of 200,000 packages has ~60 fields a paragraph at most; more is no dpkg paragraph. */
export const MAX_FIELDS = 1024;

const FIELD = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/;

/** Paragraphs from lines; a line that is neither a field nor a continuation is a problem, and skipped. */
export function* paragraphs(lines: Iterable<TextLine>, problem: (p: ParagraphProblem) => void): Generator<Paragraph> {
  let cur: Paragraph | null = null;
  let last: string | null = null;
  for (const l of lines) {
    const text = l.text.endsWith("\r") ? l.text.slice(0, -1) : l.text;
    if (text.trim() === "") {
      if (cur) yield cur;
      cur = null;
      last = null;
      continue;
    }
    const c = text.charCodeAt(0);
    if (c === 32 || c === 9) {
      if (cur && last !== null) cur.fields.set(last, `${cur.fields.get(last)!}\n${text.slice(1)}`);
      else problem({ message: `line ${l.lineno}: a continuation line with no field before it; skipped`, line: l.lineno, offset: l.offset });
      continue;
    }
    if (c === 35 /* # */) continue; // comments are allowed in deb822 (not in status, but harmless)
    const m = FIELD.exec(text);
    if (!m) {
      problem({ message: `line ${l.lineno}: not a "Field: value" line; skipped`, line: l.lineno, offset: l.offset });
      last = null;
      continue;
    }
    cur ??= { fields: new Map(), line: l.lineno, offset: l.offset };
    const key = m[1]!.toLowerCase();
    if (cur.fields.has(key)) {
      problem({ message: `line ${l.lineno}: field ${m[1]} repeated in the paragraph of line ${cur.line}; the first value kept`, line: l.lineno, offset: l.offset });
      last = null;
      continue;
    }
    if (cur.fields.size >= MAX_FIELDS) {
      problem({ message: `line ${l.lineno}: more than ${MAX_FIELDS} fields in the paragraph of line ${cur.line}; the rest skipped`, line: l.lineno, offset: l.offset });
      last = null;
      continue;
    }
    cur.fields.set(key, m[2]!.trimEnd());
    last = key;
  }
  if (cur) yield cur;
}
