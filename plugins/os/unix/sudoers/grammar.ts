// sudoers(5) lines (sudo 1.9): Defaults, the four alias kinds, and user specifications
//   User_List Host_List = [(Runas_List [: Runas_Group_List])] [Option=…] [Tag: …] Cmnd[, …] [: Host_List = …]
// Run-as, options and tags carry over to the commands after them on the same line; a new (…) or tag changes them.
// This is a reader of what the file says, not sudo's policy engine: aliases are listed, not expanded.

export const TAGS = new Set([
  "NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
  "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
]);
const OPTIONS = /^(CWD|CHROOT|TIMEOUT|NOTBEFORE|NOTAFTER|ROLE|TYPE|APPARMOR_PROFILE|PRIVS|LIMITPRIVS)=/;
const DIGESTS = new Set(["sha224", "sha256", "sha384", "sha512"]);

/** Split at `sep` outside double quotes and parentheses; pieces trimmed. */
export function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth = Math.max(0, depth - 1);
    if (c === sep && !quoted && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** A comma list: "alice, %wheel , #1005" → ["alice", "%wheel", "#1005"]. */
export function commaList(text: string): string[] {
  return splitTop(text, ",").filter(Boolean);
}

/**
 * Where the line's ":"-separated parts start (alias definitions, host clauses of a rule): a ":" outside quotes
 * and parentheses that is followed by "NAME =" and is not the ":" of a tag or a digest.
 */
export function splitClauses(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth = Math.max(0, depth - 1);
    else if (c === ":" && !quoted && depth === 0) {
      const word = /([A-Za-z0-9_]+)$/.exec(text.slice(start, i))?.[1] ?? "";
      if (TAGS.has(word) || DIGESTS.has(word)) continue;
      if (!/^\s*[^\s=:(),]+(?:\s*,\s*[^\s=:(),]+)*\s*=/.test(text.slice(i + 1))) continue;
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** The index of the first "=" outside quotes and parentheses, or -1. */
function topEquals(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === "(") depth++;
    else if (!quoted && c === ")") depth--;
    else if (c === "=" && !quoted && depth === 0) return i;
  }
  return -1;
}

export interface Alias {
  kind: string;
  name: string;
  members: string[];
}

const ALIAS = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s+(.*)$/s;
const ALIAS_NAME = /^[A-Z][A-Z0-9_]*$/;

/** An alias line's definitions, or a string saying why it is none; null when the line is no alias line. */
export function parseAliases(line: string): Alias[] | string | null {
  const m = ALIAS.exec(line);
  if (!m) return null;
  const out: Alias[] = [];
  for (const def of splitClauses(m[2]!)) {
    const eq = topEquals(def);
    const name = eq < 0 ? "" : def.slice(0, eq).trim();
    if (!ALIAS_NAME.test(name)) return `${m[1]} without NAME = members`;
    out.push({ kind: m[1] === "Cmd_Alias" ? "Cmnd_Alias" : m[1]!, name, members: commaList(def.slice(eq + 1)) });
  }
  return out;
}

export interface Defaults {
  /** "" (global), "@" host, ":" user, "!" command, ">" run-as. */
  binding: string;
  bound: string[];
  settings: string[];
}

const DEFAULTS = /^Defaults(?:([@:!>])\s*((?:[^\s,\\]|\\.|,\s*)+))?\s+(.*)$/s;

/** A Defaults line, a string saying why it is none, or null when it is no Defaults line. */
export function parseDefaults(line: string): Defaults | string | null {
  if (!/^Defaults\b/.test(line)) return null;
  const m = DEFAULTS.exec(line);
  if (!m) return "Defaults without settings";
  return { binding: m[1] ?? "", bound: m[2] ? commaList(m[2]) : [], settings: commaList(m[3]!) };
}

export interface CommandGroup {
  hosts: string[];
  runasUsers: string[];
  runasGroups: string[];
  options: string[];
  tags: string[];
  commands: string[];
}

export interface UserSpec {
  users: string[];
  groups: CommandGroup[];
}

/** A user specification: its users, and per host clause the commands grouped where run-as, options or tags change. */
export function parseUserSpec(line: string): UserSpec | string {
  const clauses = splitClauses(line);
  const head = clauses[0]!;
  const eq0 = topEquals(head);
  if (eq0 < 0) return "no \"=\": neither a rule, an alias nor Defaults";
  const left = head.slice(0, eq0).replace(/\s*,\s*/g, ",").trim().split(/\s+/);
  if (left.length !== 2) return `"${left.join(" ").slice(0, 60)}" is not one user list and one host list`;
  const users = commaList(left[0]!);
  const groups: CommandGroup[] = [];
  const hostClauses = [`${left[1]} ${head.slice(eq0)}`, ...clauses.slice(1)];
  for (const clause of hostClauses) {
    const eq = topEquals(clause);
    if (eq < 0) return `host clause "${clause.slice(0, 60)}" has no "="`;
    const hosts = commaList(clause.slice(0, eq));
    let runasUsers: string[] = [];
    let runasGroups: string[] = [];
    let options: string[] = [];
    let tags: string[] = [];
    let current: CommandGroup | null = null;
    for (let spec of commaList(clause.slice(eq + 1))) {
      let changed = current === null;
      const runas = /^\(([^)]*)\)\s*/.exec(spec);
      if (runas) {
        const [u, g] = runas[1]!.split(":");
        runasUsers = commaList(u ?? "");
        runasGroups = commaList(g ?? "");
        spec = spec.slice(runas[0].length);
        changed = true;
      }
      const opts: string[] = [];
      for (let o = OPTIONS.exec(spec); o; o = OPTIONS.exec(spec)) {
        const v = /^\S+=(?:"(?:\\.|[^"])*"|\S*)\s*/.exec(spec)!;
        opts.push(v[0].trim());
        spec = spec.slice(v[0].length);
      }
      if (opts.length) {
        options = opts;
        changed = true;
      }
      const newTags: string[] = [];
      for (let t = /^([A-Z_]+)\s*:\s*/.exec(spec); t && TAGS.has(t[1]!); t = /^([A-Z_]+)\s*:\s*/.exec(spec)) {
        newTags.push(t[1]!);
        spec = spec.slice(t[0].length);
      }
      if (newTags.length) {
        // a tag overrides its opposite (PASSWD after NOPASSWD) and keeps the others
        const opposite = (x: string): string => (x.startsWith("NO") ? x.slice(2) : `NO${x}`);
        tags = [...tags.filter((x) => !newTags.includes(opposite(x)) && !newTags.includes(x)), ...newTags];
        changed = true;
      }
      if (!spec) return "a command list with an empty command";
      if (changed || !current) {
        current = { hosts, runasUsers, runasGroups, options, tags, commands: [] };
        groups.push(current);
      }
      current.commands.push(spec);
    }
  }
  return { users, groups };
}
