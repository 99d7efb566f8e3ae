// The target list of a batch: arguments, `@file` lists, `--targets-from FILE|-`, and directories of collections
// expanded one level. Everything is kept in the order given (directory entries sorted by name), duplicates
// (same absolute location) dropped, and every entry that no loader takes is reported rather than ignored.
// The paths the analyst gives are theirs (their links are followed); the entries of a folder are evidence: a
// link among them is followed only inside that folder, and one that leaves it is a failed target, never opened.
import fs from "node:fs";
import path from "node:path";
import { resolveInside } from "../../loaders/contain.js";
import { findLoader, loaderByName, type Loader } from "../../loaders/index.js";
import { UsageError } from "../plugin/args.js";
import { targetId } from "../target.js";

export interface TargetSpec {
  /** The path as it will be opened (an argument, a list line, or `<dir>/<entry>`). */
  path: string;
  /** The stable target id (`_source`, the per-host output folder). */
  id: string;
  /**
   * Set for a folder entry that must not be opened: a link out of the folder (`fleet/zz -> /`), or an entry
   * that cannot be read. The target is reported as failed with this reason, and nothing opens its path.
   */
  refused?: string;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface TargetList {
  targets: TargetSpec[];
  /** Directory entries no loader takes, unreadable entries, duplicates. */
  skipped: SkippedEntry[];
}

export interface ExpandOptions {
  /** `--targets-from FILE|-`: one target per line, `#` comments and blank lines skipped. */
  targetsFrom?: string;
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
  /** A loader forced with -L: directory expansion asks it instead of the detection order. */
  loader?: string;
}

/** Parse a target list text: one per line, blank lines and `#` comments skipped, surrounding blanks trimmed. */
export function parseTargetLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t && !t.startsWith("#")) out.push(t);
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** The raw list: arguments (with `@file` expanded) followed by the `--targets-from` lines. */
export async function gatherTargetArgs(args: readonly string[], opts: ExpandOptions = {}): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    if (a.startsWith("@") && a.length > 1) out.push(...parseTargetLines(readListFile(a.slice(1))));
    else out.push(a);
  }
  if (opts.targetsFrom !== undefined) {
    if (opts.targetsFrom === "-") {
      if (!opts.stdin) throw new UsageError("--targets-from -: no standard input");
      out.push(...parseTargetLines(await readAll(opts.stdin)));
    } else out.push(...parseTargetLines(readListFile(opts.targetsFrom)));
  }
  return out;
}

function readListFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read target list ${file}: ${(e as Error).message}`);
  }
}

function takes(loader: Loader | undefined, p: string): boolean {
  if (loader) {
    try {
      return loader.detect(p);
    } catch {
      return false;
    }
  }
  return findLoader(p) !== undefined;
}

/**
 * Expand the raw list into targets. A directory that no loader takes as a whole is a folder of collections:
 * each entry (sorted by name, dot-files left out) that a loader takes becomes a target, the others are
 * reported as skipped. A path that does not exist stays in the list: opening it fails, and that failure is
 * reported for its target like any other.
 */
export function expandTargets(raw: readonly string[], opts: ExpandOptions = {}): TargetList {
  const forced = opts.loader ? loaderByName(opts.loader) : undefined;
  if (opts.loader && !forced) throw new UsageError(`unknown loader "${opts.loader}" (see -l)`);
  const targets: TargetSpec[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Map<string, string>();
  /** `entry`: the folder entry that led to `p` (a link inside the folder), named when it is skipped. */
  const add = (p: string, refused?: string, entry = p): void => {
    const id = targetId(p);
    const first = seen.get(id);
    if (first !== undefined) {
      skipped.push({ path: entry, reason: `duplicate of ${first}` });
      return;
    }
    seen.set(id, p);
    targets.push(refused === undefined ? { path: p, id } : { path: p, id, refused });
  };
  for (const p of raw) {
    const st = statOrNull(p);
    if (!st?.isDirectory() || isUri(p) || takes(forced, p)) {
      add(p);
      continue;
    }
    let entries: string[];
    try {
      entries = fs.readdirSync(p).filter((e) => !e.startsWith(".")).sort(byBytes);
    } catch (e) {
      // An unreadable folder stays a target: opening it fails and is reported with its reason.
      add(p);
      continue;
    }
    let taken = 0;
    for (const e of entries) {
      const child = path.join(p, e);
      const entry = folderEntry(p, e);
      if (entry.kind === "skip") {
        skipped.push({ path: child, reason: entry.reason });
        continue;
      }
      if (entry.kind === "failed") {
        add(child, entry.reason);
        taken++;
      } else if (takes(forced, entry.path)) {
        add(entry.path, undefined, child);
        taken++;
      } else skipped.push({ path: child, reason: forced ? `loader ${forced.name} does not take it` : "no loader recognises it" });
    }
    // A folder with nothing a loader takes is itself reported as a target that could not be opened.
    if (taken === 0) add(p);
  }
  return { targets, skipped };
}

type FolderEntry = { kind: "candidate"; path: string } | { kind: "failed"; reason: string } | { kind: "skip"; reason: string };

/**
 * One entry of a folder of collections, as evidence: a link is followed only while it stays inside the folder
 * (the candidate is then its real place, spelt below the folder as the analyst gave it); a link out of it, and
 * an entry that cannot be read, are failures (it may be a collection); FIFOs, sockets and devices are skipped.
 */
function folderEntry(folder: string, name: string): FolderEntry {
  const r = resolveInside(folder, name, { scope: `the folder ${folder}` });
  if (r.kind === "refused") return { kind: "failed", reason: r.reason };
  if (r.kind === "missing") {
    return { kind: "failed", reason: r.link ? `${r.link.name} is a symlink to ${r.link.target}, which does not exist` : "cannot read: ENOENT" };
  }
  if (r.type === "other") return { kind: "skip", reason: `not a regular file or directory (${hostType(r.path)})` };
  const rel = path.relative(fs.realpathSync(folder), r.path);
  const candidate = rel === "" ? folder : path.join(folder, rel);
  try {
    if (r.type === "dir") fs.opendirSync(r.path).closeSync();
    else fs.closeSync(fs.openSync(r.path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0)));
  } catch (err) {
    return { kind: "failed", reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  return { kind: "candidate", path: candidate };
}

function hostType(p: string): string {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return "gone";
  return st.isFIFO() ? "fifo" : st.isSocket() ? "socket" : st.isCharacterDevice() ? "character device" : st.isBlockDevice() ? "block device" : "other";
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function isUri(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
