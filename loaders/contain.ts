// Host paths inside a collection, resolved without ever following a link out of it. The path the analyst gave
// (the collection itself and its ancestors) is theirs and may be a link; every step below it is evidence: each
// component is lstat'ed, a symlink is followed only while its target stays inside (a relative target whose ".."
// never climbs above the collection, or an absolute one that names a place inside it), and anything else is
// refused by name. A UAC `[root] -> /` must never mount the analysis machine.
import fs from "node:fs";
import path from "node:path";

const MAX_LINKS = 40; // Linux's MAXSYMLINKS

export type HostEntryType = "dir" | "file" | "other";

export type Contained =
  /** Found: its real host path (no link in it below the collection's own real path) and its type. */
  | { kind: "found"; path: string; type: HostEntryType }
  /** Nothing there (or a non-directory on the way); `link` when a link led to the missing place. */
  | { kind: "missing"; link?: { name: string; target: string } }
  /** A link on the way leaves the collection, loops, or the tree changed under us: the reason, by name. */
  | { kind: "refused"; reason: string };

export interface ContainOptions {
  /** How messages name the containing folder ("the collection", "the folder fleet/"). */
  scope?: string;
}

/** The error a loader throws for a refused step (the message names the link and where it points). */
export class ContainmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContainmentError";
  }
}

/** Resolve `rel` (a relative path without "..", e.g. "[root]", "fs/$rootfs$") inside the host folder `base`. */
export function resolveInside(base: string, rel: string, opts: ContainOptions = {}): Contained {
  const scope = opts.scope ?? "the collection";
  let root: string;
  try {
    root = fs.realpathSync(base);
  } catch {
    return { kind: "missing" };
  }
  const rootParts = parts(root);
  const todo = parts(rel);
  const cur: string[] = [];
  let links = 0;
  // The last link expanded and the name it was reached by: a refusal names the link that leaves.
  let via: { name: string; target: string } | null = null;
  const refuse = (why: string): Contained => ({ kind: "refused", reason: why + (via && via.name !== rel ? ` (on the way to ${rel})` : "") });
  const missing = (): Contained => (via ? { kind: "missing", link: via } : { kind: "missing" });
  let type: HostEntryType = "dir";
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === "..") {
      if (cur.length === 0) return refuse(via ? `${via.name} is a symlink to ${via.target} outside ${scope}: refused` : `${rel} leaves ${scope}: refused`);
      cur.pop();
      continue;
    }
    const name = [...cur, c].join("/");
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(path.join(root, name), { throwIfNoEntry: false });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "ENOENT") return missing();
      return refuse(`${name}: cannot read: ${code ?? (e as Error).message}`);
    }
    if (!st) return missing();
    if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = fs.readlinkSync(path.join(root, name));
      } catch (e) {
        return refuse(`${name}: cannot read the link: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      via = { name, target };
      if (target === "") return missing(); // Linux: an empty link target names nothing
      if (++links > MAX_LINKS) return refuse(`${name}: too many levels of symbolic links: refused`);
      if (target.startsWith("/")) {
        const abs = parts(target);
        // Only an absolute target that names a place inside the collection, spelt from its real path.
        if (abs.length < rootParts.length || rootParts.some((p, i) => abs[i] !== p)) {
          return refuse(`${name} is a symlink to ${target} outside ${scope}: refused`);
        }
        cur.length = 0;
        todo.unshift(...abs.slice(rootParts.length));
      } else todo.unshift(...parts(target));
      continue;
    }
    if (st.isDirectory()) {
      cur.push(c);
      type = "dir";
      continue;
    }
    if (todo.length > 0) return missing(); // a file where a directory should be
    cur.push(c);
    type = st.isFile() ? "file" : "other";
  }
  const found = cur.length ? path.join(root, ...cur) : root;
  // Every component was checked; the host's own answer must agree (a tree swapped while we looked is refused).
  try {
    if (fs.realpathSync(found) !== found) return refuse(`${cur.join("/") || "."} changed while it was resolved: refused`);
  } catch {
    return { kind: "missing" };
  }
  return { kind: "found", path: found, type };
}

/** A directory inside the collection (its real host path), null when there is none; throws on a refusal. */
export function dirInside(base: string, rel: string, opts?: ContainOptions): string | null {
  const r = resolveInside(base, rel, opts);
  if (r.kind === "refused") throw new ContainmentError(r.reason);
  return r.kind === "found" && r.type === "dir" ? r.path : null;
}

/** For detection: is `rel` a directory inside the collection, or a link that tries to leave it (the loader then refuses it)? */
export function dirOrRefused(base: string, rel: string): boolean {
  const r = resolveInside(base, rel);
  return r.kind === "refused" || (r.kind === "found" && r.type === "dir");
}

/** Does an entry exist (lstat: a dangling link counts), without following anything? */
export function hostLexists(p: string): boolean {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

function parts(p: string): string[] {
  return p.split("/").filter((x) => x !== "" && x !== ".");
}
