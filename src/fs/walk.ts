// Walks and globs over a target's tree, iterative (an explicit stack, so a 100,000-deep tree cannot exhaust
// the call stack) and linear: a directory reached by the walk is already resolved, so its children are named
// from it (parent path + "/" + name) instead of being resolved again from the root. No path longer than
// PATH_MAX is produced; what lies below is reported through onError, never dropped silently.
import type { GlobPart } from "./glob.js";
import { byteLength, PATH_MAX } from "./path.js";
import { FsError, type DirEntry, type FileStat, type FsErrorCode } from "./types.js";

/** What a walk needs of the root filesystem. `lstat` and `list` take canonical paths only (no link on the way). */
export interface ResolvedView {
  lstat(path: string): FileStat | null;
  /** A canonical directory's entries, sorted, mount points included. */
  list(path: string): DirEntry[];
  resolve(path: string, followFinal: boolean): { path: string; stat: FileStat | null };
}

/** Told about each directory that could not be listed, and each whose entries' paths would pass PATH_MAX. */
export type WalkErrorHandler = (path: string, error: FsError) => void;

const child = (dir: string, name: string): string => (dir === "/" ? "/" + name : dir + "/" + name);

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

const CODES = new Set<string>(["ENOENT", "ENOTDIR", "EISDIR", "ELOOP", "ENAMETOOLONG", "EFBIG", "EINVAL", "EIO"]);

/** Any error of a backend as an FsError on the target's path (a host error's message names the host path). */
export function asFsError(e: unknown, path: string): FsError {
  if (e instanceof FsError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && CODES.has(code)) return new FsError(code as FsErrorCode, path);
  return new FsError("EIO", path, code ?? (e as Error)?.message ?? String(e));
}

function tooLong(dir: string): FsError {
  return new FsError("ENAMETOOLONG", dir, `entries below are longer than ${PATH_MAX} bytes; not listed`);
}

interface Frame {
  /** The path as the walk names it (below the start the caller gave). */
  shown: string;
  /** Its canonical form: where the backend finds it. */
  real: string;
  bytes: number;
  entries: DirEntry[];
  next: number;
  reported: boolean;
}

/** Pre-order (an entry, then what lies below it), sorted by name; links are listed, never descended. */
export function* walkTree(view: ResolvedView, shown: string, real: string, onError: WalkErrorHandler): Generator<{ path: string; entry: DirEntry }> {
  let entries: DirEntry[];
  try {
    entries = view.list(real);
  } catch (e) {
    onError(shown, asFsError(e, shown));
    return;
  }
  const stack: Frame[] = [{ shown, real, bytes: shown === "/" ? 0 : byteLength(shown), entries, next: 0, reported: false }];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.next >= f.entries.length) {
      stack.pop();
      continue;
    }
    const entry = f.entries[f.next++]!;
    const bytes = f.bytes + 1 + byteLength(entry.name);
    if (bytes > PATH_MAX) {
      if (!f.reported) onError(f.shown, tooLong(f.shown));
      f.reported = true;
      continue;
    }
    const path = child(f.shown, entry.name);
    yield { path, entry };
    if (entry.type !== "dir") continue;
    const real = child(f.real, entry.name);
    try {
      stack.push({ shown: path, real, bytes, entries: view.list(real), next: 0, reported: false });
    } catch (e) {
      onError(path, asFsError(e, path));
    }
  }
}

interface GlobTask {
  shown: string;
  real: string;
  bytes: number;
  /** The pattern part to match next. */
  part: number;
}

/** Every path matching the parts (see RootFilesystem.glob), unsorted. */
export function globTree(view: ResolvedView, parts: readonly GlobPart[], onError?: WalkErrorHandler): Set<string> {
  const out = new Set<string>();
  const stack: GlobTask[] = [{ shown: "/", real: "/", bytes: 0, part: 0 }];
  // The listed entry `name` of a task's directory, as the next task (null past PATH_MAX).
  const below = (t: GlobTask, name: string, report: () => void): GlobTask | null => {
    const bytes = t.bytes + 1 + byteLength(name);
    if (bytes <= PATH_MAX) return { shown: child(t.shown, name), real: child(t.real, name), bytes, part: t.part + 1 };
    report();
    return null;
  };
  // One step down from a task: the entry `name`, which must exist (last part) or be a directory, links followed.
  const step = (t: GlobTask, name: string, mustBeDir: boolean, report: () => void): GlobTask | null => {
    const bytes = t.bytes + 1 + byteLength(name);
    if (bytes > PATH_MAX) {
      report();
      return null;
    }
    const shown = child(t.shown, name);
    if (name === "..") return { shown, real: parentOf(t.real), bytes, part: t.part + 1 };
    const real = child(t.real, name);
    try {
      const st = view.lstat(real);
      if (!st) return null;
      if (!mustBeDir || st.type === "dir") return { shown, real, bytes, part: t.part + 1 };
      if (st.type !== "symlink") return null;
      const r = view.resolve(real, true);
      return r.stat?.type === "dir" ? { shown, real: r.path, bytes, part: t.part + 1 } : null;
    } catch {
      return null; // a broken link, a loop: not a match, as for any lookup
    }
  };
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.part === parts.length) {
      out.add(t.shown);
      continue;
    }
    const part = parts[t.part]!;
    const last = t.part === parts.length - 1;
    let reported = false;
    const report = (): void => {
      if (!reported) onError?.(t.shown, tooLong(t.shown));
      reported = true;
    };
    if (part.kind === "literal") {
      const next = step(t, part.name, !last, report);
      if (next) stack.push(next);
      continue;
    }
    let entries: DirEntry[];
    try {
      entries = view.list(t.real);
    } catch (e) {
      // The directory a pattern part lists is gone or unreadable: nothing matches below it.
      if (!(e instanceof FsError && (e.code === "ENOENT" || e.code === "ENOTDIR"))) onError?.(t.shown, asFsError(e, t.shown));
      continue;
    }
    if (part.kind === "match") {
      for (const e of entries) {
        if (!part.re.test(e.name)) continue;
        // The last part: the entry exists (it was listed), nothing to look up.
        const next = last ? below(t, e.name, report) : step(t, e.name, true, report);
        if (next) stack.push(next);
      }
      continue;
    }
    // globstar: zero directories here, or one more real (non-link) directory level.
    stack.push({ ...t, part: t.part + 1 });
    for (const e of entries) {
      const next = e.type === "dir" ? below(t, e.name, report) : null;
      if (next) stack.push({ ...next, part: t.part });
    }
  }
  return out;
}
