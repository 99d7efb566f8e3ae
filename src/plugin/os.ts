// What Target needs of an OS plugin to detect the OS and read its properties: apart from define.ts, which
// speaks of Target (a plugin's functions take one), so that Target does not depend on the plugin API.
import type { RootFilesystem } from "../fs/root.js";

export interface OsInfo {
  hostname: string | null;
  domain: string | null;
  os: string | null;
  version: string | null;
}

/** The OS part of an OS plugin: detection on the mounted root, and the properties it knows how to read. */
export interface OsSpec {
  /** The OS this plugin refines ("os.unix" for Linux), so the most specific detected OS wins. */
  parent?: string;
  detect(fs: RootFilesystem): boolean;
  /** `warn` takes what the evidence got wrong (a file cut at its budget, a hostname that is none): target warnings. */
  info(fs: RootFilesystem, warn: (message: string) => void): OsInfo;
}

/** An OS plugin as Target sees it (every Plugin with an `os` part is one). */
export interface OsPlugin {
  readonly name: string;
  readonly path: string;
  readonly os?: OsSpec;
}

/** The module path of an OS plugin is "<os path>._os"; this gives "<os path>". */
export function osPathOf(plugin: { readonly path: string }): string {
  return plugin.path.endsWith("._os") ? plugin.path.slice(0, -4) : plugin.path;
}
