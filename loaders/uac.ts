// UAC (Unix-like Artifacts Collector) collections: a tar/tar.gz, or its extracted directory. `[root]/` (also
// spelt `./[root]/` or `/[root]/` in archives) becomes the target's `/`; everything else UAC collected —
// live_response/, bodyfile/, hash_executables/, uac.log — stays readable under `/$uac$/`.
import path from "node:path";
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import { dirInside, dirOrRefused, hostLexists } from "./contain.js";
import { hasDir, HideTopLevel, isHostDir, layoutRoot, loadTar, tarPart, type TarLayout } from "./layout.js";
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
    const fsys = new RootFilesystem(tarPart(archive, warnings, { prefix: layoutRoot(archive, ROOT), label }));
    const side = tarPart(archive, warnings, { label, exclude: (p) => p === ROOT || p.startsWith(ROOT + "/") });
    fsys.mount(UAC_SIDE_MOUNT, side);
    const hostname = hostnameHint(new RootFilesystem(side), archive.path);
    return { fs: fsys, hints: hostname ? { hostname } : undefined };
  },
};

/** `[root]` (a directory, or a link the loader will refuse) and `uac.log`: an extracted UAC collection. */
export function isUacDir(p: string): boolean {
  return hostLexists(path.join(p, "uac.log")) && dirOrRefused(p, ROOT);
}

export const uacLoader: Loader = {
  name: "uac",
  description: "UAC collection: an extracted directory ([root]/ + uac.log), or with -L a UAC tar/tar.gz",
  detect: (p) => isUacDir(p),
  async load(p, opts) {
    if (!isHostDir(p)) return loadTar(p, [uacLayout], opts);
    // [root] is evidence: a link is followed only inside the collection (`[root] -> /` is refused).
    const root = dirInside(p, ROOT);
    if (!root) throw new Error("no [root]/ directory: not a UAC collection");
    const fsys = new RootFilesystem(new DirectoryBackend(root));
    const side = new HideTopLevel(new DirectoryBackend(p), new Set([ROOT]));
    fsys.mount(UAC_SIDE_MOUNT, side);
    const hostname = hostnameHint(new RootFilesystem(side), p);
    return { fs: fsys, subloader: undefined, hints: hostname ? { hostname } : undefined };
  },
};
