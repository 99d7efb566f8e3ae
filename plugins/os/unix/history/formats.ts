// The history formats, each a reader from the lines of one file to its commands: bash (with HISTTIMEFORMAT's
// "#<epoch>" lines), zsh (extended ": <start>:<elapsed>;<command>", backslash-continued lines, metafied bytes),
// plain one-command-a-line files (sh, ash, python), libedit's "_HiStOrY_V2_" files (mysql, sqlite; psql
// built with libedit) and less's .lesshst. fish's YAML-like file has its own reader (fish.ts).
import { decodeLenient, encodeSurrogateEscape, Timestamp, type TextLine } from "quarry";

export interface Entry {
  ts: Timestamp | null;
  command: string;
  /** The line the command starts on. */
  lineno: number;
}

/** A reader takes the file's lines (holes already left out) and tells an odd line to `warn`. */
export type Reader = (lines: Iterable<TextLine>, warn: (line: TextLine, what: string) => void) => Generator<Entry>;

// bash with HISTTIMEFORMAT writes "#1700000000" before each command.
const BASH_TIME = /^#(\d{9,11})$/;

export const bash: Reader = function* (lines) {
  let ts: Timestamp | null = null;
  for (const l of lines) {
    const m = BASH_TIME.exec(l.text);
    if (m) {
      ts = Timestamp.fromUnix(Number(m[1]));
      continue;
    }
    yield { ts, command: l.text, lineno: l.lineno };
    ts = null;
  }
};

export const plain: Reader = function* (lines) {
  for (const l of lines) yield { ts: null, command: l.text, lineno: l.lineno };
};

// zsh's extended history: ": <start>:<elapsed>;<command>" (setopt extended_history).
const ZSH_EXTENDED = /^: (\d+):(\d+);(.*)$/s;
const META = 0x83;

/**
 * zsh writes bytes that are special to it (0x83 … 0x9f, 0xa2 and NUL) as 0x83 and the byte xor 0x20
 * (zsh's metafy): the history file holds metafied text. Undone on the raw bytes.
 */
export function unmetafy(text: string): string {
  // 0x83 after a lead byte can decode as part of a character (D1 83 is "у"): look at the bytes of any non-ASCII line
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const raw = encodeSurrogateEscape(text);
  if (!raw.includes(META)) return text;
  const out = Buffer.allocUnsafe(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) out[n++] = raw[i] === META && i + 1 < raw.length ? raw[++i]! ^ 0x20 : raw[i]!;
  return decodeLenient(out, 0, n);
}

/** zsh ends a line of a multi-line command with a backslash; an even run of backslashes is no continuation. */
function continues(text: string): boolean {
  let n = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

export const zsh: Reader = function* (lines) {
  let pending: { first: TextLine; parts: string[] } | null = null;
  const entry = (first: TextLine, text: string): Entry => {
    const m = ZSH_EXTENDED.exec(text);
    // null beyond year 9999: the digits are unbounded
    if (m) return { ts: Timestamp.fromUnixInRange(Number(m[1])), command: unmetafy(m[3]!), lineno: first.lineno };
    return { ts: null, command: unmetafy(text), lineno: first.lineno };
  };
  for (const l of lines) {
    const more = continues(l.text);
    const part = more ? l.text.slice(0, -1) : l.text;
    if (pending) pending.parts.push(part);
    else pending = { first: l, parts: [part] };
    if (more) continue;
    yield entry(pending.first, pending.parts.join("\n"));
    pending = null;
  }
  if (pending) yield entry(pending.first, pending.parts.join("\n"));
};

// libedit's history_save: "_HiStOrY_V2_", then each entry through strvis(VIS_WHITE|VIS_OCTAL|…): a blank is
// \040, a newline \012, a backslash \\ (mysql on Debian, sqlite3, psql built with libedit).
const LIBEDIT_MAGIC = "_HiStOrY_V2_";

/** Undo strvis's octal escapes on the bytes (a multi-byte character is escaped byte by byte). */
function unvisBytes(s: string): string {
  if (!s.includes("\\")) return s;
  const raw = encodeSurrogateEscape(s);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 1 < raw.length) {
      if (raw[i + 1] === 0x5c) {
        out.push(0x5c);
        i++;
        continue;
      }
      const oct = raw.subarray(i + 1, i + 4).toString("latin1");
      if (/^[0-7]{3}$/.test(oct)) {
        out.push(parseInt(oct, 8) & 0xff);
        i += 3;
        continue;
      }
    }
    out.push(raw[i]!);
  }
  return decodeLenient(Uint8Array.from(out));
}

/** mysql, psql, sqlite: libedit's format when the file starts with its magic, else GNU readline's lines. */
export const editline: Reader = function* (lines) {
  let libedit = false;
  for (const l of lines) {
    if (l.lineno === 1 && l.text === LIBEDIT_MAGIC) {
      libedit = true;
      continue;
    }
    // psql (with readline) stores a multi-line query as one entry with \x01 for each newline (NL_IN_HISTORY).
    const command = libedit ? unvisBytes(l.text) : l.text.replaceAll("\x01", "\n");
    yield { ts: null, command, lineno: l.lineno };
  }
};

// less's .lesshst: ".less-history-file:", then sections (".search", ".shell", ".mark"); an entry is a line
// starting with a double quote. A search is told as "/pattern", a shell command as "!command" (what was typed).
export const less: Reader = function* (lines, warn) {
  let section: string | null = null;
  for (const l of lines) {
    if (l.lineno === 1 && l.text === ".less-history-file:") continue;
    if (l.text.startsWith(".")) {
      section = l.text;
      continue;
    }
    if (!l.text.startsWith('"')) {
      if (section !== ".mark") warn(l, "not a less history entry (no leading double quote)");
      continue;
    }
    if (section === ".search") yield { ts: null, command: "/" + l.text.slice(1), lineno: l.lineno };
    else if (section === ".shell") yield { ts: null, command: "!" + l.text.slice(1), lineno: l.lineno };
  }
};
