// memory://NAME: an in-memory tree registered by the embedding program (tests, crafted examples). Trees can
// also become targets directly through Target.fromTree().
import { MemoryBackend, type MemoryTree } from "../src/fs/memory.js";
import { RootFilesystem } from "../src/fs/root.js";
import type { Loader } from "./types.js";

const trees = new Map<string, MemoryTree>();

export function registerMemoryTree(name: string, tree: MemoryTree): string {
  trees.set(name, tree);
  return `memory://${name}`;
}

export const memoryLoader: Loader = {
  name: "memory",
  description: "memory://NAME, an in-memory tree registered by the program",
  detect: (p) => p.startsWith("memory://"),
  load(p) {
    const tree = trees.get(p.slice("memory://".length));
    if (!tree) throw new Error(`no in-memory tree registered as ${p}`);
    return { fs: new RootFilesystem(new MemoryBackend(tree)) };
  },
};
