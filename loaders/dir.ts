// A directory on the host that looks like a system root (dissect's DirLoader for unix: /etc and /var).
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import { isHostDir } from "./layout.js";
import type { Loader } from "./types.js";

/**
 * /etc and /var, the markers dissect uses for a unix root, looked up the way the target will see them: through
 * its own root, so `etc -> /etc` (the host's) is a link to itself and does not make a host folder an OS root.
 */
export function looksLikeOsRoot(dir: string): boolean {
  const root = new RootFilesystem(new DirectoryBackend(dir));
  return root.isDir("/etc") && root.isDir("/var");
}

export const dirLoader: Loader = {
  name: "dir",
  description: "a directory holding an extracted system root (etc/ and var/)",
  detect: (p) => isHostDir(p) && looksLikeOsRoot(p),
  load(p) {
    if (!isHostDir(p)) throw new Error("not a directory");
    return { fs: new RootFilesystem(new DirectoryBackend(p)) };
  },
};
