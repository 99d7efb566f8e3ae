// acquire collections (Fox-IT's acquire): members fs/<volume>/… and sysvol/…, in a tar/tar.gz or extracted.
// Only the leading "fs/<volume>/" or "sysvol/" is removed (dissect's replace("fs/", "") also mangled
// fs/$rootfs$/etc/nfs/exports into etc/nexports). fs/$rootfs$ (or sysvol when there is no $rootfs$) is `/`;
// every other volume is mounted at /$fs$/<volume>; members outside fs/ and sysvol/ go to /$acquire$.
import fs from "node:fs";
import path from "node:path";
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import { dirInside, dirOrRefused } from "./contain.js";
import { HideTopLevel, isHostDir, layoutRoot, loadTar, tarPart, type TarLayout } from "./layout.js";
import type { Loader } from "./types.js";

export const ACQUIRE_SIDE_MOUNT = "/$acquire$";
const ROOTFS = "$rootfs$";

/** Volume names under fs/, plus "sysvol" when a top-level sysvol/ exists. */
function volumes(names: readonly string[]): { fsVolumes: string[]; sysvol: boolean } {
  const vols = new Set<string>();
  let sysvol = false;
  for (const n of names) {
    const parts = n.split("/");
    if (parts[0] === "fs" && parts.length >= 2) vols.add(parts[1]!);
    else if (parts[0] === "sysvol") sysvol = true;
  }
  return { fsVolumes: [...vols].sort(), sysvol };
}

/** Mount point of each volume: [source prefix, mount point]. */
function plan(fsVolumes: string[], sysvol: boolean): [string, string][] {
  const out: [string, string][] = [];
  const hasRootfs = fsVolumes.includes(ROOTFS);
  for (const v of fsVolumes) out.push([`fs/${v}`, v === ROOTFS ? "/" : `/$fs$/${v}`]);
  if (sysvol) out.push(["sysvol", hasRootfs ? "/$fs$/sysvol" : "/"]);
  return out;
}

export const acquireLayout: TarLayout = {
  name: "acquire",
  detect(names) {
    const v = volumes(names);
    return v.fsVolumes.length > 0 || v.sysvol;
  },
  map(archive, warnings) {
    const label = path.basename(archive.path);
    const v = volumes(archive.names);
    const fsys = new RootFilesystem();
    for (const [prefix, point] of plan(v.fsVolumes, v.sysvol)) fsys.mount(point, tarPart(archive, warnings, { prefix: layoutRoot(archive, prefix), label }));
    const rest = tarPart(archive, warnings, { label, exclude: (p) => p === "fs" || p.startsWith("fs/") || p === "sysvol" || p.startsWith("sysvol/") });
    if (rest.memberCount > 0) fsys.mount(ACQUIRE_SIDE_MOUNT, rest);
    return { fs: fsys };
  },
};

export const acquireLoader: Loader = {
  name: "acquire",
  description: "acquire collection: fs/$rootfs$/…, fs/<volume>/…, sysvol/ (extracted directory, or with -L a tar)",
  detect: (p) => isHostDir(p) && (dirOrRefused(p, `fs/${ROOTFS}`) || dirOrRefused(p, "sysvol")),
  async load(p, opts) {
    if (!isHostDir(p)) return loadTar(p, [acquireLayout], opts);
    // fs/, each volume and sysvol are evidence: links are followed only inside the collection, else refused.
    const where = new Map<string, string>();
    const fsDir = dirInside(p, "fs");
    for (const v of fsDir ? fs.readdirSync(fsDir).sort() : []) {
      const d = dirInside(p, `fs/${v}`);
      if (d) where.set(`fs/${v}`, d);
    }
    const fsVolumes = [...where.keys()].map((k) => k.slice("fs/".length));
    const sysvolDir = dirInside(p, "sysvol");
    if (sysvolDir) where.set("sysvol", sysvolDir);
    if (fsVolumes.length === 0 && !sysvolDir) throw new Error("no fs/<volume>/ or sysvol/ directory: not an acquire collection");
    const fsys = new RootFilesystem();
    for (const [prefix, point] of plan(fsVolumes, sysvolDir !== null)) fsys.mount(point, new DirectoryBackend(where.get(prefix)!));
    const rest = fs.readdirSync(p).filter((n) => n !== "fs" && n !== "sysvol");
    if (rest.length > 0) fsys.mount(ACQUIRE_SIDE_MOUNT, new HideTopLevel(new DirectoryBackend(p), new Set(["fs", "sysvol"])));
    return { fs: fsys };
  },
};
