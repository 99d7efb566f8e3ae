// Reading the small text files of triage (crontabs, unit files, profile scripts, rules) the same careful way:
// line by line through a fixed window, a budget no real one reaches, every oddity a warning naming the file,
// line and byte offset, and an unreadable file an error after which the run goes on with the next.
import type { FileStat, FunctionContext, Target, TextLine } from "quarry";

/** Longest line kept whole: a crontab or unit line is a few hundred bytes; a pasted payload may be more. */
export const MAX_CONFIG_LINE = 64 * 1024;
/** Most of one config file read: 16 MiB of crontab or unit text is no real one (the rest is padding or a hole). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** Bad lines told one by one per file; the rest are counted in one closing warning (a binary blob is no crontab). */
export const MAX_LINE_WARNINGS = 20;

// Bad lines per file of each running function, counted across lineWarning and closed by configLines.
const badLines = new WeakMap<FunctionContext, Map<string, number>>();

/**
 * The lines of one config file, with the cut and the budget reported; nothing when it cannot be read (an
 * error naming the file). The caller parses `text` and warns with `lineWarning` for a line it cannot take.
 */
export function* configLines(t: Target, ctx: FunctionContext, path: string, limit = MAX_CONFIG_BYTES): Generator<TextLine> {
  let size = 0;
  try {
    size = t.fs.stat(path).size;
    for (const line of t.fs.readLines(path, { maxLineBytes: MAX_CONFIG_LINE, limit })) {
      if (line.cut && line.bytes > MAX_CONFIG_LINE) ctx.warn({ message: `line ${line.lineno} is ${line.bytes} bytes; only its first ${MAX_CONFIG_LINE} are read`, file: path, offset: line.offset });
      yield line;
    }
  } catch (e) {
    ctx.error({ message: `unreadable: ${(e as Error).message}`, file: path });
    return;
  } finally {
    const bad = badLines.get(ctx)?.get(path) ?? 0;
    badLines.get(ctx)?.delete(path);
    if (bad > MAX_LINE_WARNINGS) ctx.warn({ message: `${bad - MAX_LINE_WARNINGS} more bad lines not told one by one`, file: path });
  }
  if (size > limit) ctx.warn({ message: `${size}-byte file: only the first ${limit} bytes were read`, file: path, offset: limit });
}

/** A warning about one line, in the one shape every triage plugin uses. */
export function lineWarning(ctx: FunctionContext, path: string, line: Pick<TextLine, "lineno" | "offset">, what: string): void {
  let files = badLines.get(ctx);
  if (!files) badLines.set(ctx, (files = new Map()));
  const n = (files.get(path) ?? 0) + 1;
  files.set(path, n);
  if (n <= MAX_LINE_WARNINGS) ctx.warn({ message: `line ${line.lineno}: ${what}`, file: path, offset: line.offset });
}

/** stat of a path inside the target, or null (missing, a dangling link, a loop): the caller treats it as absent. */
export function statOrNull(t: Target, path: string): FileStat | null {
  try {
    return t.fs.stat(path);
  } catch {
    return null;
  }
}

/** The regular files directly in a directory of the target (links followed inside it), sorted by name. */
export function filesIn(t: Target, dir: string): string[] {
  if (!t.fs.isDir(dir)) return [];
  let names: string[];
  try {
    names = t.fs.readdir(dir);
  } catch {
    return [];
  }
  const base = dir === "/" ? "" : dir.replace(/\/+$/, "");
  return names.map((n) => `${base}/${n}`).filter((p) => t.fs.isFile(p));
}

/** A shown form of a line for a warning: its first 80 characters, control characters escaped. */
export function shown(text: string): string {
  const s = text.length > 80 ? text.slice(0, 80) + "…" : text;
  return JSON.stringify(s);
}

/**
 * The path is a link to /dev/null (systemd's and udev's mask). An image rarely holds /dev, so the link's own
 * text says it where the target has no /dev/null to resolve to.
 */
export function isDevNullLink(t: Target, path: string): boolean {
  try {
    if (t.fs.lstat(path).type !== "symlink") return false;
    if (t.fs.readlink(path) === "/dev/null") return true;
    return t.fs.resolve(path, true).path === "/dev/null";
  } catch {
    return false;
  }
}
