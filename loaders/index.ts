// The loaders, in detection order: most specific and cheapest first; the plain directory last.
import { dirLoader } from "./dir.js";
import { memoryLoader } from "./memory.js";
import type { Loader } from "./types.js";

export const LOADERS: readonly Loader[] = [memoryLoader, dirLoader];

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
