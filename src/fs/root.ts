// The target's root filesystem: mounts of backends, and every path resolved component by component through
// the TARGET's root. An absolute link "/etc/shadow" inside an image means the image's /etc/shadow; ".." stops
// at the root; link loops end in ELOOP. No path can leave the target, whatever the evidence contains.
import { compileGlob, type GlobPart } from "./glob.js";
import { components, isWithin, normalize } from "./path.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "./types.js";
import { decodeLenient } from "../util/text.js";

const MAX_LINKS = 40; // Linux's MAXSYMLINKS

interface Mount {
  point: string;
  backend: FsBackend;
}

export class RootFilesystem {
  private mounts: Mount[] = [];

  constructor(root?: FsBackend) {
    if (root) this.mount("/", root);
  }

  /** Mount a backend at a path; the deepest mount point wins for a path below it. */
  mount(point: string, backend: FsBackend): void {
    const p = normalize(point);
    this.mounts = this.mounts.filter((m) => m.point !== p);
    this.mounts.push({ point: p, backend });
    this.mounts.sort((a, b) => b.point.length - a.point.length);
  }

  get mountPoints(): { point: string; kind: string }[] {
    return this.mounts.map((m) => ({ point: m.point, kind: m.backend.kind })).reverse();
  }

  close(): void {
    for (const m of this.mounts) m.backend.close?.();
  }

  private locate(path: string): [FsBackend, string] | null {
    for (const m of this.mounts) {
      if (isWithin(path, m.point)) {
        const inner = m.point === "/" ? path : path.slice(m.point.length) || "/";
        return [m.backend, inner];
      }
    }
    return null;
  }

  /** lstat of an already-resolved path (no link in its directories). Mount points and their parents are dirs. */
  private rawLstat(path: string): FileStat | null {
    const loc = this.locate(path);
    const st = loc ? loc[0].lstat(loc[1]) : null;
    if (st) return st;
    return path === "/" || this.mounts.some((m) => isWithin(m.point, path)) ? DIR_STAT : null;
  }

  /**
   * Resolve a path to its canonical form inside the target. Intermediate links are always followed;
   * the final component only when `followFinal`. A missing final component resolves (exists: false);
   * a missing directory on the way is ENOENT.
   */
  resolve(path: string, followFinal = true): { path: string; stat: FileStat | null } {
    const todo = components(path);
    let cur: string[] = [];
    let links = 0;
    let stat: FileStat | null = DIR_STAT;
    while (todo.length > 0) {
      const c = todo.shift()!;
      if (c === "..") {
        cur.pop();
        stat = DIR_STAT;
        continue;
      }
      const candidate = "/" + [...cur, c].join("/");
      const st = this.rawLstat(candidate);
      if (!st) {
        if (todo.length === 0) return { path: candidate, stat: null };
        throw new FsError("ENOENT", normalize(path));
      }
      if (st.type === "symlink" && (todo.length > 0 || followFinal)) {
        if (++links > MAX_LINKS) throw new FsError("ELOOP", normalize(path));
        const target = this.rawReadlink(candidate);
        if (target.startsWith("/")) cur = [];
        todo.unshift(...components(target));
        stat = DIR_STAT;
        continue;
      }
      if (todo.length > 0 && st.type !== "dir") throw new FsError("ENOTDIR", normalize(path));
      cur.push(c);
      stat = st;
    }
    return { path: "/" + cur.join("/"), stat };
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
    const byName = new Map<string, DirEntry>();
    const loc = this.locate(p);
    if (loc) {
      const st = loc[0].lstat(loc[1]);
      if (st?.type === "dir") for (const e of loc[0].readdir(loc[1])) byName.set(e.name, e);
    }
    for (const m of this.mounts) {
      if (m.point === p || !isWithin(m.point, p)) continue;
      const rest = components(m.point.slice(p === "/" ? 0 : p.length));
      if (rest.length > 0 && !byName.has(rest[0]!)) byName.set(rest[0]!, { name: rest[0]!, type: "dir" });
    }
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
    return loc[0].open(loc[1]);
  }

  readFile(path: string): Buffer {
    const h = this.open(path);
    try {
      return readAll(h);
    } finally {
      h.close();
    }
  }

  /** File contents as text, decoded leniently (invalid UTF-8 kept as escaped raw bytes). */
  readText(path: string): string {
    return decodeLenient(this.readFile(path));
  }

  /**
   * Paths matching a shell pattern (`/var/log/wtmp*`, `/var/log/**\/*.gz`), sorted. `**` does not descend
   * into symlinked directories (no loops); explicit components follow links as any path lookup does.
   */
  glob(pattern: string): string[] {
    const parts = compileGlob(pattern);
    const out = new Set<string>();
    this.globWalk("/", parts, 0, out);
    return [...out].sort();
  }

  private globWalk(dir: string, parts: GlobPart[], i: number, out: Set<string>): void {
    if (i === parts.length) {
      out.add(dir);
      return;
    }
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const child = (name: string): string => (dir === "/" ? "/" + name : dir + "/" + name);
    if (part.kind === "literal") {
      const p = child(part.name);
      if (last ? this.lexists(p) : this.isDir(p)) this.globWalk(p, parts, i + 1, out);
      return;
    }
    let entries: DirEntry[];
    try {
      entries = this.scandir(dir);
    } catch {
      return;
    }
    if (part.kind === "match") {
      for (const e of entries) {
        if (!part.re.test(e.name)) continue;
        const p = child(e.name);
        if (last || this.isDir(p)) this.globWalk(p, parts, i + 1, out);
      }
      return;
    }
    // globstar: zero directories here, or one more real (non-link) directory level.
    this.globWalk(dir, parts, i + 1, out);
    for (const e of entries) if (e.type === "dir") this.globWalk(child(e.name), parts, i, out);
  }

  /** Depth-first walk below a directory (links are listed, never descended). */
  *walk(path: string): Generator<{ path: string; entry: DirEntry }> {
    const start = normalize(path);
    const stack = [start];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: DirEntry[];
      try {
        entries = this.scandir(dir);
      } catch {
        continue;
      }
      const subdirs: string[] = [];
      for (const entry of entries) {
        const p = dir === "/" ? "/" + entry.name : dir + "/" + entry.name;
        yield { path: p, entry };
        if (entry.type === "dir") subdirs.push(p);
      }
      stack.push(...subdirs.reverse());
    }
  }
}

const DIR_STAT: FileStat = { type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, mtime: null, atime: null, ctime: null };

/**
 * Read `length` bytes at `position` into buf[0, length), looping over short reads; returns the bytes read
 * (fewer only where the data ends).
 */
export function readFully(src: Pick<FileHandle, "read">, buf: Uint8Array, position: number, length = buf.length): number {
  let got = 0;
  while (got < length) {
    const n = src.read(buf, got, length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

export function readAll(h: FileHandle): Buffer {
  const buf = Buffer.allocUnsafe(h.size);
  const got = readFully(h, buf, 0);
  return got === h.size ? buf : buf.subarray(0, got);
}
