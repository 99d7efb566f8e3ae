import type { RootFilesystem } from "../src/fs/root.js";

/** What a loader makes of a path: a mounted root filesystem, plus what it learnt on the way. */
export interface LoadedTarget {
  fs: RootFilesystem;
  /** A more specific layout recognised by the loader (e.g. "uac" inside "tar"). */
  subloader?: string;
  hints?: { hostname?: string };
  /**
   * What the analyst must hear about the evidence itself: skipped members ("../evil"), duplicates (the last one
   * won), truncated or corrupt archives, sparse members that could not be expanded. One line each.
   */
  warnings?: string[];
  /**
   * Parts of the evidence that could not be read at all: a disk volume that is encrypted, damaged, or holds a
   * filesystem quarry cannot read (btrfs, ZFS). The target opens and is read otherwise; the run ends with 1.
   */
  unreadable?: string[];
  /**
   * What lies beneath the root filesystem, one line each, for target-info: a disk image's container, and each
   * volume with its type, size, what it holds and where it is mounted.
   */
  layout?: readonly string[];
  /** Target path → the host file it shows (--direct): records name the host file, not the place it was put. */
  hostPaths?: ReadonlyMap<string, string>;
  /** Release what the loader holds (file descriptors, temporary files). */
  close?(): void;
}

/** What the analyst set for opening targets (budgets: docs/loaders.md). */
export interface LoadOptions {
  /** A fixed limit on what a compressed archive may inflate to (--max-inflate), instead of the default rule. */
  maxInflate?: number;
}

export interface Loader {
  readonly name: string;
  readonly description: string;
  /** Cheap test: could this loader take the path? Loaders are asked in registry order. */
  detect(path: string): boolean;
  load(path: string, opts?: LoadOptions): LoadedTarget | Promise<LoadedTarget>;
}
