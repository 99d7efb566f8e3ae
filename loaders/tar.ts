// tar, tar.gz and tgz archives (gzip recognised by its magic bytes, not only by name). The headers are indexed
// in one pass; files are positioned reads into the archive. The layout inside is chosen from that one index:
// acquire (fs/…, sysvol/), UAC ([root]/ + uac.log), else the generic tar.
import fs from "node:fs";
import path from "node:path";
import { looksLikeTar } from "../src/fs/tar/archive.js";
import { RootFilesystem } from "../src/fs/root.js";
import { acquireLayout } from "./acquire.js";
import { hasDir, loadTar, tarPart, topLevel, type TarLayout } from "./layout.js";
import type { Loader } from "./types.js";
import { uacLayout } from "./uac.js";

const TAR_NAME = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2?|tar\.zst)$/i;

/** The archive root is `/`; or, when the root holds a single folder that looks like an OS root, that folder. */
export const genericLayout: TarLayout = {
  name: "tar",
  detect: () => true,
  map(archive, warnings) {
    const tops = [...topLevel(archive.names)];
    let prefix: string | undefined;
    if (tops.length === 1 && hasDir(archive.names, `${tops[0]}/etc`) && hasDir(archive.names, `${tops[0]}/var`)) prefix = tops[0];
    return { fs: new RootFilesystem(tarPart(archive, warnings, { prefix, label: path.basename(archive.path) })) };
  },
};

export const TAR_LAYOUTS: readonly TarLayout[] = [acquireLayout, uacLayout, genericLayout];

export const tarLoader: Loader = {
  name: "tar",
  description: "tar / tar.gz / tgz archive (gzip found by magic); acquire and UAC layouts inside are recognised",
  detect(p) {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st?.isFile()) return false;
    return TAR_NAME.test(p) || looksLikeTar(p);
  },
  load: (p, opts) => loadTar(p, TAR_LAYOUTS, opts),
};
