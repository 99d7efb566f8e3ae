// External plugins: compiled JavaScript modules loaded from --plugin-path DIR|FILE and $QUARRY_PLUGINS.
// Each module is imported on its own; one that fails to import, or declares a plugin that does not hold
// together, is reported by file (and plugin name) and left out. The others load and run.
import fs from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Plugin } from "./define.js";
import { Registry } from "./registry.js";
import { checkPlugin, fieldTypeConflicts } from "./check.js";
import type { ExternalPlugins, PluginFailure, PluginSource } from "./loaded.js";

export type { ExternalPlugins, PluginFailure, PluginSource } from "./loaded.js";


const MODULE_EXT = /\.(m?js|cjs)$/;
const TYPESCRIPT = /\.(m?ts|cts)$/;
const COMPILE_HINT = "plugins are loaded compiled: build the TypeScript first (tsc; see docs/writing-plugins.md §9)";
const SKIP_DIRS = new Set(["node_modules"]);

/** --plugin-path entries, then $QUARRY_PLUGINS (path.delimiter-separated); empty entries dropped, order kept. */
export function pluginPaths(cli: readonly string[] | string | undefined, env: string | undefined = process.env.QUARRY_PLUGINS): string[] {
  const fromCli = cli === undefined ? [] : typeof cli === "string" ? [cli] : [...cli];
  const fromEnv = env ? env.split(path.delimiter) : [];
  return [...new Set([...fromCli, ...fromEnv].map((p) => p.trim()).filter((p) => p !== "").map((p) => path.resolve(p)))];
}

/**
 * Every module file a --plugin-path entry names: the file itself, or the .js/.mjs/.cjs files below a folder.
 * TypeScript sources alone (a plugin not built yet) would load nothing without a word: that is an error.
 */
function moduleFiles(entry: string): string[] {
  const st = fs.statSync(entry);
  if (!st.isDirectory()) {
    if (TYPESCRIPT.test(entry) && !entry.endsWith(".d.ts")) throw new Error(`a TypeScript source; ${COMPILE_HINT}`);
    return [entry];
  }
  const out: string[] = [];
  let sources = 0;
  const walk = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (MODULE_EXT.test(e.name)) out.push(p);
      else if (TYPESCRIPT.test(e.name) && !e.name.endsWith(".d.ts")) sources++;
    }
  };
  walk(entry);
  if (out.length === 0 && sources > 0) throw new Error(`no JavaScript modules, only ${sources} TypeScript source(s); ${COMPILE_HINT}`);
  return out;
}

/** Plugin-shaped values among a module's exports: the default (a plugin or an array of them) and named ones. */
function exportedPlugins(mod: Record<string, unknown>): unknown[] {
  const found = new Set<unknown>();
  const consider = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(consider);
    else if (looksLikePlugin(v)) found.add(v);
  };
  consider(mod.default);
  for (const [k, v] of Object.entries(mod)) if (k !== "default") consider(v);
  return [...found];
}

function looksLikePlugin(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.name === "string" && typeof o.functions === "object" && o.functions !== null && ("checkCompatible" in o || "path" in o);
}

/**
 * The URL "quarry" must mean inside an external plugin: this very copy of the package, so the plugin's
 * records, Timestamps and descriptors are the classes the sinks know (one copy, whatever the plugin's own
 * node_modules holds). Registered once per thread; absent when running from the TypeScript sources (tests),
 * where the test runner's alias does the same.
 */
let resolverInstalled = false;
function installQuarryResolver(): void {
  if (resolverInstalled) return;
  resolverInstalled = true;
  const index = new URL("../index.js", import.meta.url);
  if (!fs.existsSync(fileURLToPath(index))) return;
  const hooks =
    `const QUARRY = ${JSON.stringify(index.href)};\n` +
    `export async function resolve(specifier, context, next) {\n` +
    `  if (specifier === "quarry") return { url: QUARRY, format: "module", shortCircuit: true };\n` +
    `  return next(specifier, context);\n` +
    `}\n`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

/**
 * Load the plugins of every module below `paths`. `builtins` are the plugins already known: an external plugin
 * with a built-in's name replaces it (a notice says so); two external plugins with one name are a failure.
 */
export async function loadExternalPlugins(paths: readonly string[], builtins: readonly Plugin[] = []): Promise<ExternalPlugins> {
  const result: ExternalPlugins = { plugins: [], sources: [], failures: [], notices: [] };
  if (paths.length === 0) return result;
  installQuarryResolver();
  const builtinNames = new Set(builtins.map((p) => p.name));
  const externalBy = new Map<string, string>(); // plugin name → file
  const seenFiles = new Set<string>();
  for (const entry of paths) {
    let files: string[];
    try {
      files = moduleFiles(entry);
    } catch (e) {
      result.failures.push({ file: entry, reason: errorText(e) });
      continue;
    }
    for (const file of files) {
      if (seenFiles.has(file)) continue;
      seenFiles.add(file);
      let mod: Record<string, unknown>;
      try {
        mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      } catch (e) {
        result.failures.push({ file, reason: errorText(e) });
        continue;
      }
      const source: PluginSource = { file, plugins: [] };
      for (const candidate of exportedPlugins(mod)) {
        const name = (candidate as { name: string }).name;
        const problems = checkPlugin(candidate);
        if (problems.length) {
          result.failures.push({ file, plugin: name, reason: problems.join("; ") });
          continue;
        }
        const plugin = candidate as Plugin;
        const earlier = externalBy.get(name);
        if (earlier !== undefined) {
          result.failures.push({ file, plugin: name, reason: `a plugin named ${name} was already loaded from ${earlier}` });
          continue;
        }
        externalBy.set(name, file);
        if (builtinNames.has(name)) result.notices.push(`external plugin ${name} (${file}) replaces the built-in one`);
        result.plugins.push(plugin);
        source.plugins.push(name);
      }
      if (source.plugins.length || !result.failures.some((f) => f.file === file)) result.sources.push(source);
    }
  }
  return result;
}

/** A registry of the built-in plugins (those an external one replaces left out) plus the external ones. */
export async function withExternalPlugins(base: Registry, paths: readonly string[]): Promise<Registry> {
  if (paths.length === 0) return base;
  await base.load(); // the field-type checks read every built-in's record descriptors
  const ext = await loadExternalPlugins(paths, base.plugins);
  const replaced = new Set(ext.plugins.map((p) => p.name));
  const plugins = [...base.plugins.filter((p) => !replaced.has(p.name)), ...ext.plugins];
  for (const c of fieldTypeConflicts(plugins, ext.plugins)) ext.notices.push(c);
  return new Registry(plugins, { external: ext });
}

/** "plugin NAME (FILE)" or the file: how messages and listings name a failure. */
export function describeFailure(f: PluginFailure): string {
  return `${f.plugin ? `${f.plugin} (${f.file})` : f.file}: ${f.reason}`;
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file or directory" : `${e.name === "Error" ? "" : e.name + ": "}${e.message}`;
  }
  return String(e);
}
