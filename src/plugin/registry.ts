// Every exported function, indexed by name and by module path, and dissect's `-f` resolution on top:
// exact names, namespaces ("atop.*"), module-path prefixes and globs ("os.unix.log.*"), comma lists, -xf
// excludes; most specific first; no duplicates. Listing never runs plugin code.
import { osPathOf, type Plugin, type PluginFunction } from "./define.js";
import type { ExternalPlugins } from "./loaded.js";
import { loadPlugin } from "./lazy.js";

export interface FunctionRef {
  /** The CLI name: "wtmp", "atop.processes". */
  readonly name: string;
  /** Module path + short name: "os.unix.log.utmp.wtmp". */
  readonly path: string;
  readonly plugin: Plugin;
  readonly fn: PluginFunction;
}

/** All candidates for one function name, most specific (deepest module path) first. */
export interface FunctionGroup {
  readonly name: string;
  readonly candidates: readonly FunctionRef[];
}

export interface Resolution {
  groups: FunctionGroup[];
  invalid: string[];
}

export class Registry {
  readonly functions: readonly FunctionRef[];
  private readonly byName = new Map<string, FunctionRef[]>();
  readonly osPaths: ReadonlySet<string>;
  /** What loading external plugins gave (modules, failures, notices); null for a registry without them. */
  readonly external: ExternalPlugins | null;

  constructor(
    readonly plugins: readonly Plugin[],
    opts: { external?: ExternalPlugins } = {},
  ) {
    this.external = opts.external ?? null;
    const names = new Set<string>();
    const refs: FunctionRef[] = [];
    for (const p of plugins) {
      if (names.has(p.name)) throw new Error(`duplicate plugin name: ${p.name}`);
      names.add(p.name);
      for (const [name, fn] of Object.entries(p.functions)) {
        const short = p.namespace && name.startsWith(p.namespace + ".") ? name.slice(p.namespace.length + 1) : name;
        const ref: FunctionRef = { name, path: `${p.path}.${short}`, plugin: p, fn };
        refs.push(ref);
        const list = this.byName.get(name) ?? [];
        list.push(ref);
        this.byName.set(name, list);
      }
    }
    for (const list of this.byName.values()) list.sort(bySpecificity);
    this.functions = refs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.osPaths = new Set(plugins.filter((p) => p.os).map(osPathOf));
  }

  /**
   * Import every lazy plugin's implementation (lazyPlugin), so that their functions' `records` can be listed
   * (-l, docs, the field-type checks of external plugins). A run never needs it: a function chosen is imported.
   */
  async load(): Promise<this> {
    await Promise.all(this.plugins.map(loadPlugin));
    return this;
  }

  /** Was this plugin loaded from --plugin-path / $QUARRY_PLUGINS? */
  isExternal(plugin: Plugin): boolean {
    return this.external?.plugins.includes(plugin) ?? false;
  }

  get osPlugins(): Plugin[] {
    return this.plugins.filter((p) => p.os);
  }

  plugin(name: string): Plugin | undefined {
    return this.plugins.find((p) => p.name === name);
  }

  namespaces(): Set<string> {
    return new Set(this.plugins.flatMap((p) => (p.namespace ? [p.namespace] : [])));
  }

  /** Resolve a comma list of patterns, minus the excluded ones, into ordered, de-duplicated groups. */
  resolve(patterns: string | readonly string[], excluded: string | readonly string[] = []): Resolution {
    const invalid: string[] = [];
    const order: string[] = [];
    const members = new Map<string, Set<FunctionRef>>();
    for (const pattern of splitList(patterns)) {
      const hits = this.match(pattern);
      if (hits.length === 0) {
        invalid.push(pattern);
        continue;
      }
      for (const ref of hits) {
        if (!members.has(ref.name)) {
          members.set(ref.name, new Set());
          order.push(ref.name);
        }
        members.get(ref.name)!.add(ref);
      }
    }
    const excludedPaths = new Set<string>();
    for (const pattern of splitList(excluded)) {
      const hits = this.match(pattern);
      if (hits.length === 0) invalid.push(pattern);
      for (const ref of hits) excludedPaths.add(ref.path);
    }
    const groups: FunctionGroup[] = [];
    for (const name of order) {
      const candidates = [...members.get(name)!].filter((r) => !excludedPaths.has(r.path)).sort(bySpecificity);
      if (candidates.length) groups.push({ name, candidates });
    }
    return { groups, invalid };
  }

  /** The functions one pattern names. An exact name brings every candidate of that name. */
  match(pattern: string): FunctionRef[] {
    const exact = this.byName.get(pattern);
    if (exact) return [...exact];
    if (this.namespaces().has(pattern)) return this.functions.filter((f) => f.plugin.namespace === pattern);
    if (/[*?[]/.test(pattern)) {
      const re = fnmatchRegex(pattern);
      const ns = pattern.endsWith(".*") ? pattern.slice(0, -2) : null;
      const hits = this.functions.filter((f) => re.test(f.name) || re.test(f.path) || (ns !== null && f.plugin.namespace === ns));
      return this.withAllCandidates(hits);
    }
    return this.withAllCandidates(this.functions.filter((f) => f.path === pattern || f.path.startsWith(pattern + ".")));
  }

  /** A tree match names functions; each brings the other candidates of its name (the most specific wins later). */
  private withAllCandidates(hits: FunctionRef[]): FunctionRef[] {
    const out = new Set<FunctionRef>();
    for (const h of hits) for (const c of this.byName.get(h.name) ?? [h]) out.add(c);
    return [...out].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Is a function eligible for a target whose OS lineage ends at `osPath` ("os.unix.linux")? Plugins outside
   * os.* apply everywhere; under os.* the longest known OS prefix must be on the target's lineage. A target of
   * unknown OS may run any function except another OS's own (_os) functions.
   */
  eligible(ref: FunctionRef, osPath: string | null): boolean {
    const p = ref.plugin.path;
    if (!p.startsWith("os.")) return true;
    const parts = p.split(".");
    let osOfPlugin: string | null = null;
    for (let i = parts.length; i >= 2; i--) {
      const prefix = parts.slice(0, i).join(".");
      if (this.osPaths.has(prefix)) {
        osOfPlugin = prefix;
        break;
      }
    }
    if (osPath === null) return !ref.plugin.os;
    if (osOfPlugin === null) return false;
    return osPath === osOfPlugin || osPath.startsWith(osOfPlugin + ".");
  }
}

function bySpecificity(a: FunctionRef, b: FunctionRef): number {
  return b.plugin.path.split(".").length - a.plugin.path.split(".").length || (a.path < b.path ? -1 : 1);
}

export function splitList(v: string | readonly string[]): string[] {
  const items = typeof v === "string" ? [v] : v;
  return items.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== "");
}

/** fnmatch over dotted names: `*` spans anything (dots included), `?` one character. */
export function fnmatchRegex(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, close);
        const neg = body.startsWith("!");
        if (neg) body = body.slice(1);
        re += (neg ? "[^" : "[") + body.replace(/\\/g, "\\\\") + "]";
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(re + "$");
}

export type { Plugin, PluginFunction };
