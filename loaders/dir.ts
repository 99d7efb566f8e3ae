// A directory on the host that looks like a system root (dissect's DirLoader for unix: /etc and /var).
import path from "node:path";
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import { isHostDir } from "./layout.js";
import type { Loader } from "./types.js";

/** /etc and /var, the markers dissect uses for a unix root. */
export function looksLikeOsRoot(dir: string): boolean {
  return isHostDir(path.join(dir, "etc")) && isHostDir(path.join(dir, "var"));
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
