// An in-memory tree as a backend, on memfs. memfs keeps the bytes, directories and links; the metadata an
// examiner cares about (mode, uid, gid, times) is kept beside it exactly as given, because memfs refuses to
// read a mode-000 file even as root and resets mtime on chmod. Every file stays readable whatever its mode.
import { createRequire } from "node:module";
import type { Volume as MemfsVolume } from "memfs";
import { Timestamp } from "../records/timestamp.js";
import { components, dirname, normalize } from "./path.js";
import { FsError, type DirEntry, type EntryMeta, type FileHandle, type FileStat, type FileType, type FsBackend } from "./types.js";

export type TimeInput = Timestamp | Date | number; // number: epoch seconds

export interface NodeMeta {
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: TimeInput;
  atime?: TimeInput;
  ctime?: TimeInput;
}

export type MemoryNode =
  | ({ type: "file"; data: string | Uint8Array } & NodeMeta)
  | ({ type: "dir" } & NodeMeta)
  | ({ type: "symlink"; target: string } & NodeMeta);

/** A tree: absolute paths to nodes; a string or bytes is shorthand for a regular file. */
export type MemoryTree = Record<string, MemoryNode | string | Uint8Array>;

export const file = (data: string | Uint8Array, meta: NodeMeta = {}): MemoryNode => ({ type: "file", data, ...meta });
export const dir = (meta: NodeMeta = {}): MemoryNode => ({ type: "dir", ...meta });
export const symlink = (target: string, meta: NodeMeta = {}): MemoryNode => ({ type: "symlink", target, ...meta });

interface Meta extends EntryMeta {
  type: FileType;
  ino: number;
}

export class MemoryBackend implements FsBackend {
  readonly kind = "memory";
  private readonly vol = newVolume();
  private readonly meta = new Map<string, Meta>();
  private nextIno = 1;

  constructor(tree: MemoryTree = {}) {
    this.meta.set("/", this.makeMeta("dir", {}));
    // Parents before children, so a directory's own metadata is not overwritten by an implied parent.
    for (const [p, node] of Object.entries(tree).sort(([a], [b]) => components(a).length - components(b).length)) {
      this.add(p, node);
    }
  }

  add(path: string, node: MemoryNode | string | Uint8Array): void {
    const p = normalize(path);
    const n: MemoryNode = typeof node === "string" || node instanceof Uint8Array ? { type: "file", data: node } : node;
    this.ensureDir(dirname(p));
    if (n.type === "dir") {
      if (!this.meta.has(p)) this.vol.mkdirSync(p, { recursive: true });
      this.meta.set(p, this.makeMeta("dir", n));
    } else if (n.type === "file") {
      this.vol.writeFileSync(p, typeof n.data === "string" ? Buffer.from(n.data, "utf8") : n.data, { mode: 0o644 });
      this.meta.set(p, this.makeMeta("file", n));
    } else {
      this.vol.symlinkSync(n.target, p);
      this.meta.set(p, this.makeMeta("symlink", { mode: 0o777, ...n }));
    }
  }

  /** The directory and its missing parents, top down, one level each (no recursion over a deep tree's depth). */
  private ensureDir(p: string): void {
    const missing: string[] = [];
    for (let d = p; !this.meta.has(d); d = dirname(d)) missing.push(d);
    for (let i = missing.length - 1; i >= 0; i--) {
      this.vol.mkdirSync(missing[i]!);
      this.meta.set(missing[i]!, this.makeMeta("dir", {}));
    }
  }

  private makeMeta(type: FileType, m: NodeMeta): Meta {
    return {
      type,
      mode: m.mode ?? (type === "dir" ? 0o755 : 0o644),
      uid: m.uid ?? 0,
      gid: m.gid ?? 0,
      mtime: toTs(m.mtime),
      atime: toTs(m.atime),
      ctime: toTs(m.ctime),
      ino: this.nextIno++,
    };
  }

  lstat(p: string): FileStat | null {
    const m = this.meta.get(p);
    if (!m) return null;
    const size = m.type === "file" ? this.vol.statSync(p).size : m.type === "symlink" ? this.readlink(p).length : 0;
    return { type: m.type, size, mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime, atime: m.atime, ctime: m.ctime, nlink: 1, ino: m.ino };
  }

  readdir(p: string): DirEntry[] {
    const names = this.vol.readdirSync(p) as string[];
    return names.map((name) => {
      const child = p === "/" ? "/" + name : p + "/" + name;
      return { name, type: this.meta.get(child)?.type ?? "other" };
    });
  }

  readlink(p: string): string {
    return String(this.vol.readlinkSync(p));
  }

  open(p: string): FileHandle {
    const m = this.meta.get(p);
    if (!m) throw new FsError("ENOENT", p);
    if (m.type !== "file") throw new FsError(m.type === "dir" ? "EISDIR" : "EINVAL", p, m.type === "dir" ? undefined : `not a regular file (${m.type})`);
    const data = this.vol.readFileSync(p) as Buffer;
    return {
      size: data.length,
      read: (buf, offset, length, position) => {
        if (position >= data.length) return 0;
        const n = Math.min(length, data.length - position);
        buf.set(data.subarray(position, position + n), offset);
        return n;
      },
      close: () => {},
    };
  }
}

function toTs(t: TimeInput | undefined): Timestamp | null {
  if (t === undefined) return null;
  if (t instanceof Timestamp) return t;
  if (t instanceof Date) return Timestamp.fromDate(t);
  return Timestamp.fromUnix(t);
}

// memfs (CommonJS, ~30 ms to load) is required when the first memory tree is made, not when this module is
// imported: a run over a tar or a directory never makes one.
let VolumeClass: typeof MemfsVolume | undefined;
function newVolume(): MemfsVolume {
  VolumeClass ??= (createRequire(import.meta.url)("memfs") as { Volume: typeof MemfsVolume }).Volume;
  return new VolumeClass();
}
