// Collection layouts inside an archive (dissect's tar sub-loaders): each looks at the shared, already-built
// member index (never rescanning the archive) and mounts the parts of it. Most specific first.
import fs from "node:fs";
import type { TarArchive } from "../src/fs/tar/archive.js";
import { openTarArchive } from "../src/fs/tar/archive.js";
import { TarBackend } from "../src/fs/tar/backend.js";
import { sanitizeMemberName } from "../src/fs/tar/names.js";
import { RootFilesystem } from "../src/fs/root.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "../src/fs/types.js";
import { ContainmentError } from "./contain.js";
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

const MAX_ROOT_LINKS = 40;

/**
 * The prefix a layout mounts as a root ("[root]", "fs/$rootfs$"). Members below it are mounted as they are; when
 * there are none and the archive records the prefix itself as a symlink, its target inside the archive serves
 * (`[root] -> data/root`). A link that leaves the archive (absolute, or ".." above its top) is refused: the
 * archive is the collection, and nothing outside it is evidence.
 */
export function layoutRoot(archive: TarArchive, prefix: string): string {
  let cur = prefix;
  for (let hops = 0; ; hops++) {
    if (cur === "" || archive.names.some((n) => n.startsWith(cur + "/"))) return cur;
    const link = lastMemberNamed(archive, cur);
    if (!link || link.type !== "symlink") return cur;
    const at = `member ${JSON.stringify(link.name)} at offset ${link.headerOffset}`;
    if (hops >= MAX_ROOT_LINKS) throw new ContainmentError(`${at}: ${prefix}: too many levels of symbolic links: refused`);
    const next = linkInsideArchive(cur, link.linkname);
    if (next === null) throw new ContainmentError(`${at}: ${cur} is a symlink to ${link.linkname} outside the collection: refused`);
    cur = next;
  }
}

function lastMemberNamed(archive: TarArchive, name: string): TarArchive["members"][number] | undefined {
  for (let i = archive.members.length - 1; i >= 0; i--) {
    const m = archive.members[i]!;
    const r = sanitizeMemberName(m.name);
    if (r.ok && r.path === name) return m;
  }
  return undefined;
}

/** The archive path a relative link at `from` names, or null when it leaves the archive. */
function linkInsideArchive(from: string, target: string): string | null {
  if (target.startsWith("/")) return null;
  const out = from.split("/").slice(0, -1);
  for (const c of target.split("/")) {
    if (c === "" || c === ".") continue;
    if (c !== "..") out.push(c);
    else if (out.pop() === undefined) return null;
  }
  return out.join("/");
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

/** Is a host path a directory (following host links: it is the analyst's own path, not evidence)? */
export function isHostDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Drop repeated warnings in place (a member seen by two views of one archive warns once). */
export function dedupeWarnings(a: string[]): void {
  const seen = new Set<string>();
  let w = 0;
  for (const x of a) if (!seen.has(x)) (seen.add(x), (a[w++] = x));
  a.length = w;
}
