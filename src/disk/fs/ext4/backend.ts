// An ext2/3/4 filesystem as an FsBackend: paths walked from the root inode (2) through directory entries, never
// following links (RootFilesystem resolves them). Inodes and directory listings are cached, a few hundred at most.
import { readExact } from "../../container/bytes.js";
import { components } from "../../../fs/path.js";
import { type DirEntry, type FileHandle, type FileStat, FsError, type FsBackend } from "../../../fs/types.js";
import { decodeLenient } from "../../../util/text.js";
import { DiskError } from "../../types.js";
import { type DirFormat, parseDirEntries, type RawDirent } from "./dir.js";
import { InodeData } from "./file.js";
import type { GroupTable } from "./groups.js";
import { systemData } from "./inline.js";
import { EXT4_HUGE_FILE_FL, EXT4_INLINE_DATA_FL, type Inode, parseInode } from "./inode.js";
import { INCOMPAT_DIRDATA, INCOMPAT_FILETYPE, INCOMPAT_LARGEDIR } from "./superblock.js";
import type { Ext4Volume } from "./volume.js";

export const ROOT_INO = 2;
const INODE_CACHE = 512;
const DIR_CACHE = 32;
/** Entries kept across the cached listings: a few huge directories (a maildir) must not pin gigabytes. */
const DIR_CACHE_ENTRIES = 200_000;

function remember<K, V>(m: Map<K, V>, k: K, v: V, cap: number): V {
  if (m.size >= cap) m.delete(m.keys().next().value!);
  m.set(k, v);
  return v;
}

export class Ext4Backend implements FsBackend {
  readonly kind = "ext4";
  private readonly inodes = new Map<number, Inode>();
  private readonly dirs = new Map<number, Map<string, RawDirent>>();
  private dirEntriesCached = 0;

  constructor(
    private readonly vol: Ext4Volume,
    private readonly groups: GroupTable,
  ) {}

  /** Inode `ino`; `at` is the byte offset of the reference to it, for errors. */
  inode(ino: number, at: number | null = null): Inode {
    const hit = this.inodes.get(ino);
    if (hit) return hit;
    const { sb, where } = this.vol;
    if (!(ino >= 1 && ino <= sb.inodesCount)) throw new DiskError(where, at, `ext: inode ${ino} is not in 1 … ${sb.inodesCount}`);
    const group = Math.floor((ino - 1) / sb.inodesPerGroup);
    const index = (ino - 1) % sb.inodesPerGroup;
    const offset = this.groups.inodeTable(group) * sb.blockSize + index * sb.inodeSize;
    const raw = readExact(this.vol.source, where, offset, sb.inodeSize, `ext inode ${ino}`);
    return remember(this.inodes, ino, parseInode(raw, ino, offset, where, (sb.featureIncompat & INCOMPAT_LARGEDIR) !== 0), INODE_CACHE);
  }

  /** A directory's entries by name (the first of duplicate names wins), in on-disk order. */
  private entries(dir: Inode): Map<string, RawDirent> {
    const hit = this.dirs.get(dir.ino);
    if (hit) return hit;
    const { vol } = this;
    const fmt: DirFormat = { fileType: (vol.sb.featureIncompat & INCOMPAT_FILETYPE) !== 0, dirData: (vol.sb.featureIncompat & INCOMPAT_DIRDATA) !== 0, blockSize: vol.blockSize };
    const list: RawDirent[] = [];
    if (dir.flags & EXT4_INLINE_DATA_FL) {
      // i_block: the parent's inode number, then entries; system.data: more entries.
      parseDirEntries(dir.iBlock, 4, dir.iBlock.length, fmt, vol.where, dir.offset + 0x28, list);
      const extra = systemData(dir, vol.where);
      parseDirEntries(extra, 0, extra.length, fmt, vol.where, null, list);
    } else {
      const data = new InodeData(vol, dir);
      const bs = vol.blockSize;
      if (data.size > vol.sb.blocksCount * bs) throw new DiskError(vol.where, dir.offset + 0x04, `ext directory inode ${dir.ino}: size ${data.size} is past the filesystem`);
      const block = new Uint8Array(bs);
      for (let pos = 0; pos < data.size; pos += bs) {
        const n = data.read(block, 0, bs, pos);
        if (n < bs) throw new DiskError(vol.where, dir.offset + 0x04, `ext directory inode ${dir.ino}: size ${data.size} is not whole blocks`);
        parseDirEntries(block, 0, bs, fmt, vol.where, data.locate(pos), list);
      }
    }
    const byName = new Map<string, RawDirent>();
    for (const e of list) if (!byName.has(e.name)) byName.set(e.name, e);
    while (this.dirs.size > 0 && (this.dirs.size >= DIR_CACHE || this.dirEntriesCached + byName.size > DIR_CACHE_ENTRIES)) {
      const [oldest, old] = this.dirs.entries().next().value!;
      this.dirs.delete(oldest);
      this.dirEntriesCached -= old.size;
    }
    this.dirs.set(dir.ino, byName);
    this.dirEntriesCached += byName.size;
    return byName;
  }

  /** The inode at `path`, null when a component is missing, "notdir" when one is not a directory. */
  private resolve(path: string): Inode | null | "notdir" {
    let node = this.inode(ROOT_INO);
    for (const name of components(path)) {
      if (node.type !== "dir") return "notdir";
      if (name === "..") return null; // the RootFilesystem resolves ".." before asking
      const e = this.entries(node).get(name);
      if (!e) return null;
      node = this.inode(e.ino, e.at);
    }
    return node;
  }

  private found(path: string): Inode {
    const n = this.resolve(path);
    if (n === "notdir") throw new FsError("ENOTDIR", path);
    if (!n) throw new FsError("ENOENT", path);
    return n;
  }

  lstat(path: string): FileStat | null {
    const n = this.resolve(path);
    if (n === null || n === "notdir") return null;
    return {
      type: n.type,
      size: n.type === "file" || n.type === "dir" || n.type === "symlink" ? n.size : 0,
      mode: n.mode & 0o7777,
      uid: n.uid,
      gid: n.gid,
      mtime: n.mtime,
      atime: n.atime,
      ctime: n.ctime,
      btime: n.crtime,
      nlink: n.links,
      ino: n.ino,
    };
  }

  readdir(path: string): DirEntry[] {
    const n = this.found(path);
    if (n.type !== "dir") throw new FsError("ENOTDIR", path);
    const out: DirEntry[] = [];
    for (const e of this.entries(n).values()) out.push({ name: e.name, type: e.type ?? this.inode(e.ino, e.at).type });
    return out;
  }

  readlink(path: string): string {
    const n = this.found(path);
    if (n.type !== "symlink") throw new FsError("EINVAL", path, "not a symbolic link");
    return decodeLenient(this.linkTarget(n));
  }

  private linkTarget(n: Inode): Uint8Array {
    const bs = this.vol.blockSize;
    if (n.size > bs) throw new DiskError(this.vol.where, n.offset + 0x04, `ext symlink inode ${n.ino}: target of ${n.size} bytes is longer than a block`);
    // A fast symlink keeps its target in i_block and owns no blocks (beyond an extended attribute block).
    const sectors = n.flags & EXT4_HUGE_FILE_FL ? n.blocks * (bs / 512) : n.blocks;
    const eaSectors = n.fileAcl ? this.vol.sb.clusterSize / 512 : 0; // an xattr block takes a whole cluster
    if (!(n.flags & EXT4_INLINE_DATA_FL) && sectors - eaSectors <= 0 && n.size <= n.iBlock.length) return n.iBlock.slice(0, n.size);
    const data = new InodeData(this.vol, n);
    const buf = new Uint8Array(n.size);
    data.read(buf, 0, n.size, 0);
    return buf;
  }

  open(path: string): FileHandle {
    const n = this.found(path);
    if (n.type === "dir") throw new FsError("EISDIR", path);
    if (n.type !== "file") throw new FsError("EINVAL", path, `not a regular file (${n.type})`);
    const data = new InodeData(this.vol, n);
    return {
      size: data.size,
      read: (buf, offset, length, position) => data.read(buf, offset, length, position),
      close: () => {},
    };
  }
}
