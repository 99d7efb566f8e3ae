// The target list of a batch: arguments, `@file` lists, `--targets-from FILE|-`, and directories of collections
// expanded one level. Everything is kept in the order given (directory entries sorted by name), duplicates
// (same absolute location) dropped, and every entry that no loader takes is reported rather than ignored.
import fs from "node:fs";
import path from "node:path";
import { findLoader, loaderByName, type Loader } from "../../loaders/index.js";
import { UsageError } from "../plugin/args.js";
import { targetId } from "../target.js";

export interface TargetSpec {
  /** The path as it will be opened (an argument, a list line, or `<dir>/<entry>`). */
  path: string;
  /** The stable target id (`_source`, the per-host output folder). */
  id: string;
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
  const add = (p: string): void => {
    const id = targetId(p);
    const first = seen.get(id);
    if (first !== undefined) {
      skipped.push({ path: p, reason: `duplicate of ${first}` });
      return;
    }
    seen.set(id, p);
    targets.push({ path: p, id });
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
      let ok = false;
      try {
        fs.statSync(child);
        ok = takes(forced, child);
      } catch (err) {
        skipped.push({ path: child, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
        continue;
      }
      if (ok) {
        add(child);
        taken++;
      } else skipped.push({ path: child, reason: forced ? `loader ${forced.name} does not take it` : "no loader recognises it" });
    }
    // A folder with nothing a loader takes is itself reported as a target that could not be opened.
    if (taken === 0) add(p);
  }
  return { targets, skipped };
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
