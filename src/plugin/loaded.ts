// What loading external plugins gave: the plugins, the modules they came from, and what failed. Apart from
// external.ts so the registry can carry it without importing the loader (which imports the registry).
import type { Plugin } from "./define.js";

/** A module (or a whole path) that gave no usable plugin, and why. */
export interface PluginFailure {
  /** The module file (or the --plugin-path entry when it could not be read). */
  file: string;
  /** The plugin's name when the module loaded but one of its plugins was rejected. */
  plugin?: string;
  reason: string;
}

/** A module that loaded, with the plugins taken from it. */
export interface PluginSource {
  file: string;
  plugins: string[];
}

export interface ExternalPlugins {
  plugins: Plugin[];
  sources: PluginSource[];
  failures: PluginFailure[];
  /** Things the analyst should know that are not failures: a built-in replaced, a field typed two ways. */
  notices: string[];
}
