// Reading the small text files of a system's configuration (shadow, group, sudoers, sshd_config, authorized_keys):
// line by line within a budget, every failure told once with the file, and the accounts' home directories.
import { FsError, parsePasswd, type FunctionContext, type Target, type TextLine } from "quarry";

/**
 * A configuration or account file is read this far: far past any real one (an authorized_keys of 100,000 keys
 * is 40 MB), so a larger file is a hole or padding; the rest is told, not read.
 */
export const CONFIG_FILE_LIMIT = 64 * 1024 * 1024;
/** A line longer than this is no setting (the longest real ones are RSA-16384 keys and certificates: ~10 KB). */
export const CONFIG_LINE_LIMIT = 256 * 1024;

/**
 * The lines of `file`, or none when it cannot be read (told as an error, naming the file): a line cut at
 * CONFIG_LINE_LIMIT and a file past CONFIG_FILE_LIMIT are told as warnings.
 */
export function* configLines(t: Target, file: string, ctx: FunctionContext): Generator<TextLine> {
  let size: number;
  try {
    size = t.fs.stat(file).size;
  } catch (e) {
    // A link to nothing inside the target is not read (the link may name the acquiring host's file).
    if (e instanceof FsError && e.code === "ENOENT") ctx.warn({ message: "a symbolic link to a path that is not in the target; not read", file });
    else ctx.error({ message: `unreadable: ${(e as Error).message}`, file });
    return;
  }
  try {
    for (const line of t.fs.readLines(file, { maxLineBytes: CONFIG_LINE_LIMIT, limit: CONFIG_FILE_LIMIT })) {
      if (line.cut && line.offset + line.bytes <= CONFIG_FILE_LIMIT) {
        ctx.warn({ message: `line ${line.lineno}: ${line.bytes} bytes, longer than any setting; skipped`, file, offset: line.offset });
        continue;
      }
      yield line;
    }
  } catch (e) {
    ctx.error({ message: `unreadable: ${(e as Error).message}`, file });
    return;
  }
  if (size > CONFIG_FILE_LIMIT) ctx.warn({ message: `${size} bytes: only the first ${CONFIG_FILE_LIMIT} were read`, file, offset: CONFIG_FILE_LIMIT });
}

/** The line without a trailing "\r" (a file edited on Windows). */
export function chompCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

export interface AccountHome {
  user: string;
  uid: number | null;
  home: string;
}

/**
 * Every account's home directory from /etc/passwd, and /root (root's, even where passwd is missing): one entry
 * per directory, named after the first account that has it (the file order getpwent(3) gives).
 */
export function accountHomes(t: Target): AccountHome[] {
  const out: AccountHome[] = [];
  const seen = new Set<string>();
  const add = (user: string, uid: number | null, home: string): void => {
    const h = home.length > 1 ? home.replace(/\/+$/, "") : home;
    if (!h.startsWith("/") || seen.has(h)) return;
    seen.add(h);
    out.push({ user, uid, home: h });
  };
  if (t.fs.isFile("/etc/passwd")) {
    try {
      // malformed lines are the users function's to report
      for (const e of parsePasswd(t.fs.readTextHead("/etc/passwd", CONFIG_FILE_LIMIT).text)) if (e.home) add(e.name, e.uid, e.home);
    } catch {
      // unreadable passwd: the users function reports it; /root is still looked at
    }
  }
  add("root", 0, "/root");
  return out;
}

/** An absolute path with "." and ".." resolved lexically, ".." at the root staying there (as the target's root does). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const c of p.split("/")) {
    if (!c || c === ".") continue;
    if (c === "..") out.pop();
    else out.push(c);
  }
  return "/" + out.join("/");
}
