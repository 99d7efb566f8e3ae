// A directory on the host that looks like a system root (dissect's DirLoader for unix: /etc and /var).
import fs from "node:fs";
import path from "node:path";
import { DirectoryBackend } from "../src/fs/dir.js";
import { RootFilesystem } from "../src/fs/root.js";
import type { Loader } from "./types.js";

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** /etc and /var, the markers dissect uses for a unix root. */
export function looksLikeOsRoot(dir: string): boolean {
  return isDir(path.join(dir, "etc")) && isDir(path.join(dir, "var"));
}

export const dirLoader: Loader = {
  name: "dir",
  description: "a directory holding an extracted system root (etc/ and var/)",
  detect: (p) => isDir(p) && looksLikeOsRoot(p),
  load(p) {
    if (!isDir(p)) throw new Error("not a directory");
    return { fs: new RootFilesystem(new DirectoryBackend(p)) };
  },
};
