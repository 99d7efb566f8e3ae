// zip archives: read by their central directory (src/fs/zip/), mapped by the same layouts as a tar
// (loaders/layout.ts) over the same kind of member index: Velociraptor offline collections, acquire and UAC
// collections delivered as zip, CyLR zips, and plain zips of a root. docs/loaders.md, "Zip".
import fs from "node:fs";
import path from "node:path";
import { openZipArchive, looksLikeZip, type ZipArchive } from "../src/fs/zip/archive.js";
import { unescapeUploadPath } from "../src/fs/zip/velociraptor.js";
import { RootFilesystem } from "../src/fs/root.js";
import { acquireLayout } from "./acquire.js";
import { hasDir, layoutRoot, tarPart, topLevel, withRootCheck, type TarLayout } from "./layout.js";
import { genericLayout } from "./tar.js";
import type { LoadedTarget, Loader, LoadOptions } from "./types.js";
import { uacLayout } from "./uac.js";

export const VELOCIRAPTOR_SIDE_MOUNT = "/$velociraptor$";
const VR_FILES = ["client_info.json", "collection_context.json", "uploads.json"];
/** The accessors whose uploads are the target's own paths ("auto" is "file" or "ntfs" as the client chose). */
const VR_ROOTS = ["uploads/auto", "uploads/file"];

function plausibleHostname(v: unknown): string | undefined {
  return typeof v === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(v) ? v : undefined;
}

/** A small JSON file of the collection (client_info.json), or undefined when absent, large or not JSON. */
function smallJson(side: RootFilesystem, file: string): unknown {
  try {
    const st = side.lstat(file);
    if (!st || st.type !== "file" || st.size > 1024 * 1024) return undefined;
    const text = side.readText(file).trim();
    // uploads.json and some versions' files are JSON lines: the first line is enough.
    return JSON.parse(text.startsWith("[") || !text.includes("\n") ? text : text.split("\n", 1)[0]!);
  } catch {
    return undefined;
  }
}

/** client_info.json's Hostname (else Fqdn), keys in any case, as Velociraptor's importer reads them. */
function velociraptorHostname(side: RootFilesystem): string | undefined {
  for (const file of ["/client_info.json", "/collection_context.json"]) {
    const v = smallJson(side, file);
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const keys = new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.toLowerCase(), x]));
    const h = plausibleHostname(keys.get("hostname")) ?? plausibleHostname(keys.get("fqdn"));
    if (h) return h;
  }
  return undefined;
}

/** The archive with the names below uploads/ decoded (the tree must show the target's names, not escapes). */
function decoded(archive: ZipArchive): ZipArchive {
  const members = archive.members.map((m) => {
    const name = unescapeUploadPath(m.name);
    return name === m.name ? m : { ...m, name };
  });
  return { ...archive, members, names: archive.names.map(unescapeUploadPath) };
}

export const velociraptorLayout: TarLayout = {
  name: "velociraptor",
  detect: (names) => hasDir(names, "uploads") && (VR_FILES.some((f) => names.includes(f)) || VR_ROOTS.some((r) => hasDir(names, r))),
  map(archive, warnings) {
    const label = path.basename(archive.path);
    const a = decoded(archive as ZipArchive);
    const root = VR_ROOTS.find((r) => hasDir(a.names, r));
    const fsys = root ? new RootFilesystem(tarPart(a, warnings, { prefix: layoutRoot(a, root), label })) : new RootFilesystem();
    const side = tarPart(a, warnings, { label, exclude: (p) => root !== undefined && (p === root || p.startsWith(root + "/")) });
    fsys.mount(VELOCIRAPTOR_SIDE_MOUNT, side);
    const hostname = velociraptorHostname(new RootFilesystem(side));
    return { fs: fsys, hints: hostname ? { hostname } : undefined };
  },
};

/**
 * Velociraptor's encrypted container (an offline collector with a password or certificate): the outer zip holds
 * only metadata.json and data.zip, the collection itself, encrypted. Said plainly rather than mounted as a tree
 * of two files.
 */
export const velociraptorEncryptedLayout: TarLayout = {
  name: "velociraptor",
  detect: (names) => names.includes("data.zip") && names.includes("metadata.json") && !hasDir(names, "uploads"),
  map(archive) {
    throw new Error(
      `${path.basename(archive.path)} is an encrypted Velociraptor collection (metadata.json + data.zip): quarry does not decrypt it; ` +
        `extract data.zip with its password (or Velociraptor's own tools) and open that zip`,
    );
  },
};

/** CyLR writes Windows paths without the drive's colon (C/Windows/…): the drive folder is the root. */
export const cylrLayout: TarLayout = {
  name: "cylr",
  detect(names) {
    const tops = [...topLevel(names)];
    return tops.length === 1 && /^[A-Za-z]$/.test(tops[0]!) && ["Windows", "Users", "ProgramData"].some((d) => hasDir(names, `${tops[0]}/${d}`));
  },
  map(archive, warnings) {
    const label = path.basename(archive.path);
    const drive = [...topLevel(archive.names)][0]!;
    const fsys = new RootFilesystem(tarPart(archive, warnings, { prefix: layoutRoot(archive, drive), label }));
    // CyLR names its zip after the computer (COMPUTERNAME.zip).
    const stem = path.basename(archive.path).replace(/\.zip$/i, "");
    return { fs: fsys, hints: plausibleHostname(stem) ? { hostname: stem } : undefined };
  },
};

export const ZIP_LAYOUTS: readonly TarLayout[] = [velociraptorLayout, velociraptorEncryptedLayout, acquireLayout, uacLayout, cylrLayout, genericLayout];

/** Index the zip once, map it with the first layout that detects, and own its lifetime (as loadTar). */
export function loadZip(p: string, layouts: readonly TarLayout[] = ZIP_LAYOUTS, opts: LoadOptions = {}): LoadedTarget {
  const archive = openZipArchive(p, { maxInflate: opts.maxInflate });
  try {
    const layout = layouts.find((l) => l.detect(archive.names));
    if (!layout) throw new Error(`the zip does not have the ${layouts.map((l) => l.name).join(" or ")} layout`);
    const { fs: root, hints } = layout.map(archive, archive.warnings);
    return {
      fs: root,
      subloader: layout === genericLayout ? undefined : layout.name,
      hints,
      warnings: layout === genericLayout ? withRootCheck(archive.warnings.lines(), root) : archive.warnings.lines(),
      close: () => archive.close(),
    };
  } catch (e) {
    archive.close();
    throw e;
  }
}

function head(p: string): Buffer {
  const fd = fs.openSync(p, "r");
  try {
    const b = Buffer.alloc(4);
    const n = fs.readSync(fd, b, 0, 4, 0);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export const zipLoader: Loader = {
  name: "zip",
  description: "zip archive (zip64; stored and deflated members): Velociraptor, acquire, UAC, CyLR layouts or a plain root",
  detect(p) {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st?.isFile()) return false;
    return /\.zip$/i.test(p) || looksLikeZip(head(p));
  },
  load: (p, opts) => loadZip(p, ZIP_LAYOUTS, opts),
};
