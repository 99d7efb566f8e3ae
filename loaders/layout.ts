// Collection layouts inside an archive (dissect's tar sub-loaders): each looks at the shared, already-built
// member index (never rescanning the archive) and mounts the parts of it. Most specific first.
import fs from "node:fs";
import type { TarArchive } from "../src/fs/tar/archive.js";
import { openTarArchive } from "../src/fs/tar/archive.js";
import { TarBackend } from "../src/fs/tar/backend.js";
import type { RawMember } from "../src/fs/tar/header.js";
import { sanitizeMemberName } from "../src/fs/tar/names.js";
import { RootFilesystem } from "../src/fs/root.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "../src/fs/types.js";
import type { WarningLog } from "../src/util/warnings.js";
import { ContainmentError } from "./contain.js";
import { describeRoot } from "./unsupported.js";
import type { LoadedTarget, LoadOptions } from "./types.js";

export interface TarLayout {
  readonly name: string;
  /** Does the archive's member list (cleaned paths) have this layout? */
  detect(names: readonly string[]): boolean;
  /** Mount the archive; `warnings` (capped per kind, a member warned once per kind) collects what the analyst must hear about. */
  map(archive: TarArchive, warnings: WarningLog): { fs: RootFilesystem; hints?: { hostname?: string } };
}

/** Index the archive once, map it with the given layout (or the first that detects), and own its lifetime. */
export async function loadTar(path: string, layouts: readonly TarLayout[], opts: LoadOptions = {}): Promise<LoadedTarget> {
  const archive = await openTarArchive(path, { maxInflate: opts.maxInflate });
  try {
    const layout = layouts.find((l) => l.detect(archive.names));
    if (!layout) throw new Error(`the archive does not have the ${layouts.map((l) => l.name).join(" or ")} layout`);
    const { fs, hints } = layout.map(archive, archive.warnings);
    return {
      fs,
      subloader: layout.name === "tar" ? undefined : layout.name,
      hints,
      warnings: layout.name === "tar" ? withRootCheck(archive.warnings.lines(), fs) : archive.warnings.lines(),
      close: () => archive.close(),
    };
  } catch (e) {
    archive.close();
    throw e;
  }
}

/** The warnings of an archive mapped as a plain root, and what it looks like when it is no system root. */
export function withRootCheck(warnings: string[], root: RootFilesystem): string[] {
  const odd = describeRoot(root);
  return odd ? [...warnings, odd] : warnings;
}

/** A TarBackend over the part of the archive below `prefix`, its warnings going to `warnings`. */
export function tarPart(archive: TarArchive, warnings: WarningLog, opts: ConstructorParameters<typeof TarBackend>[2] = {}): TarBackend {
  return new TarBackend(archive.src, membersFor(archive, opts.prefix), opts, warnings);
}

/**
 * The members a view below `prefix` needs to look at: those at or below it, plus those whose names are unsafe
 * (every view warns about them, once), in archive order. A collection of V volumes is V views: giving each view
 * only its members keeps the mapping linear (an acquire tar of 5,000 one-file volumes took 45 s when each view
 * walked the whole member list).
 */
function membersFor(archive: TarArchive, prefix: string | undefined): readonly RawMember[] {
  const parts = (prefix ?? "").split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.length > 2) return archive.members;
  const index = memberIndex(archive);
  const bucket = index.below.get(parts.join("/")) ?? [];
  // Merge two lists that are each in archive order.
  const out: RawMember[] = [];
  let i = 0;
  let j = 0;
  while (i < bucket.length || j < index.unsafe.length) {
    if (j >= index.unsafe.length || (i < bucket.length && bucket[i]!.headerOffset < index.unsafe[j]!.headerOffset)) out.push(bucket[i++]!);
    else out.push(index.unsafe[j++]!);
  }
  return out;
}

interface MemberIndex {
  /** Members at or below each one- and two-component prefix ("[root]", "fs/$rootfs$"). */
  below: Map<string, RawMember[]>;
  unsafe: RawMember[];
}

const INDEXES = new WeakMap<TarArchive, MemberIndex>();

function memberIndex(archive: TarArchive): MemberIndex {
  let index = INDEXES.get(archive);
  if (index) return index;
  index = { below: new Map(), unsafe: [] };
  const add = (key: string, m: RawMember): void => {
    const list = index!.below.get(key);
    if (list) list.push(m);
    else index!.below.set(key, [m]);
  };
  for (const m of archive.members) {
    const r = sanitizeMemberName(m.name);
    if (!r.ok) {
      index.unsafe.push(m);
      continue;
    }
    const first = r.path.indexOf("/");
    add(first < 0 ? r.path : r.path.slice(0, first), m);
    if (first >= 0) {
      const second = r.path.indexOf("/", first + 1);
      add(second < 0 ? r.path : r.path.slice(0, second), m);
    }
  }
  INDEXES.set(archive, index);
  return index;
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
    const near = atOrBelow(archive, cur);
    if (cur === "" || near.some((m) => isBelow(m, cur))) return cur;
    const link = lastMemberNamed(near, cur);
    if (!link || link.type !== "symlink") return cur;
    const at = `member ${JSON.stringify(link.name)} at offset ${link.headerOffset}`;
    if (hops >= MAX_ROOT_LINKS) throw new ContainmentError(`${at}: ${prefix}: too many levels of symbolic links: refused`);
    const next = linkInsideArchive(cur, link.linkname);
    if (next === null) throw new ContainmentError(`${at}: ${cur} is a symlink to ${link.linkname} outside the collection: refused`);
    cur = next;
  }
}

/** The members that can be at or below a prefix: its bucket of the index when it has one, else all of them. */
function atOrBelow(archive: TarArchive, prefix: string): readonly RawMember[] {
  const parts = prefix.split("/").filter((p) => p !== "");
  if (parts.length === 0 || parts.length > 2) return archive.members;
  return memberIndex(archive).below.get(parts.join("/")) ?? [];
}

function isBelow(m: RawMember, dir: string): boolean {
  const r = sanitizeMemberName(m.name);
  return r.ok && r.path.startsWith(dir + "/");
}

function lastMemberNamed(members: readonly RawMember[], name: string): RawMember | undefined {
  for (let i = members.length - 1; i >= 0; i--) {
    const m = members[i]!;
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
