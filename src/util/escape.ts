// What a terminal may be shown: evidence (host names, file names, record values, messages quoting them) can
// carry ESC, BEL, OSC and CSI sequences, C1 controls and DEL that would retitle a window or hide what follows.
// One rule for every human-readable line, the rule of the record text output (Python's repr, src/util/pyrepr.ts):
// C0 controls as \t \n \r or \xNN, DEL and C1 as \xNN, other non-printable code points (format characters,
// separators, unassigned, lone surrogates that stand for undecodable bytes) as \xNN, \uNNNN or \UNNNNNNNN.
// Machine outputs (JSON, the binary stream, target-fs cat and tar) never pass through here.

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
/** Text without any of these needs no work (the common case: checked with one regular expression). */
const MAY_NEED = /[\x00-\x1f\x7f-\xa0\xad\u0378-\uffff]/;

export interface EscapeOptions {
  /** This quote character is escaped too (repr's quotes). */
  quote?: string;
  /** Backslashes are doubled, so that the escaped text reads back unambiguously (repr, `ls -b`). */
  backslash?: boolean;
}

/** The escaping loop itself; `pyStr` and the printable forms below all come here. */
export function escapeChars(s: string, opts: EscapeOptions = {}): string {
  const quote = opts.quote;
  const backslash = opts.backslash ?? false;
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\\") out += backslash ? "\\\\" : ch;
    else if (ch === quote) out += "\\" + quote;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp === 0x20) out += ch;
    else if (cp < 0x7f) out += cp < 0x20 ? hex2(cp) : ch;
    else if (NON_PRINTABLE.test(ch)) {
      out += cp <= 0xff ? hex2(cp) : cp <= 0xffff ? "\\u" + cp.toString(16).padStart(4, "0") : "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out;
}

export function hex2(b: number): string {
  return "\\x" + b.toString(16).padStart(2, "0");
}

/** A message or value as a terminal may show it (log lines, target-info, rdump -L): backslashes kept as they are. */
export function printable(s: string): string {
  return MAY_NEED.test(s) ? escapeChars(s) : s;
}

/** A file name or path as listings show it (target-fs ls, walk, find, stat): like `ls -b`, backslashes doubled. */
export function printableName(s: string): string {
  return MAY_NEED.test(s) || s.includes("\\") ? escapeChars(s, { backslash: true }) : s;
}

/** Several lines of text: each made printable, the line breaks between them kept. */
export function printableLines(text: string): string {
  return MAY_NEED.test(text) ? text.split("\n").map(printable).join("\n") : text;
}
