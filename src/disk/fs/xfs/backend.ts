// An XFS filesystem as an FsBackend: paths are looked up from the root inode one directory at a time (each
// directory read whole, whatever its form, and kept in a small cache), links are never followed, and files
// are read through their extent map with holes and unwritten extents as zeros.
import { components } from "../../../fs/path.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "../../../fs/types.js";
import { DiskError, type ByteSource } from "../../types.js";
import { inodeExtents, readMapped, type Extent } from "./bmap.js";
import { readDirectory, type XfsDirEntry } from "./dir.js";
import { FORMAT_BTREE, FORMAT_EXTENTS, readInode, type Inode } from "./inode.js";
import type { Superblock } from "./superblock.js";
import { readSymlink } from "./symlink.js";

/** Directories kept parsed (by inode number), and the entries they may hold in all: a bound on memory. */
const DIR_CACHE_DIRS = 64;
const DIR_CACHE_ENTRIES = 500_000;
/** Inodes kept parsed (oldest inserted dropped first). */
const INODE_CACHE = 4096;

export class XfsBackend implements FsBackend {
  readonly kind = "xfs";
  private readonly dirs = new Map<bigint, { entries: Map<string, XfsDirEntry>; parent: bigint | null }>();
  private cachedEntries = 0;
  private readonly inodes = new Map<bigint, Inode>();

  constructor(
    private readonly volume: ByteSource,
    private readonly sb: Superblock,
    private readonly where: string,
  ) {}

  lstat(path: string): FileStat | null {
    const found = this.lookup(path);
    return found ? toStat(found.inode) : null;
  }

  readdir(path: string): DirEntry[] {
    const found = this.lookup(path);
    if (!found) throw new FsError("ENOENT", path);
    const { inode, parent } = found;
    if (inode.type !== "dir") throw new FsError("ENOTDIR", path);
    const out: DirEntry[] = [];
    for (const e of this.entries(inode, parent).values()) {
      out.push({ name: e.name, type: e.type ?? this.inode(e.ino).type });
    }
    return out;
  }

  readlink(path: string): string {
    const inode = this.existing(path);
    if (inode.type !== "symlink") throw new FsError("EINVAL", path, "not a symbolic link");
    return readSymlink(this.volume, this.sb, inode, this.extents(inode), this.where);
  }

  open(path: string): FileHandle {
    const inode = this.existing(path);
    if (inode.type === "dir") throw new FsError("EISDIR", path);
    if (inode.type !== "file") throw new FsError("EINVAL", path, `not a regular file (${inode.type})`);
    if (inode.format !== FORMAT_EXTENTS && inode.format !== FORMAT_BTREE) {
      throw new DiskError(this.where, inode.offset + 5, `XFS inode ${inode.ino}: a regular file with di_format ${inode.format}`);
    }
    if (inode.realtime) throw new DiskError(this.where, inode.offset + 90, `XFS inode ${inode.ino}: its data is on the realtime device, which is not read`);
    const extents = this.extents(inode);
    const { volume, sb, where } = this;
    const size = inode.size;
    let closed = false;
    return {
      size,
      read(buf, offset, length, position) {
        if (closed) throw new FsError("EINVAL", path, "file is closed");
        if (position >= size || length <= 0) return 0;
        const n = Math.min(length, size - position, buf.length - offset);
        if (n <= 0) return 0;
        readMapped(volume, sb, extents, buf, offset, n, position, where);
        return n;
      },
      close() {
        closed = true;
      },
    };
  }

  private existing(path: string): Inode {
    const found = this.lookup(path);
    if (!found) throw new FsError("ENOENT", path);
    return found.inode;
  }

  /**
   * The inode at `path` (the last component not followed) and the directory holding it, or null when a
   * component does not exist.
   */
  private lookup(path: string): { inode: Inode; parent: bigint } | null {
    const root = this.sb.rootIno;
    let inode = this.inode(root);
    let parent = root;
    for (const name of components(path)) {
      if (inode.type !== "dir") throw new FsError("ENOTDIR", path);
      const e = this.entries(inode, parent).get(name);
      if (!e) return null;
      parent = inode.ino;
      inode = this.inode(e.ino);
    }
    return { inode, parent };
  }

  private inode(ino: bigint): Inode {
    // Every lookup starts at the root and re-reads the directories on the way: keep their inodes.
    const hit = this.inodes.get(ino);
    if (hit) return hit;
    const inode = readInode(this.volume, this.sb, ino, this.where);
    if (this.inodes.size >= INODE_CACHE) this.inodes.delete(this.inodes.keys().next().value!);
    this.inodes.set(ino, inode);
    return inode;
  }

  private extents(inode: Inode): Extent[] {
    return inodeExtents(this.volume, this.sb, inode, this.where);
  }

  /**
   * A directory's entries by name. `parent` is the directory it was reached from: its ".." must name that
   * directory. XFS directories have exactly one parent, so an entry leading anywhere else (to the directory
   * itself, to an ancestor, a second link to a directory) is damage, and a walk can never cycle.
   */
  private entries(dir: Inode, parent: bigint): Map<string, XfsDirEntry> {
    const hit = this.dirs.get(dir.ino);
    if (hit) {
      // Most recently used last: the eviction below takes the oldest.
      this.dirs.delete(dir.ino);
      this.dirs.set(dir.ino, hit);
      if (hit.parent !== parent) throw this.notParent(dir, hit.parent, parent);
      return hit.entries;
    }
    const read = readDirectory(this.volume, this.sb, dir, this.extents(dir), this.where);
    if (read.parent !== parent) throw this.notParent(dir, read.parent, parent);
    const map = new Map<string, XfsDirEntry>();
    for (const e of read.entries) {
      if (map.has(e.name)) throw new DiskError(this.where, dir.offset, `XFS directory inode ${dir.ino} holds "${e.name}" twice`);
      if (e.ino === dir.ino || e.ino === this.sb.rootIno) {
        throw new DiskError(this.where, dir.offset, `XFS directory inode ${dir.ino}: entry "${e.name}" links back to inode ${e.ino}`);
      }
      map.set(e.name, e);
    }
    this.dirs.set(dir.ino, { entries: map, parent: read.parent });
    this.cachedEntries += map.size;
    for (const [ino, m] of this.dirs) {
      if (this.dirs.size <= DIR_CACHE_DIRS && this.cachedEntries <= DIR_CACHE_ENTRIES) break;
      if (ino === dir.ino) break;
      this.dirs.delete(ino);
      this.cachedEntries -= m.entries.size;
    }
    return map;
  }

  private notParent(dir: Inode, says: bigint | null, reached: bigint): DiskError {
    return new DiskError(this.where, dir.offset, `XFS directory inode ${dir.ino}: ".." is ${says ?? "missing"}, but it was reached from directory ${reached} (a cross-link or loop)`);
  }
}

function toStat(inode: Inode): FileStat {
  return {
    type: inode.type,
    size: inode.type === "file" || inode.type === "dir" || inode.type === "symlink" ? inode.size : 0,
    mode: inode.perm,
    uid: inode.uid,
    gid: inode.gid,
    mtime: inode.mtime,
    atime: inode.atime,
    ctime: inode.ctime,
    btime: inode.crtime,
    nlink: inode.nlink,
    ino: inode.ino <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(inode.ino) : inode.ino,
  };
}
