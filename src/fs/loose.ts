// Loose files of the analysis machine shown at chosen target paths (--direct): a tree of directories that
// exist only because a placed file lies below them, and the files themselves, each opened through a
// DirectoryBackend over its own host directory, so the same refusals apply (no host symlink followed by the
// final open, only regular files). Nothing beside a placed file is visible: its host siblings are not evidence.
import path from "node:path";
import { DirectoryBackend } from "./dir.js";
import { components, normalize } from "./path.js";
import { DIR_STAT } from "./root.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "./types.js";

interface Placed {
  dir: DirectoryBackend;
  name: string;
}

export class LooseFilesBackend implements FsBackend {
  readonly kind = "direct";
  private readonly files = new Map<string, Placed>();
  private readonly dirs = new Map<string, Map<string, "dir" | "file">>([["/", new Map()]]);

  /** `placed`: target path → the host file's real path (already resolved: the analyst named it). */
  constructor(placed: ReadonlyMap<string, string>) {
    for (const [target, host] of placed) {
      const p = normalize(target);
      const parts = components(p);
      if (parts.length === 0 || this.files.has(p) || this.dirs.has(p)) throw new Error(`cannot place a file at ${target}`);
      let dir = "/";
      parts.forEach((name, i) => {
        const last = i === parts.length - 1;
        const child = dir === "/" ? "/" + name : dir + "/" + name;
        if (this.files.has(child)) throw new Error(`cannot place a file below the file ${child}`);
        this.dirs.get(dir)!.set(name, last ? "file" : "dir");
        if (!last && !this.dirs.has(child)) this.dirs.set(child, new Map());
        dir = child;
      });
      this.files.set(p, { dir: new DirectoryBackend(path.dirname(host)), name: "/" + path.basename(host) });
    }
  }

  lstat(p: string): FileStat | null {
    if (this.dirs.has(p)) return DIR_STAT;
    const f = this.files.get(p);
    return f ? f.dir.lstat(f.name) : null;
  }

  readdir(p: string): DirEntry[] {
    const names = this.dirs.get(p);
    if (!names) throw new FsError(this.files.has(p) ? "ENOTDIR" : "ENOENT", p);
    return [...names].map(([name, type]) => ({ name, type }));
  }

  readlink(p: string): string {
    throw new FsError(this.dirs.has(p) || this.files.has(p) ? "EINVAL" : "ENOENT", p, "not a symbolic link");
  }

  open(p: string): FileHandle {
    if (this.dirs.has(p)) throw new FsError("EISDIR", p);
    const f = this.files.get(p);
    if (!f) throw new FsError("ENOENT", p);
    return f.dir.open(f.name);
  }
}
