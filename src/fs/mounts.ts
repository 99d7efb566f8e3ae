// The mount table of a RootFilesystem: which backend serves a path (the deepest mount point above it), which
// directories exist only because a mount point lies below them, and which names a mount adds to a listing.
// Every question costs the depth of the path asked about, never the number of mounts: an acquire collection
// with 20,000 volumes mounts 20,000 backends.
import { components, normalize } from "./path.js";
import type { FsBackend } from "./types.js";

export interface Mount {
  point: string;
  backend: FsBackend;
}

export class MountTable {
  private readonly byPoint = new Map<string, FsBackend>();
  /** Directory → names of the entries that mount points below it add there (with the count of mounts). */
  private readonly implied = new Map<string, Map<string, number>>();

  /** Mount (or replace) a backend at a point. */
  set(point: string, backend: FsBackend): void {
    const p = normalize(point);
    const had = this.byPoint.has(p);
    this.byPoint.set(p, backend);
    if (had) return;
    const parts = components(p);
    let dir = "/";
    for (const name of parts) {
      let names = this.implied.get(dir);
      if (!names) this.implied.set(dir, (names = new Map()));
      names.set(name, (names.get(name) ?? 0) + 1);
      dir = dir === "/" ? "/" + name : dir + "/" + name;
    }
  }

  /** The backend for a resolved path and the path inside it. */
  locate(path: string): [FsBackend, string] | null {
    let cut = path.length;
    for (;;) {
      const point = cut === 0 ? "/" : path.slice(0, cut);
      const b = this.byPoint.get(point);
      if (b) return [b, point === "/" ? path : path.slice(point.length) || "/"];
      if (cut === 0) return null;
      cut = path.lastIndexOf("/", cut - 1);
      if (cut < 0) return null;
    }
  }

  /** Is the path a mount point or a directory above one (so it exists as a directory whatever the backends say)? */
  holdsMount(path: string): boolean {
    return this.byPoint.has(path) || this.implied.has(path);
  }

  /** Names that mount points below `dir` add to its listing. */
  namesBelow(dir: string): Iterable<string> {
    return this.implied.get(dir)?.keys() ?? [];
  }

  /** Mount points, shallowest first. */
  list(): Mount[] {
    return [...this.byPoint].map(([point, backend]) => ({ point, backend })).sort((a, b) => a.point.length - b.point.length || (a.point < b.point ? -1 : 1));
  }

  backends(): FsBackend[] {
    return [...this.byPoint.values()];
  }
}
