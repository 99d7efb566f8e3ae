// UAC (Unix-like Artifacts Collector) collections: a tar/tar.gz, or its extracted directory. `[root]/` (also
// spelt `./[root]/` or `/[root]/` in archives) becomes the target's `/`; everything else UAC collected —
// live_response/, bodyfile/, hash_executables/, uac.log — stays readable under `/$uac$/`.
import fs from "node:fs";
import path from "node:path";
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import { hasDir, HideTopLevel, loadTar, tarPart, type TarLayout } from "./layout.js";
import type { Loader } from "./types.js";

export const UAC_SIDE_MOUNT = "/$uac$";
const ROOT = "[root]";

/** Where UAC writes the `hostname` command's output, most likely first. */
const HOSTNAME_FILES = ["live_response/network/hostname.txt", "live_response/system/hostname.txt", "live_response/network/hostname_-f.txt"];

/** The host named in a UAC archive name: uac-HOST-OS-YYYYMMDDhhmmss.tar.gz (HOST may contain dashes). */
export function hostnameFromUacName(file: string): string | undefined {
  const m = /^uac-(.+)-([A-Za-z0-9]+)-(\d{14})(?:\.tar\.gz|\.tgz|\.tar|\.zip)?$/.exec(path.basename(file));
  return m?.[1];
}

function plausibleHostname(s: string): string | undefined {
  const line = s.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "");
  return line && /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(line) ? line : undefined;
}

function hostnameHint(side: RootFilesystem, collectionPath: string): string | undefined {
  for (const f of HOSTNAME_FILES) {
    try {
      if (side.isFile("/" + f)) {
        const h = plausibleHostname(side.readText("/" + f));
        if (h) return h;
      }
    } catch {
      /* unreadable: try the next */
    }
  }
  return hostnameFromUacName(collectionPath);
}

export const uacLayout: TarLayout = {
  name: "uac",
  detect: (names) => hasDir(names, ROOT) && names.some((n) => n === "uac.log" || n.startsWith("live_response/") || n.startsWith("bodyfile/")),
  map(archive, warnings) {
    const label = path.basename(archive.path);
    const fsys = new RootFilesystem(tarPart(archive, warnings, { prefix: ROOT, label }));
    const side = tarPart(archive, warnings, { label, exclude: (p) => p === ROOT || p.startsWith(ROOT + "/") });
    // Each member lands in exactly one of the two trees; avoid counting a warning twice.
    dedupe(warnings);
    fsys.mount(UAC_SIDE_MOUNT, side);
    const hostname = hostnameHint(new RootFilesystem(side), archive.path);
    return { fs: fsys, hints: hostname ? { hostname } : undefined };
  },
};

function dedupe(a: string[]): void {
  const seen = new Set<string>();
  let w = 0;
  for (const x of a) if (!seen.has(x)) (seen.add(x), (a[w++] = x));
  a.length = w;
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function isUacDir(p: string): boolean {
  return isDir(path.join(p, ROOT)) && fs.existsSync(path.join(p, "uac.log"));
}

export const uacLoader: Loader = {
  name: "uac",
  description: "UAC collection: an extracted directory ([root]/ + uac.log), or with -L a UAC tar/tar.gz",
  detect: (p) => isUacDir(p),
  async load(p) {
    if (!isDir(p)) return loadTar(p, [uacLayout]);
    if (!isDir(path.join(p, ROOT))) throw new Error("no [root]/ directory: not a UAC collection");
    const fsys = new RootFilesystem(new DirectoryBackend(path.join(p, ROOT)));
    const side = new HideTopLevel(new DirectoryBackend(p), new Set([ROOT]));
    fsys.mount(UAC_SIDE_MOUNT, side);
    const hostname = hostnameHint(new RootFilesystem(side), p);
    return { fs: fsys, subloader: undefined, hints: hostname ? { hostname } : undefined };
  },
};
