// How a plugin declares itself: static metadata (names, descriptions, record descriptors, arguments) that the
// registry lists without running anything, a compatibility check that says why, and the functions.
import type { AnyRecord, RecordDescriptor } from "../records/descriptor.js";
import type { RootFilesystem } from "../fs/root.js";
import type { Target } from "../target.js";
import type { OsSpec } from "./os.js";

export { osPathOf, type OsInfo, type OsSpec } from "./os.js";

export type Compat = { ok: true } | { ok: false; reason: string };
export const ok = (): Compat => ({ ok: true });
export const absent = (reason: string): Compat => ({ ok: false, reason });

export interface ArgSpec {
  /** Long option name without dashes: "by" → --by. */
  name: string;
  type: "string" | "number" | "boolean";
  help: string;
  choices?: readonly string[];
  default?: string | number | boolean;
}

export type ArgValues = Record<string, string | number | boolean | undefined>;

export interface Issue {
  message: string;
  /** The artefact the issue is about, and the byte offset in it where known. */
  file?: string;
  offset?: number;
}

/** What a running function may tell the run besides its records. */
export interface FunctionContext {
  readonly args: ArgValues;
  /** Something odd that the analyst should see; the run is not failed by it. */
  warn(issue: Issue): void;
  /** A real error (corrupt artefact, unreadable file): counted, reported, and the exit code becomes 1. */
  error(issue: Issue): void;
}

interface FunctionBase {
  description: string;
  args?: readonly ArgSpec[];
}

export type RecordSource = AsyncIterable<AnyRecord> | Iterable<AnyRecord>;

export interface RecordFunction extends FunctionBase {
  output: "records";
  records: readonly RecordDescriptor[];
  /**
   * The records, as a generator (sync or async). A function that must await before it can yield (open a
   * database, say) may return a promise of a synchronous iterable: the run then costs no promise per record.
   */
  run(target: Target, ctx: FunctionContext): RecordSource | Promise<RecordSource>;
}

export interface ValueFunction extends FunctionBase {
  output: "value";
  value(target: Target, ctx: FunctionContext): unknown;
}

export type PluginFunction = RecordFunction | ValueFunction;

export interface PluginSpec {
  /** Short name, unique. */
  name: string;
  /** Module path in the OS taxonomy, mirroring the file: "os.unix.log.utmp", "os.unix.linux._os". */
  path: string;
  /** Functions of a namespaced plugin are called "<namespace>.<fn>" (except one named as the namespace). */
  namespace?: string;
  description: string;
  /** Artefact paths (globs) the plugin reads: documentation, and what a selective archive pass keeps. */
  paths?: readonly string[];
  /** Present only on OS plugins. */
  os?: OsSpec;
  checkCompatible(target: Target): Compat | Promise<Compat>;
  functions: Record<string, PluginFunction>;
}

export type Plugin = Readonly<PluginSpec>;

export function definePlugin(spec: PluginSpec): Plugin {
  if (spec.namespace) {
    for (const name of Object.keys(spec.functions)) {
      if (name !== spec.namespace && !name.startsWith(spec.namespace + ".")) {
        throw new TypeError(`${spec.name}: function ${name} is outside namespace ${spec.namespace}`);
      }
    }
  }
  return Object.freeze(spec);
}

