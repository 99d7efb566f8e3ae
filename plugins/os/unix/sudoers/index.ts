// sudoers: /etc/sudoers and what it includes (#include, @include, #includedir, @includedir), as sudo 1.9 reads
// them, inside the target only: a relative path is relative to the including file's directory, %h is the
// target's short host name, an includedir takes the directory's files in lexical order except names that end in
// "~" or hold a "." (editor backups, package leftovers), and includes nest at most 128 deep.
import { absent, definePlugin, defineRecord, ok, type FunctionContext, type Target } from "quarry";
import { chompCr, configLines, normalizePath } from "../textconfig.js";
import { parseAliases, parseDefaults, parseUserSpec } from "./grammar.js";

export const SudoersRuleRecord = defineRecord("unix/sudoers/rule", {
  users: "string[]",
  hosts: "string[]",
  runas_users: "string[]",
  runas_groups: "string[]",
  // command options in force (CWD=, CHROOT=, TIMEOUT= …)
  rule_options: "string[]",
  // tags in force for these commands (NOPASSWD, NOEXEC, SETENV …)
  tags: "string[]",
  // the NOPASSWD tag is in force: these commands run without the user's password
  nopasswd: "boolean",
  commands: "string[]",
  // the logical line as written (continuation lines joined)
  rule: "string",
  lineno: "varint",
  filepath: "path",
});

export const SudoersAliasRecord = defineRecord("unix/sudoers/alias", {
  alias_type: "string",
  alias_name: "string",
  members: "string[]",
  lineno: "varint",
  filepath: "path",
});

export const SudoersDefaultsRecord = defineRecord("unix/sudoers/defaults", {
  // "" for every use, "@" per host, ":" per user, "!" per command, ">" per run-as user
  binding_type: "string",
  binding: "string[]",
  settings: "string[]",
  lineno: "varint",
  filepath: "path",
});

export const SudoersIncludeRecord = defineRecord("unix/sudoers/include", {
  directive: "string",
  // as written, and where it leads in the target (%h expanded, relative to the including file)
  include_path: "string",
  resolved_path: "path",
  // the files it brings in, in the order sudo reads them
  included: "string[]",
  // files of an includedir that sudo does not read (a "." in the name, or a trailing "~")
  skipped: "string[]",
  lineno: "varint",
  filepath: "path",
});

const SUDOERS = "/etc/sudoers";
const MAX_DEPTH = 128;
const INCLUDE = /^[#@](include|includedir)\s+(.+)$/;

function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

/** sudo's includedir filter: no "." anywhere and no "~" at the end. */
export function includedirTakes(name: string): boolean {
  return !name.includes(".") && !name.endsWith("~");
}

/** The line without its comment: "#" starts one unless it is a uid or gid (#1000, %#2000) or inside quotes. */
export function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === "#" && !quoted) {
      const before = i === 0 ? " " : line[i - 1]!;
      if (/\d/.test(line[i + 1] ?? "") && /[\s,(!%:=]/.test(before)) continue;
      return line.slice(0, i);
    }
  }
  return line;
}

type AnySudoers =
  | ReturnType<typeof SudoersRuleRecord.create>
  | ReturnType<typeof SudoersAliasRecord.create>
  | ReturnType<typeof SudoersDefaultsRecord.create>
  | ReturnType<typeof SudoersIncludeRecord.create>;

function* readSudoers(t: Target, ctx: FunctionContext, file: string, stack: string[]): Generator<AnySudoers> {
  // continuation lines: a "\" at the end joins the next line
  let pending = "";
  let start: { lineno: number; offset: number } | null = null;
  const host = (t.hostname ?? "").split(".")[0] ?? "";
  for (const line of configLines(t, file, ctx)) {
    const raw = chompCr(line.text);
    start ??= { lineno: line.lineno, offset: line.offset };
    if (raw.endsWith("\\") && !raw.endsWith("\\\\")) {
      pending += raw.slice(0, -1) + " ";
      continue;
    }
    const logical = (pending + raw).trim();
    const at = start;
    pending = "";
    start = null;
    if (!logical) continue;
    const warn = (message: string): void => ctx.warn({ message: `line ${at.lineno}: ${message}`, file, offset: at.offset });
    const inc = INCLUDE.exec(logical);
    if (inc) {
      let written = inc[2]!.trim();
      if (written.startsWith('"') && written.endsWith('"') && written.length > 1) written = written.slice(1, -1).replace(/\\(.)/g, "$1");
      if (written.includes("%h") && !host) warn(`${written}: %h but the target's host name is unknown`);
      const expanded = written.replace(/%h/g, host).replace(/%%/g, "%");
      const resolved = normalizePath(expanded.startsWith("/") ? expanded : `${dirname(file)}/${expanded}`);
      const included: string[] = [];
      const skipped: string[] = [];
      if (inc[1] === "includedir") {
        if (t.fs.isDir(resolved)) {
          for (const e of t.fs.readdir(resolved)) {
            const p = `${resolved === "/" ? "" : resolved}/${e}`;
            if (!t.fs.isFile(p)) continue;
            (includedirTakes(e) ? included : skipped).push(p);
          }
        }
      } else if (t.fs.isFile(resolved)) included.push(resolved);
      else warn(`${inc[0].split(/\s/)[0]} ${written}: no such file in the target`);
      yield SudoersIncludeRecord.create({ directive: `${logical[0]}${inc[1]}`, include_path: written, resolved_path: resolved, included, skipped, lineno: at.lineno, filepath: file });
      for (const p of included) {
        if (stack.includes(p)) warn(`${p} includes itself (through ${stack.join(" → ")}); not read again`);
        else if (stack.length >= MAX_DEPTH) warn(`${p}: includes nested more than ${MAX_DEPTH} deep; not read`);
        else yield* readSudoers(t, ctx, p, [...stack, p]);
      }
      continue;
    }
    const text = stripComment(logical).trim();
    if (!text) continue;
    const aliases = parseAliases(text);
    if (typeof aliases === "string") warn(aliases);
    else if (aliases) {
      for (const a of aliases) yield SudoersAliasRecord.create({ alias_type: a.kind, alias_name: a.name, members: a.members, lineno: at.lineno, filepath: file });
      continue;
    }
    if (aliases !== null) continue;
    const defaults = parseDefaults(text);
    if (typeof defaults === "string") {
      warn(defaults);
      continue;
    }
    if (defaults) {
      yield SudoersDefaultsRecord.create({ binding_type: defaults.binding, binding: defaults.bound, settings: defaults.settings, lineno: at.lineno, filepath: file });
      continue;
    }
    const spec = parseUserSpec(text);
    if (typeof spec === "string") {
      warn(`${spec}; visudo refuses this file`);
      continue;
    }
    for (const g of spec.groups) {
      yield SudoersRuleRecord.create({
        users: spec.users,
        hosts: g.hosts,
        runas_users: g.runasUsers,
        runas_groups: g.runasGroups,
        rule_options: g.options,
        tags: g.tags,
        nopasswd: g.tags.includes("NOPASSWD"),
        commands: g.commands,
        rule: text,
        lineno: at.lineno,
        filepath: file,
      });
    }
  }
  if (pending) ctx.warn({ message: `the last line ends with "\\" (a continuation with nothing after it)`, file, offset: start?.offset });
}

export default definePlugin({
  name: "sudoers",
  path: "os.unix.sudoers",
  description: "sudo rules, aliases, Defaults and includes from /etc/sudoers and the files it includes",
  paths: [SUDOERS, "/etc/sudoers.d/*"],
  checkCompatible: (t) => (t.fs.lexists(SUDOERS) ? ok() : absent(`no ${SUDOERS}`)),
  functions: {
    sudoers: {
      output: "records",
      description: "One record per sudoers rule (split where run-as or tags change; NOPASSWD flagged), alias definition, Defaults line and include directive, includes followed inside the target",
      records: [SudoersRuleRecord, SudoersAliasRecord, SudoersDefaultsRecord, SudoersIncludeRecord],
      *run(t, ctx) {
        yield* readSudoers(t, ctx, SUDOERS, [SUDOERS]);
      },
    },
  },
});
