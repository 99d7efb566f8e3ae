// --direct (dissect's direct mode): loose files of the analysis machine, handed over as they are, placed in a
// virtual target where the selected functions look for them, so that `target-query --direct -f wtmp,atop ./wtmp
// ./atop_20240301` runs the usual plugins. A file is placed by content first (./sniff.ts: journal, atop, utmp,
// wtmpdb, lastlog2, audit and syslog text), else by name (a selected function's path glob whose last component
// the file's name matches, `/etc/passwd` for `./passwd`). Every record's filepath names the host file again
// (Target.hostPath). A file no selected function reads is a warning, never silently dropped.
import fs from "node:fs";
import path from "node:path";
import { LooseFilesBackend } from "../src/fs/loose.js";
import { componentRegex, hasMagic, matchPath } from "../src/fs/glob.js";
import { RootFilesystem } from "../src/fs/root.js";
import { readHead, sniff, type Kind } from "./sniff.js";
import type { LoadedTarget } from "./types.js";

/** Files taken from the directories named with --direct (walked without following links). */
export const MAX_DIRECT_FILES = 100_000;

/** What may follow a log's name in its rotations (`.1`, `.2.gz`, `-20240301`), as the log plugins read them. */
const ROTATION = /^(?:\.\d{1,6}|-\d{8}(?:\d{2})?)?(?:\.(?:gz|xz|bz2|zst))?$/;

export interface DirectInput {
  /** The paths the analyst named: files, or directories whose regular files are all taken. */
  paths: readonly string[];
  /** The path globs of the selected functions' plugins (PluginSpec.paths). */
  globs: readonly string[];
}

export interface Placement {
  /** Target path → host path (real path). */
  placed: Map<string, string>;
  warnings: string[];
}

/** The target paths the globs name, with `~/` read as root's home; documentation-only entries dropped. */
function usableGlobs(globs: readonly string[]): string[] {
  return [...new Set(globs.map((g) => (g.startsWith("~/") ? "/root/" + g.slice(2) : g)).filter((g) => g.startsWith("/") && !/[\s{}]/.test(g)))];
}

/** Every regular file the analyst named, as real paths, in the order given (directories walked in name order). */
function hostFiles(paths: readonly string[], warnings: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let links = 0;
  let others = 0;
  const take = (real: string): void => {
    if (seen.has(real)) return;
    seen.add(real);
    if (out.length >= MAX_DIRECT_FILES) throw new Error(`more than ${MAX_DIRECT_FILES} files named with --direct`);
    out.push(real);
  };
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) links++;
      else if (st.isDirectory()) walk(p);
      else if (st.isFile()) take(p);
      else others++;
    }
  };
  for (const given of paths) {
    let real: string;
    try {
      real = fs.realpathSync(given); // the analyst named it: a link given on the command line is followed
    } catch (e) {
      throw new Error(`${given}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    const st = fs.statSync(real);
    if (st.isDirectory()) walk(real);
    else if (st.isFile()) take(real);
    else throw new Error(`${given}: not a regular file or a directory`);
  }
  if (links) warnings.push(`--direct: ${links} symbolic link${links === 1 ? "" : "s"} inside the directories given were not followed`);
  if (others) warnings.push(`--direct: ${others} entr${others === 1 ? "y" : "ies"} that are not regular files (FIFOs, sockets, devices) were skipped`);
  return out;
}

/** A free target path for `name` under a kind's directory, matching its name pattern; or null if none is free. */
function nameFor(kind: Kind, name: string, taken: ReadonlySet<string>): string | null {
  if (kind.fixed) {
    const p = `${kind.dir}/${kind.fixed}`;
    return taken.has(p) ? null : p;
  }
  const prefix = kind.prefix ?? "";
  if (kind.rotated) {
    // the live file first, then numbered rotations; a name that already is one (auth.log.2.gz) is kept
    if (name.startsWith(prefix) && ROTATION.test(name.slice(prefix.length)) && !taken.has(`${kind.dir}/${name}`)) return `${kind.dir}/${name}`;
    for (let n = 0; n < 1000; n++) {
      const p = `${kind.dir}/${prefix}${n ? `.${n}` : ""}`;
      if (!taken.has(p)) return p;
    }
    return null;
  }
  // a name the plugin needs to end in a suffix keeps it last: `a.journal`, then `a.2.journal`
  const kept = kind.suffixes?.find((s) => name.endsWith(s));
  const suffix = kept ?? kind.suffixes?.[0] ?? "";
  const stem = kept ? name.slice(0, -kept.length) : name;
  const base = prefix && !stem.startsWith(prefix) ? `${prefix}.${stem}` : stem;
  for (let n = 1; n < 1000; n++) {
    const p = `${kind.dir}/${n === 1 ? base : `${base}.${n}`}${suffix}`;
    if (!taken.has(p)) return p;
  }
  return null;
}

/** Where a file goes by its name: the first glob whose directory is literal and whose last component it matches. */
function byName(name: string, globs: readonly string[], taken: ReadonlySet<string>): string | null {
  for (const g of globs) {
    const cut = g.lastIndexOf("/");
    const dir = g.slice(0, cut) || "/";
    const last = g.slice(cut + 1);
    // `*` alone (/var/log/atop/*) says nothing about a name: such places are filled by content only
    if (hasMagic(dir) || last.replace(/[*?]|\[[^\]]*\]/g, "") === "") continue;
    if (!componentRegex(last).test(name)) continue;
    // `auth.log*` is a log and its rotations: `auth.log-web01` would be placed where no plugin reads it
    const star = /^([^*?[]+)\*$/.exec(last);
    if (star && !ROTATION.test(name.slice(star[1]!.length))) continue;
    const p = `${dir === "/" ? "" : dir}/${name}`;
    if (!taken.has(p)) return p;
  }
  return null;
}

export function placeLooseFiles(input: DirectInput): Placement {
  const warnings: string[] = [];
  const globs = usableGlobs(input.globs);
  const placed = new Map<string, string>();
  const taken = new Set<string>();
  const readBy = (p: string): boolean => globs.some((g) => matchPath(g, p));
  for (const host of hostFiles(input.paths, warnings)) {
    const name = path.basename(host);
    let kind: Kind | null = null;
    try {
      const { head, size } = readHead(host);
      kind = sniff(head, size, name);
    } catch (e) {
      warnings.push(`${host}: cannot be read: ${(e as Error).message}`);
      continue;
    }
    let where: string | null = null;
    if (kind) {
      const p = nameFor(kind, name, taken);
      if (p && readBy(p)) where = p;
    }
    where ??= byName(name, globs, taken);
    if (!where) {
      warnings.push(`${host}: not read: ${kind ? `it looks like ${kind.what}, which no selected function reads` : "no selected function reads a file of this name or content"}`);
      continue;
    }
    placed.set(where, host);
    taken.add(where);
  }
  return { placed, warnings };
}

export function loadDirect(input: DirectInput): LoadedTarget {
  const { placed, warnings } = placeLooseFiles(input);
  const hostPaths = new Map(placed);
  return { fs: new RootFilesystem(new LooseFilesBackend(placed)), warnings, hostPaths };
}
