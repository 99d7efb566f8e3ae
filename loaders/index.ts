// The loaders, in detection order: most specific and cheapest first; the plain directory last.
// Archives: the tar loader indexes once and picks the layout inside (acquire, UAC, generic) from that index;
// `-L uac` / `-L acquire` force the layout on an archive too. The zip loader maps the same layouts (and
// Velociraptor's, CyLR's) over a zip's central directory, before the tar loader since its magic is cheaper.
// Disk images (docs/disks.md) come after the archives: a container's magic, or a partition table, PV or
// superblock at the start of a raw file.
import { acquireLoader } from "./acquire.js";
import { dirLoader } from "./dir.js";
import { diskLoader } from "./disk.js";
import { memoryLoader } from "./memory.js";
import { tarLoader } from "./tar.js";
import type { Loader } from "./types.js";
import { uacLoader } from "./uac.js";
import { zipLoader } from "./zip.js";

export const LOADERS: readonly Loader[] = [memoryLoader, uacLoader, acquireLoader, zipLoader, tarLoader, diskLoader, dirLoader];

export function findLoader(path: string): Loader | undefined {
  return LOADERS.find((l) => {
    try {
      return l.detect(path);
    } catch {
      return false;
    }
  });
}

export function loaderByName(name: string): Loader | undefined {
  return LOADERS.find((l) => l.name === name);
}

export type { LoadedTarget, Loader } from "./types.js";
