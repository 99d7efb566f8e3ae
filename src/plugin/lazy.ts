// A plugin known by its static declaration (name, module path, functions, arguments) whose code is imported only
// when one of its functions is chosen: start-up then loads the modules a run needs, not all of them. The
// declaration comes from a manifest generated from the real plugins (plugins/manifest.generated.ts, checked
// against them by a test), so `-f` resolution, eligibility and argument binding never import plugin code.
import type { ArgSpec, Compat, FunctionContext, Plugin, PluginFunction, RecordSource } from "./define.js";
import type { RecordDescriptor } from "../records/descriptor.js";
import type { Target } from "../target.js";

/** A plugin's declaration without its code: what the registry needs before a function is chosen. */
export interface PluginManifest {
  name: string;
  path: string;
  namespace?: string;
  description: string;
  paths?: readonly string[];
  functions: Record<string, { output: "records" | "value"; description: string; args?: readonly ArgSpec[] }>;
}

const LOAD = Symbol("quarry.lazyLoad");

/** The manifest of a real plugin (what plugins/manifest.generated.ts holds for each built-in). */
export function manifestOf(p: Plugin): PluginManifest {
  const functions: PluginManifest["functions"] = {};
  for (const [name, fn] of Object.entries(p.functions)) {
    functions[name] = { output: fn.output, description: fn.description, ...(fn.args ? { args: fn.args } : {}) };
  }
  return {
    name: p.name,
    path: p.path,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    description: p.description,
    ...(p.paths ? { paths: p.paths } : {}),
    functions,
  };
}

/**
 * A Plugin that imports its implementation (`load`, a module whose default export is the plugin) the first time
 * its compatibility check or a function runs. Its record functions' `records` are there once it is loaded
 * (`loadPlugin`, `Registry.load()`); listing them before throws.
 */
export function lazyPlugin(manifest: PluginManifest, load: () => Promise<{ default: Plugin }>): Plugin {
  let real: Plugin | undefined;
  let pending: Promise<Plugin> | undefined;
  const get = (): Promise<Plugin> =>
    (pending ??= load().then((m) => {
      const p = m.default;
      if (p.name !== manifest.name || p.path !== manifest.path) {
        throw new Error(`plugin ${manifest.name} (${manifest.path}): its module holds ${p.name} (${p.path}); regenerate plugins/manifest.generated.ts`);
      }
      return (real = p);
    }));
  const implOf = async (name: string): Promise<PluginFunction> => {
    const fn = (await get()).functions[name];
    if (!fn) throw new Error(`plugin ${manifest.name} has no function ${name}; regenerate plugins/manifest.generated.ts`);
    return fn;
  };
  const functions: Record<string, PluginFunction> = {};
  for (const [name, decl] of Object.entries(manifest.functions)) {
    const base = { description: decl.description, ...(decl.args ? { args: decl.args } : {}) };
    if (decl.output === "value") {
      functions[name] = {
        ...base,
        output: "value",
        value: async (t: Target, ctx: FunctionContext) => ((await implOf(name)) as { value: (t: Target, c: FunctionContext) => unknown }).value(t, ctx),
      };
    } else {
      const fn = {
        ...base,
        output: "records" as const,
        run: async (t: Target, ctx: FunctionContext): Promise<RecordSource> =>
          ((await implOf(name)) as { run: (t: Target, c: FunctionContext) => RecordSource | Promise<RecordSource> }).run(t, ctx),
      } as PluginFunction;
      Object.defineProperty(fn, "records", {
        enumerable: true,
        get(): readonly RecordDescriptor[] {
          const impl = real?.functions[name];
          if (!impl) throw new Error(`${manifest.name}: ${name}: records of a plugin not loaded yet (await Registry.load() first)`);
          return impl.output === "records" ? impl.records : [];
        },
      });
      functions[name] = Object.freeze(fn);
    }
  }
  const plugin = {
    name: manifest.name,
    path: manifest.path,
    ...(manifest.namespace ? { namespace: manifest.namespace } : {}),
    description: manifest.description,
    ...(manifest.paths ? { paths: manifest.paths } : {}),
    checkCompatible: async (t: Target): Promise<Compat> => (await get()).checkCompatible(t),
    functions,
    [LOAD]: get,
  };
  return Object.freeze(plugin) as Plugin;
}

/** The plugin itself, its implementation imported if it is a lazy one. */
export async function loadPlugin(p: Plugin): Promise<Plugin> {
  const load = (p as { [LOAD]?: () => Promise<Plugin> })[LOAD];
  return load ? load() : p;
}

/** Is this plugin a lazy one (made by lazyPlugin)? */
export function isLazy(p: Plugin): boolean {
  return LOAD in p;
}
