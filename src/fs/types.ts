// The one interface every filesystem backend implements (a host directory, an in-memory tree, a tar index…).
import type { Timestamp } from "../records/timestamp.js";
import { shownPath } from "./path.js";

export type FileType = "file" | "dir" | "symlink" | "chardev" | "blockdev" | "fifo" | "socket" | "other";

/** Permissions, owner and times: what every backend keeps for an entry. */
export interface EntryMeta {
  /** Permission bits (and setuid/setgid/sticky), without the file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  mtime: Timestamp | null;
  atime: Timestamp | null;
  ctime: Timestamp | null;
}

export interface FileStat extends EntryMeta {
  type: FileType;
  size: number;
  btime?: Timestamp | null;
  nlink?: number;
  /** Backend-specific identity: equal for the same underlying file (hard links). */
  ino?: number | bigint | string;
}

export interface DirEntry {
  name: string;
  type: FileType;
}

/** An open file: its size and positioned reads, so archives are read by offset, never slurped. */
export interface FileHandle {
  readonly size: number;
  /** Read up to `length` bytes at `position` into `buf` at `offset`; returns the bytes read (0 at EOF). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

/**
 * A backend sees normalised absolute paths whose intermediate components are real directories (the
 * RootFilesystem resolved every symlink on the way, through the target's root). It never follows links.
 */
export interface FsBackend {
  readonly kind: string;
  /** lstat; null when the entry does not exist. */
  lstat(path: string): FileStat | null;
  readdir(path: string): DirEntry[];
  readlink(path: string): string;
  /** Open a regular file (the final component is not followed if it is a link). */
  open(path: string): FileHandle;
  close?(): void;
}

export type FsErrorCode = "ENOENT" | "ENOTDIR" | "EISDIR" | "ELOOP" | "ENAMETOOLONG" | "EFBIG" | "EINVAL" | "EIO";

export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
    detail?: string,
  ) {
    // An evidence path can be megabytes long: the message shows its ends, `path` keeps it whole.
    super(`${code}: ${detail ?? describe(code)}: ${shownPath(path)}`);
    this.name = "FsError";
  }
}

function describe(code: FsErrorCode): string {
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "ENOTDIR":
      return "not a directory";
    case "EISDIR":
      return "is a directory";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "file name too long";
    case "EFBIG":
      return "file too large";
    case "EINVAL":
      return "invalid argument";
    case "EIO":
      return "input/output error";
  }
}
