// The target's root filesystem: mounts of backends, and every path resolved component by component through
// the TARGET's root. An absolute link "/etc/shadow" inside an image means the image's /etc/shadow; ".." stops
// at the root; link loops end in ELOOP. No path can leave the target, whatever the evidence contains.
import { compileGlob } from "./glob.js";
import { byteLength, components, normalize, PATH_MAX, shownPath } from "./path.js";
import { readAll, readHead, readLines, textOfHead, type FileHead, type LineOptions, type TextHead, type TextLine } from "./read.js";
import { MountTable } from "./mounts.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "./types.js";
import { asFsError, globTree, walkTree, type ResolvedView, type WalkErrorHandler } from "./walk.js";
import { decodeLenient } from "../util/text.js";

export { readAll, readFully } from "./read.js";

/** Largest file readFile and readText take whole unless told otherwise (`maxBytes`). */
export const READ_FILE_LIMIT = 64 * 1024 * 1024;

const MAX_LINKS = 40; // Linux's MAXSYMLINKS


export class RootFilesystem {
  private readonly mounts = new MountTable();

  constructor(root?: FsBackend) {
    if (root) this.mount("/", root);
  }

  /** Mount a backend at a path; the deepest mount point wins for a path below it. */
  mount(point: string, backend: FsBackend): void {
    this.mounts.set(point, backend);
  }

  get mountPoints(): { point: string; kind: string }[] {
    return this.mounts.list().map((m) => ({ point: m.point, kind: m.backend.kind }));
  }

  close(): void {
    for (const b of this.mounts.backends()) b.close?.();
  }

  private locate(path: string): [FsBackend, string] | null {
    return this.mounts.locate(path);
  }

  /** lstat of an already-resolved path (no link in its directories). Mount points and their parents are dirs. */
  private rawLstat(path: string): FileStat | null {
    const loc = this.locate(path);
    const st = loc ? loc[0].lstat(loc[1]) : null;
    if (st) return st;
    return path === "/" || this.mounts.holdsMount(path) ? DIR_STAT : null;
  }

  /**
   * Resolve a path to its canonical form inside the target. Intermediate links are always followed;
   * the final component only when `followFinal`. A missing final component resolves (exists: false);
   * a missing directory on the way is ENOENT. Linear in the bytes looked at: the components still to take
   * are a stack consumed from its end (a link's target pushed onto it), the resolved path grows by one
   * component at a time. Bounded: a path, given or reached through a link, longer than PATH_MAX is
   * ENAMETOOLONG; more than 40 links is ELOOP.
   */
  resolve(path: string, followFinal = true): { path: string; stat: FileStat | null } {
    if (path.length > PATH_MAX || byteLength(path) > PATH_MAX) throw new FsError("ENAMETOOLONG", path, `path longer than ${PATH_MAX} bytes`);
    const todo = components(path).reverse();
    let todoBytes = pathBytes(todo);
    let cur = ""; // the resolved part: "" (the root) or "/a/b"
    let curBytes = 0;
    const ends: number[] = []; // cur.length before each of its components, for ".."
    const endBytes: number[] = [];
    let links = 0;
    let stat: FileStat | null = DIR_STAT;
    while (todo.length > 0) {
      const c = todo.pop()!;
      const cBytes = 1 + byteLength(c);
      todoBytes -= cBytes;
      if (c === "..") {
        if (ends.length > 0) {
          cur = cur.slice(0, ends.pop());
          curBytes = endBytes.pop()!;
        }
        stat = DIR_STAT;
        continue;
      }
      const candidate = cur + "/" + c;
      const st = this.rawLstat(candidate);
      if (!st) {
        if (todo.length === 0) return { path: candidate, stat: null };
        throw new FsError("ENOENT", normalize(path));
      }
      if (st.type === "symlink" && (todo.length > 0 || followFinal)) {
        if (++links > MAX_LINKS) throw new FsError("ELOOP", normalize(path));
        const target = this.rawReadlink(candidate);
        const absolute = target.startsWith("/");
        // The path reached through the link: what is resolved (unless the link restarts at the root), its
        // target, and what is left. Measured before the target is split, however long it is.
        const reached = (absolute ? 0 : curBytes) + 1 + (target.length > PATH_MAX ? target.length : byteLength(target)) + todoBytes;
        if (reached > PATH_MAX) throw new FsError("ENAMETOOLONG", normalize(path), `path longer than ${PATH_MAX} bytes through the link ${shownPath(candidate)}`);
        if (absolute) {
          cur = "";
          curBytes = 0;
          ends.length = 0;
          endBytes.length = 0;
        }
        const more = components(target);
        todoBytes += pathBytes(more);
        for (let i = more.length - 1; i >= 0; i--) todo.push(more[i]!);
        stat = DIR_STAT;
        continue;
      }
      if (todo.length > 0 && st.type !== "dir") throw new FsError("ENOTDIR", normalize(path));
      ends.push(cur.length);
      endBytes.push(curBytes);
      cur = candidate;
      curBytes += cBytes;
      stat = st;
    }
    return { path: cur || "/", stat };
  }

  private rawReadlink(path: string): string {
    const loc = this.locate(path);
    if (!loc) throw new FsError("EINVAL", path);
    return loc[0].readlink(loc[1]);
  }

  private statOrThrow(path: string, follow: boolean): { path: string; stat: FileStat } {
    const r = this.resolve(path, follow);
    if (!r.stat) throw new FsError("ENOENT", normalize(path));
    return { path: r.path, stat: r.stat };
  }

  stat(path: string): FileStat {
    return this.statOrThrow(path, true).stat;
  }

  lstat(path: string): FileStat {
    return this.statOrThrow(path, false).stat;
  }

  exists(path: string): boolean {
    try {
      return this.resolve(path, true).stat !== null;
    } catch {
      return false;
    }
  }

  /** Exists without following a final link (a dangling link still "lexists"). */
  lexists(path: string): boolean {
    try {
      return this.resolve(path, false).stat !== null;
    } catch {
      return false;
    }
  }

  isFile(path: string): boolean {
    try {
      return this.resolve(path, true).stat?.type === "file";
    } catch {
      return false;
    }
  }

  isDir(path: string): boolean {
    try {
      return this.resolve(path, true).stat?.type === "dir";
    } catch {
      return false;
    }
  }

  realpath(path: string): string {
    return this.statOrThrow(path, true).path;
  }

  readlink(path: string): string {
    const { path: p, stat } = this.statOrThrow(path, false);
    if (stat.type !== "symlink") throw new FsError("EINVAL", normalize(path), "not a symbolic link");
    return this.rawReadlink(p);
  }

  /** Directory entries (sorted by name), mount points included. */
  scandir(path: string): DirEntry[] {
    const { path: p, stat } = this.statOrThrow(path, true);
    if (stat.type !== "dir") throw new FsError("ENOTDIR", normalize(path));
    return this.listResolved(p);
  }

  /** The entries of a canonical directory path (resolved, no link on the way). */
  private listResolved(p: string): DirEntry[] {
    const byName = new Map<string, DirEntry>();
    const loc = this.locate(p);
    if (loc) {
      const st = loc[0].lstat(loc[1]);
      if (st?.type === "dir") for (const e of loc[0].readdir(loc[1])) byName.set(e.name, e);
    }
    for (const name of this.mounts.namesBelow(p)) if (!byName.has(name)) byName.set(name, { name, type: "dir" });
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  readdir(path: string): string[] {
    return this.scandir(path).map((e) => e.name);
  }

  open(path: string): FileHandle {
    const { path: p, stat } = this.statOrThrow(path, true);
    if (stat.type === "dir") throw new FsError("EISDIR", normalize(path));
    const loc = this.locate(p);
    if (!loc) throw new FsError("ENOENT", normalize(path));
    const h = loc[0].open(loc[1]);
    this.onOpen?.(p);
    return h;
  }

  /** Told the resolved path of every file opened (target-query -v lists the files each function read). */
  onOpen: ((path: string) => void) | null = null;

  /**
   * The whole file. A file larger than `maxBytes` (default READ_FILE_LIMIT, 64 MiB) is refused with EFBIG
   * rather than allocated: evidence sizes are claims (a sparse file costs no disk). Pass a larger maxBytes
   * (Infinity for no limit) only where a real artefact needs it; read large files through open() or readLines.
   */
  readFile(path: string, opts: ReadOptions = {}): Buffer {
    const limit = opts.maxBytes ?? READ_FILE_LIMIT;
    const h = this.open(path);
    try {
      if (h.size > limit) throw new FsError("EFBIG", normalize(path), `${h.size} bytes, more than the ${limit} a whole-file read takes`);
      return readAll(h);
    } finally {
      h.close();
    }
  }

  /** File contents as text, decoded leniently (invalid UTF-8 kept as escaped raw bytes); bounded as readFile. */
  readText(path: string, opts: ReadOptions = {}): string {
    return decodeLenient(this.readFile(path, opts));
  }

  /** At most the first `maxBytes` bytes of a file, with its size: for config files, whatever size they claim. */
  readHead(path: string, maxBytes: number): FileHead {
    const h = this.open(path);
    try {
      return readHead(h, maxBytes);
    } finally {
      h.close();
    }
  }

  /**
   * At most the first `maxBytes` bytes of a text file, in whole lines: what a config file reader wants.
   * `truncated` says the file goes on (the caller warns, naming the file and `end`).
   */
  readTextHead(path: string, maxBytes: number): TextHead {
    return textOfHead(this.readHead(path, maxBytes));
  }

  /** The lines of a file through a fixed window (see readLines in src/fs/read.ts); the file is closed at the end. */
  *readLines(path: string, opts: LineOptions = {}): Generator<TextLine> {
    const h = this.open(path);
    try {
      yield* readLines(h, opts);
    } finally {
      h.close();
    }
  }

  /**
   * Paths matching a shell pattern (`/var/log/wtmp*`, `/var/log/**\/*.gz`), sorted. `**` does not descend
   * into symlinked directories (no loops); explicit components follow links as any path lookup does.
   * Directories that cannot be listed, and entries whose path would pass PATH_MAX, are left out (told to
   * `onError` when given).
   */
  glob(pattern: string, opts: WalkOptions = {}): string[] {
    return [...globTree(this.view, compileGlob(pattern), opts.onError)].sort();
  }

  /**
   * Depth-first walk below a directory, pre-order (an entry, then what lies below it), sorted by name like
   * `find`; links are listed, never descended. Directories that cannot be listed, and entries whose path would
   * pass PATH_MAX, are told to `onError` (else skipped).
   */
  *walk(path: string, opts: WalkOptions = {}): Generator<{ path: string; entry: DirEntry }> {
    const onError = opts.onError ?? (() => {});
    const shown = normalize(path);
    let real: string;
    try {
      const r = this.resolve(shown, true);
      if (!r.stat) throw new FsError("ENOENT", shown);
      if (r.stat.type !== "dir") throw new FsError("ENOTDIR", shown);
      real = r.path;
    } catch (e) {
      onError(shown, asFsError(e, shown));
      return;
    }
    yield* walkTree(this.view, shown, real, onError);
  }

  /** The walks' access to resolved paths (kept private: a backend must only ever see resolved paths). */
  private readonly view: ResolvedView = {
    lstat: (p) => this.rawLstat(p),
    list: (p) => this.listResolved(p),
    resolve: (p, follow) => this.resolve(p, follow),
  };
}

export const DIR_STAT: FileStat = { type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, mtime: null, atime: null, ctime: null };

/** Read through a RootFilesystem: `maxBytes` bounds a whole-file read. */
export interface ReadOptions {
  maxBytes?: number;
}

export interface WalkOptions {
  onError?: WalkErrorHandler;
}

/** The bytes of "/a/b/c" for the components a, b, c. */
function pathBytes(parts: readonly string[]): number {
  let n = 0;
  for (const p of parts) n += 1 + byteLength(p);
  return n;
}
