// A tar archive (or the part of it below a layout prefix) as a filesystem backend: a tree built once from the
// header index, file reads are positioned reads into the archive (sparse files expanded on the fly).
import { WarningLog } from "../../util/warnings.js";
import { components } from "../path.js";
import { FsError, type DirEntry, type EntryMeta, type FileHandle, type FileStat, type FileType, type FsBackend } from "../types.js";
import type { RawMember, SparseSegment } from "./header.js";
import { sanitizeMemberName } from "./names.js";
import type { ByteSource } from "./source.js";

interface Node extends EntryMeta {
  type: FileType;
  size: number;
  ino: number;
  /** Offset of the member that defined it (for messages); -1 for an implied directory. */
  headerOffset: number;
  dataOffset: number;
  sparse?: SparseSegment[];
  link?: string;
  children?: Map<string, Node>;
}

export interface TarTreeOptions {
  /** Only members at or below this prefix, with the prefix removed ("[root]", "fs/$rootfs$"). */
  prefix?: string;
  /** Leave out members whose cleaned path (relative to the archive root) this returns true for. */
  exclude?: (path: string) => boolean;
  /** Name used in warnings (the archive's file name). */
  label?: string;
}

export class TarBackend implements FsBackend {
  readonly kind = "tar";
  private readonly root: Node;
  private nextIno = 1;
  /** Regular files, links and directories taken from the archive (implied directories not counted). */
  memberCount = 0;

  constructor(
    private readonly src: ByteSource,
    members: readonly RawMember[],
    opts: TarTreeOptions = {},
    /** Where the member warnings go (capped per kind; each member warned once per kind across views). */
    readonly warnings: WarningLog = new WarningLog(),
  ) {
    this.root = this.implied();
    for (const m of members) this.add(m, opts);
  }

  private implied(): Node {
    return makeNode("dir", IMPLIED_META, 0, this.nextIno++, -1, 0, undefined, undefined, new Map());
  }

  private warn(m: RawMember, kind: string, what: string): void {
    this.warnings.add(kind, `member ${JSON.stringify(m.name)} at offset ${m.headerOffset}: ${what}`, m.headerOffset);
  }

  private add(m: RawMember, opts: TarTreeOptions): void {
    this.lastDir = null; // the tree changes
    const r = sanitizeMemberName(m.name, opts.prefix);
    if (!r.ok) {
      if (r.reason !== "outside prefix") this.warn(m, "unsafe member names", `${r.reason}; skipped`);
      return;
    }
    if (opts.exclude) {
      const full = sanitizeMemberName(m.name);
      if (full.ok && opts.exclude(full.path)) return;
    }
    if (m.type === "other") {
      if (!m.broken && m.flag !== "V") this.warn(m, "unsupported member types", `unsupported member type '${m.flag}'; skipped`);
      return;
    }
    const parts = r.path === "" ? [] : r.path.split("/");
    if (parts.length === 0) {
      if (m.type === "dir") setMeta(this.root, m);
      return;
    }
    // Parent directories: implied when the archive has no entry for them.
    let dir = this.root;
    for (const p of parts.slice(0, -1)) {
      let child = dir.children!.get(p);
      if (!child || child.type !== "dir") {
        if (child) this.warn(m, "members replacing a non-directory on their path", `replaces the non-directory ${JSON.stringify(p)} on its path with a directory`);
        child = this.implied();
        dir.children!.set(p, child);
      }
      dir = child;
    }
    const name = parts[parts.length - 1]!;
    let node: Node;
    if (m.type === "hardlink") {
      const t = sanitizeMemberName(m.linkname, opts.prefix);
      const target = t.ok ? this.lookup(t.path) : null;
      if (!target || target.type === "dir") {
        this.warn(m, "hard links to missing members", `hard link to ${JSON.stringify(m.linkname)}, which is not an earlier member${t.ok ? "" : ` (${t.reason})`}; skipped`);
        return;
      }
      node = makeNode(target.type, target, target.size, target.ino, m.headerOffset, target.dataOffset, target.sparse, target.link, undefined);
    } else {
      // One object shape for every node (no spreads, no properties added later): V8 keeps it fast.
      node = makeNode(m.type, m, m.size, this.nextIno++, m.headerOffset, m.dataOffset, m.sparse, m.type === "symlink" ? m.linkname : undefined, m.type === "dir" ? new Map() : undefined);
    }
    const old = dir.children!.get(name);
    if (old) {
      if (old.type === "dir" && node.type === "dir") {
        // A directory listed twice (appended or incremental archives): keep its children, take the newer metadata.
        setMeta(old, m);
        old.headerOffset = m.headerOffset;
        return;
      }
      this.warn(m, "duplicate member names", old.headerOffset >= 0 ? `duplicate of the member at offset ${old.headerOffset}; the last one wins` : "replaces a directory implied by earlier members; the last one wins");
    }
    dir.children!.set(name, node);
    this.memberCount++;
  }

  /**
   * The directory found last, by path ("" for the root). Resolving /a/b/c looks up /a, /a/b, /a/b/c in turn and
   * a walk lists each directory just below the last: one map lookup each instead of a walk from the root, so a
   * deep path costs time linear in its length, not quadratic.
   */
  private lastDir: { path: string; node: Node } | null = null;

  private lookup(rel: string): Node | null {
    const last = this.lastDir;
    if (last && rel.startsWith(last.path)) {
      if (rel.length === last.path.length) return last.node;
      const name = rel.slice(last.path.length + 1);
      if (rel.charCodeAt(last.path.length) === 0x2f && name !== "" && name !== "." && !name.includes("/")) return this.found(rel, last.node.children!.get(name));
    }
    let n: Node | undefined = this.root;
    for (const c of components(rel)) {
      n = n?.children?.get(c);
      if (!n) return null;
    }
    return this.found(rel, n);
  }

  private found(rel: string, n: Node | undefined): Node | null {
    if (!n) return null;
    // Any spelling is safe to keep: rel + "/" + name (name neither "" nor ".") is rel's node's child `name`.
    if (n.children) this.lastDir = { path: rel === "/" ? "" : rel, node: n };
    return n;
  }

  lstat(path: string): FileStat | null {
    const n = this.lookup(path);
    if (!n) return null;
    return { type: n.type, size: n.size, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime, atime: n.atime, ctime: n.ctime, nlink: 1, ino: n.ino };
  }

  readdir(path: string): DirEntry[] {
    const n = this.lookup(path);
    if (!n) throw new FsError("ENOENT", path);
    if (!n.children) throw new FsError("ENOTDIR", path);
    return [...n.children].map(([name, c]) => ({ name, type: c.type }));
  }

  readlink(path: string): string {
    const n = this.lookup(path);
    if (!n) throw new FsError("ENOENT", path);
    if (n.type !== "symlink") throw new FsError("EINVAL", path, "not a symbolic link");
    return n.link!;
  }

  open(path: string): FileHandle {
    const n = this.lookup(path);
    if (!n) throw new FsError("ENOENT", path);
    if (n.type === "dir") throw new FsError("EISDIR", path);
    // FIFOs, devices and sockets are listed with their type but hold no data to read.
    if (n.type !== "file") throw new FsError("EINVAL", path, `not a regular file (${n.type})`);
    const src = this.src;
    const size = n.size;
    const sparse = n.sparse;
    const base = n.dataOffset;
    return {
      size,
      read(buf, offset, length, position) {
        if (position >= size || length <= 0) return 0;
        const len = Math.min(length, size - position);
        if (!sparse) return src.read(buf, offset, len, base + position);
        return readSparse(src, sparse, buf, offset, len, position);
      },
      close() {},
    };
  }
}

type Meta = Pick<Node, "mode" | "uid" | "gid" | "mtime" | "atime" | "ctime">;
const IMPLIED_META: Meta = { mode: 0o755, uid: 0, gid: 0, mtime: null, atime: null, ctime: null };

function makeNode(
  type: FileType,
  meta: Meta,
  size: number,
  ino: number,
  headerOffset: number,
  dataOffset: number,
  sparse: SparseSegment[] | undefined,
  link: string | undefined,
  children: Map<string, Node> | undefined,
): Node {
  return { type, mode: meta.mode, uid: meta.uid, gid: meta.gid, mtime: meta.mtime, atime: meta.atime, ctime: meta.ctime, size, ino, headerOffset, dataOffset, sparse, link, children };
}

function setMeta(n: Node, m: Meta): void {
  n.mode = m.mode;
  n.uid = m.uid;
  n.gid = m.gid;
  n.mtime = m.mtime;
  n.atime = m.atime;
  n.ctime = m.ctime;
}

/** Expand a sparse file: holes read as zeros, data runs from their archive positions. */
function readSparse(src: ByteSource, segs: SparseSegment[], buf: Uint8Array, offset: number, len: number, position: number): number {
  buf.fill(0, offset, offset + len);
  // First segment that ends after `position` (binary search).
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segs[mid]!.offset + segs[mid]!.length <= position) lo = mid + 1;
    else hi = mid;
  }
  const end = position + len;
  for (let i = lo; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.offset >= end) break;
    const from = Math.max(s.offset, position);
    const to = Math.min(s.offset + s.length, end);
    if (to > from) src.read(buf, offset + (from - position), to - from, s.dataPos + (from - s.offset));
  }
  return len;
}
