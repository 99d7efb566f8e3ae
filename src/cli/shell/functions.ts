// A plugin function typed at the prompt (`wtmp`, `failed_logins --by addr -j`): the same runner and sinks as
// target-query, text by default, JSON lines with -j.
import type { Registry } from "../../plugin/registry.js";
import { runOnTarget } from "../../plugin/runner.js";
import type { Target } from "../../target.js";
import type { Logger } from "../../util/log.js";
import { UsageError, type CliIO } from "../common.js";
import { openSink, type OutputFormat } from "../output.js";

/** Is `name` a function (exactly, no patterns) of this registry? */
export function isFunction(registry: Registry, name: string): boolean {
  return !/[*?[,]/.test(name) && registry.match(name).some((r) => r.name === name || r.path === name);
}

/** `--by addr`, `--by=addr`, `--flag` (a boolean argument), plus the shell's -j / -s: checked against the declarations. */
export function functionArgs(registry: Registry, name: string, argv: readonly string[]): { args: Record<string, unknown>; format: OutputFormat } {
  const specs = registry.match(name).flatMap((r) => r.fn.args ?? []);
  const args: Record<string, unknown> = {};
  let format: OutputFormat = "text";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-j" || a === "--json") format = "jsonl";
    else if (a === "-s" || a === "--strings") format = "text";
    else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const key = a.slice(2, eq > 0 ? eq : undefined);
      const spec = specs.find((s) => s.name === key);
      if (!spec) throw new UsageError(`${name}: unknown option ${a}${specs.length ? ` (it takes ${[...new Set(specs.map((s) => "--" + s.name))].join(", ")})` : " (it takes no arguments)"}`);
      if (eq > 0) args[key] = a.slice(eq + 1);
      else if (spec.type === "boolean") args[key] = true;
      else {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${name}: ${a} needs a value`);
        args[key] = v;
      }
    } else throw new UsageError(`${name}: unexpected ${JSON.stringify(a)} (function arguments are --NAME VALUE; -j for JSON lines)`);
  }
  return { args, format };
}

/** Run one function on the current target into `io.stdout`; returns whether it ran without error. */
export async function runFunction(target: Target, registry: Registry, name: string, argv: readonly string[], io: CliIO, log: Logger): Promise<boolean> {
  const { args, format } = functionArgs(registry, name, argv);
  const resolution = registry.resolve([name]);
  const sink = openSink(format, io);
  let ok = true;
  try {
    const outcomes = await runOnTarget(target, resolution.groups, registry, sink, { args, log });
    for (const o of outcomes) if (o.status === "error") ok = false;
  } finally {
    await sink.close();
  }
  return ok;
}
