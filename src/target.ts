// A Target: what was collected from one host, mounted as one root filesystem, with its OS detected.
import { createHash } from "node:crypto";
import nodeFs from "node:fs";
import path from "node:path";
import { RootFilesystem } from "./fs/root.js";
import { MemoryBackend, type MemoryTree } from "./fs/memory.js";
import { osPathOf, type OsInfo, type OsPlugin } from "./plugin/os.js";
import { findLoader, loaderByName, type LoadedTarget } from "../loaders/index.js";
import { loadDirect } from "../loaders/direct.js";
import { describeUnsupported } from "../loaders/unsupported.js";

export interface OpenOptions {
  /** Force a loader by name (-L). */
  loader?: string;
  /**
   * OS plugins to detect with. None by default: Target knows no plugin (plugins import Target through "quarry");
   * the built-ins' are passed by the CLI, or by openTarget() of plugins/index.ts.
   */
  osPlugins?: readonly OsPlugin[];
  /** A fixed limit on what a compressed archive may inflate to (--max-inflate; docs/loaders.md "Budgets"). */
  maxInflate?: number;
  /**
   * --direct: no image; these host files and directories, placed where the plugins whose path globs are given
   * look for them (loaders/direct.ts). The target's path is then only its name.
   */
  direct?: { paths: readonly string[]; globs: readonly string[] };
}

export class TargetError extends Error {
  constructor(
    readonly targetPath: string,
    message: string,
  ) {
    super(`${targetPath}: ${message}`);
    this.name = "TargetError";
  }
}

export class Target {
  readonly osPlugin: OsPlugin | null;
  /** The detected OS's module path ("os.unix.linux"), or null when unknown. */
  readonly osPath: string | null;
  private readonly info: OsInfo;
  /** What the OS plugin found wrong while reading the target's properties. */
  private readonly osWarnings: string[] = [];

  private constructor(
    /** The path (or URI) the target was opened from, as given. */
    readonly path: string,
    /** Stable identifier for batch output and `_source`: derived from the path. */
    readonly id: string,
    readonly fs: RootFilesystem,
    readonly loader: string,
    private readonly loaded: LoadedTarget,
    osPlugins: readonly OsPlugin[],
  ) {
    this.osPlugin = detectOs(fs, osPlugins);
    this.osPath = this.osPlugin ? osPathOf(this.osPlugin) : null;
    const info = this.osPlugin?.os?.info(fs, (w) => this.osWarnings.push(w)) ?? { hostname: null, domain: null, os: null, version: null };
    if (!info.hostname && loaded.hints?.hostname) info.hostname = loaded.hints.hostname;
    this.info = info;
  }

  /** Open a path with the first loader that takes it (or the one forced by name). */
  static async open(p: string, opts: OpenOptions = {}): Promise<Target> {
    if (opts.direct) return Target.openDirect(p, opts.direct, opts.osPlugins ?? []);
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !nodeFs.existsSync(p)) throw new TargetError(p, "path does not exist");
    const loader = opts.loader ? loaderByName(opts.loader) : findLoader(p);
    if (!loader) {
      throw new TargetError(p, opts.loader ? `unknown loader "${opts.loader}"` : describeUnsupported(p));
    }
    let loaded: LoadedTarget;
    try {
      loaded = await loader.load(p, { maxInflate: opts.maxInflate });
    } catch (e) {
      throw new TargetError(p, `loader ${loader.name} failed: ${(e as Error).message}`);
    }
    try {
      return new Target(p, targetId(p), loaded.fs, loaded.subloader ?? loader.name, loaded, opts.osPlugins ?? []);
    } catch (e) {
      loaded.close?.();
      throw e;
    }
  }

  private static openDirect(name: string, direct: NonNullable<OpenOptions["direct"]>, osPlugins: readonly OsPlugin[]): Target {
    let loaded: LoadedTarget;
    try {
      loaded = loadDirect(direct);
    } catch (e) {
      throw new TargetError(name, `--direct: ${(e as Error).message}`);
    }
    return new Target(name, slug(name), loaded.fs, "direct", loaded, osPlugins);
  }

  /** The host file a target path shows (--direct), else the path itself: what records and messages name. */
  hostPath(p: string): string {
    return this.loaded.hostPaths?.get(p) ?? p;
  }

  /** Does this target map its paths to host files (--direct)? */
  get mapsHostPaths(): boolean {
    return this.loaded.hostPaths !== undefined;
  }

  /** A target over an in-memory tree (tests, crafted examples). */
  static fromTree(tree: MemoryTree, opts: { path?: string; id?: string; osPlugins?: readonly OsPlugin[] } = {}): Target {
    const fs = new RootFilesystem(new MemoryBackend(tree));
    const p = opts.path ?? "memory";
    return new Target(p, opts.id ?? slug(p), fs, "memory", { fs }, opts.osPlugins ?? []);
  }

  get hostname(): string | null {
    return this.info.hostname;
  }
  get domain(): string | null {
    return this.info.domain;
  }
  get os(): string | null {
    return this.info.os;
  }
  get version(): string | null {
    return this.info.version;
  }

  /** What lies beneath the root filesystem (a disk image's container and volumes), one line each; else empty. */
  get layout(): readonly string[] {
    return this.loaded.layout ?? [];
  }

  /** What of the evidence could not be read at all (LoadedTarget.unreadable); the exit code is 1 when any. */
  get unreadable(): readonly string[] {
    return this.loaded.unreadable ?? [];
  }

  /** The loader's warnings about the evidence (skipped or duplicate archive members, truncation…), then the OS plugin's. */
  get warnings(): readonly string[] {
    const loaded = this.loaded.warnings ?? [];
    return this.osWarnings.length ? [...loaded, ...this.osWarnings] : loaded;
  }

  close(): void {
    this.fs.close();
    this.loaded.close?.();
  }

  toString(): string {
    return `<Target ${this.path}>`;
  }
}

/** The most specific OS plugin whose detection passes (Linux beats Unix). */
function detectOs(fs: RootFilesystem, osPlugins: readonly OsPlugin[]): OsPlugin | null {
  let best: OsPlugin | null = null;
  for (const p of osPlugins) {
    let hit = false;
    try {
      hit = p.os!.detect(fs);
    } catch {
      hit = false;
    }
    if (hit && (!best || osPathOf(p).split(".").length > osPathOf(best).split(".").length)) best = p;
  }
  return best;
}

/** "<name>-<8 hex of the absolute path's sha256>": readable, unique per location, stable across runs. */
export function targetId(p: string): string {
  const isUri = /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
  const abs = isUri ? p : path.resolve(p);
  const base = isUri ? p.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "") : path.basename(abs);
  const h = createHash("sha256").update(abs).digest("hex").slice(0, 8);
  return `${slug(base)}-${h}`;
}

function slug(s: string): string {
  const out = s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 80);
  return out || "target";
}
