// A host directory as a backend. Every call is an lstat-level operation on one component below the image
// root: the RootFilesystem has already resolved links through the target's root, and the final open uses
// O_NOFOLLOW, so a host symlink inside the image can never lead the host OS outside it. Only regular files are
// ever opened.
import fs from "node:fs";
import path from "node:path";
import { Timestamp } from "../records/timestamp.js";
import { decodeLenient, encodeSurrogateEscape } from "../util/text.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FileType, type FsBackend } from "./types.js";

const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_NOCTTY = 0 } = fs.constants;
const OPEN_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

export class DirectoryBackend implements FsBackend {
  readonly kind = "dir";
  private readonly root: Buffer;

  constructor(hostRoot: string) {
    this.root = Buffer.from(fs.realpathSync(hostRoot), "utf8");
  }

  /** Host path of a target path, byte-exact (non-UTF-8 names survive as their raw bytes). */
  private host(p: string): Buffer {
    if (p === "/") return this.root;
    return Buffer.concat([this.root, encodeSurrogateEscape(p)]);
  }

  lstat(p: string): FileStat | null {
    const st = fs.lstatSync(this.host(p), { bigint: true, throwIfNoEntry: false });
    return st ? toStat(st) : null;
  }

  readdir(p: string): DirEntry[] {
    const entries = fs.readdirSync(this.host(p), { withFileTypes: true, encoding: "buffer" });
    return entries.map((e) => ({ name: decodeLenient(e.name as unknown as Buffer), type: direntType(e) }));
  }

  readlink(p: string): string {
    return decodeLenient(fs.readlinkSync(this.host(p), { encoding: "buffer" }));
  }

  /**
   * Open a regular file. Anything else (a FIFO, socket or device node) is refused without being opened: a FIFO
   * would block the read forever, and a device node names a device of the analysis machine, not evidence. The
   * lstat decides; O_NONBLOCK (a FIFO swapped in meanwhile opens without waiting for a writer), O_NOCTTY and
   * the fstat after the open close the race.
   */
  open(p: string): FileHandle {
    const host = this.host(p);
    const pre = fs.lstatSync(host, { throwIfNoEntry: false });
    if (!pre) throw new FsError("ENOENT", p);
    if (pre.isSymbolicLink()) throw new FsError("ELOOP", p, "refusing to follow a host symlink");
    if (pre.isDirectory()) throw new FsError("EISDIR", p);
    if (!pre.isFile()) throw notRegular(p, pre);
    let fd: number;
    try {
      fd = fs.openSync(host, OPEN_FLAGS);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw new FsError("ELOOP", p, "refusing to follow a host symlink");
      if (code === "ENOENT") throw new FsError("ENOENT", p);
      if (code === "ENXIO") throw new FsError("EINVAL", p, "not a regular file (socket)");
      throw e;
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      fs.closeSync(fd);
      throw notRegular(p, st);
    }
    const size = st.size;
    return {
      size,
      read: (buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
      close: () => fs.closeSync(fd),
    };
  }
}

function notRegular(p: string, st: fs.Stats): FsError {
  return new FsError("EINVAL", p, `not a regular file (${statType(st)})`);
}

function toStat(st: fs.BigIntStats): FileStat {
  const ts = (ns: bigint): Timestamp => Timestamp.fromMicros(ns / 1000n);
  return {
    type: statType(st),
    size: Number(st.size),
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: ts(st.mtimeNs),
    atime: ts(st.atimeNs),
    ctime: ts(st.ctimeNs),
    btime: st.birthtimeNs > 0n ? ts(st.birthtimeNs) : null,
    nlink: Number(st.nlink),
    ino: `${st.dev}:${st.ino}`,
  };
}

function statType(st: fs.BigIntStats | fs.Stats): FileType {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "dir";
  if (st.isSymbolicLink()) return "symlink";
  if (st.isCharacterDevice()) return "chardev";
  if (st.isBlockDevice()) return "blockdev";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  return "other";
}

function direntType(e: fs.Dirent<Buffer> | fs.Dirent): FileType {
  if (e.isFile()) return "file";
  if (e.isDirectory()) return "dir";
  if (e.isSymbolicLink()) return "symlink";
  if (e.isCharacterDevice()) return "chardev";
  if (e.isBlockDevice()) return "blockdev";
  if (e.isFIFO()) return "fifo";
  if (e.isSocket()) return "socket";
  return "other";
}

/** Resolve a host path given on the command line (relative to the cwd). */
export function hostPath(p: string): string {
  return path.resolve(p);
}
