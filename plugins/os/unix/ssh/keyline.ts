// One OpenSSH public key line, as authorized_keys and .pub files hold it (sshd(8) AUTHORIZED_KEYS FILE FORMAT):
// [options] keytype base64 [comment], the options split as auth-options.c splits them.
import { isKeyTypeName } from "./keyblob.js";

/** Split an options string at commas outside double quotes; null when a quote is left open (sshd refuses). */
export function splitOptions(text: string): string[] | null {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && text[i + 1] === '"') {
      cur += '\\"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === "," && !quoted) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (quoted) return null;
  out.push(cur);
  return out;
}

/** The value of name="value" among options (its \" unescaped), or null. */
export function optionValue(options: readonly string[], name: string): string | null {
  for (const o of options) {
    const eq = o.indexOf("=");
    if (eq > 0 && o.slice(0, eq).toLowerCase() === name && o[eq + 1] === '"' && o.endsWith('"')) return o.slice(eq + 2, -1).replace(/\\"/g, '"');
  }
  return null;
}

/** The first blank outside double quotes ends the options. */
function optionsEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\" && text[i + 1] === '"') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === " " || c === "\t")) return i;
  }
  return quoted ? -1 : text.length;
}

export interface KeyLine {
  options: string[];
  keyType: string;
  key: string;
  comment: string;
}

/** One authorized_keys line (trimmed, not a comment): [options] keytype base64 [comment]; a string says why not. */
export function parseKeyLine(text: string): KeyLine | string {
  let rest = text;
  let options: string[] = [];
  const first = /^\S+/.exec(rest)![0];
  if (!isKeyTypeName(first)) {
    const end = optionsEnd(rest);
    if (end < 0) return "an option's quotes are not closed";
    const opts = splitOptions(rest.slice(0, end));
    if (!opts) return "an option's quotes are not closed";
    options = opts;
    rest = rest.slice(end).trimStart();
  }
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/s.exec(rest);
  if (!m) return "no key after the options";
  if (!isKeyTypeName(m[1]!)) return `${JSON.stringify(m[1]!.slice(0, 64))} is no key type`;
  return { options, keyType: m[1]!, key: m[2]!, comment: (m[3] ?? "").trim() };
}
