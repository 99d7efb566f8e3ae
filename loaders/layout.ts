// Collection layouts inside an archive (dissect's tar sub-loaders): each looks at the shared, already-built
// member index (never rescanning the archive) and mounts the parts of it. Most specific first.
import type { TarArchive } from "../src/fs/tar/archive.js";
import { openTarArchive } from "../src/fs/tar/archive.js";
import { TarBackend } from "../src/fs/tar/backend.js";
import { RootFilesystem } from "../src/fs/root.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "../src/fs/types.js";
import type { LoadedTarget } from "./types.js";

export interface TarLayout {
  readonly name: string;
  /** Does the archive's member list (cleaned paths) have this layout? */
  detect(names: readonly string[]): boolean;
  /** Mount the archive; `warnings` collects what the analyst must hear about. */
  map(archive: TarArchive, warnings: string[]): { fs: RootFilesystem; hints?: { hostname?: string } };
}

/** Index the archive once, map it with the given layout (or the first that detects), and own its lifetime. */
export async function loadTar(path: string, layouts: readonly TarLayout[]): Promise<LoadedTarget> {
  const archive = await openTarArchive(path);
  try {
    const layout = layouts.find((l) => l.detect(archive.names));
    if (!layout) throw new Error(`the archive does not have the ${layouts.map((l) => l.name).join(" or ")} layout`);
    const warnings = [...archive.warnings];
    const { fs, hints } = layout.map(archive, warnings);
    return {
      fs,
      subloader: layout.name === "tar" ? undefined : layout.name,
      hints,
      warnings,
      close: () => archive.close(),
    };
  } catch (e) {
    archive.close();
    throw e;
  }
}

/** A TarBackend over the part of the archive below `prefix`, its warnings merged into `warnings`. */
export function tarPart(archive: TarArchive, warnings: string[], opts: ConstructorParameters<typeof TarBackend>[2] = {}): TarBackend {
  const b = new TarBackend(archive.src, archive.members, opts);
  warnings.push(...b.warnings);
  return b;
}

/** The top-level names of a member list. */
export function topLevel(names: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const n of names) out.add(n.split("/", 1)[0]!);
  return out;
}

/** Is there a member at or below `dir` (a cleaned relative path)? */
export function hasDir(names: readonly string[], dir: string): boolean {
  return names.some((n) => n === dir || n.startsWith(dir + "/"));
}

/** A backend with some top-level names hidden (the side mount of an extracted collection leaves out its root). */
export class HideTopLevel implements FsBackend {
  readonly kind: string;

  constructor(
    private readonly inner: FsBackend,
    private readonly hidden: ReadonlySet<string>,
  ) {
    this.kind = inner.kind;
  }

  private visible(p: string): boolean {
    const top = p.split("/")[1];
    return top === undefined || top === "" || !this.hidden.has(top);
  }

  lstat(p: string): FileStat | null {
    return this.visible(p) ? this.inner.lstat(p) : null;
  }

  readdir(p: string): DirEntry[] {
    if (!this.visible(p)) throw new FsError("ENOENT", p);
    const entries = this.inner.readdir(p);
    return p === "/" ? entries.filter((e) => !this.hidden.has(e.name)) : entries;
  }

  readlink(p: string): string {
    if (!this.visible(p)) throw new FsError("ENOENT", p);
    return this.inner.readlink(p);
  }

  open(p: string): FileHandle {
    if (!this.visible(p)) throw new FsError("ENOENT", p);
    return this.inner.open(p);
  }

  close(): void {
    this.inner.close?.();
  }
}
