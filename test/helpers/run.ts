// Running one function of the default registry on a target, in process, collecting its records, its outcome
// (warnings and errors) and what it logged: the plumbing the plugin tests share.
import { defaultRegistry, targetFromTree } from "../../plugins/index.js";
import type { MemoryTree } from "../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../src/plugin/runner.js";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { Target } from "../../src/target.js";
import { Logger } from "../../src/util/log.js";

export interface RunResult {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  log: string;
}

/** Run `fn` on `target` (closed afterwards); records generated at the epoch, everything logged kept. */
export async function runFunction(target: Target, fn: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  const records: AnyRecord[] = [];
  let log = "";
  const sink = {
    write(r: AnyRecord) {
      records.push(r);
    },
    async close() {},
  };
  const res = defaultRegistry.resolve(fn);
  if (res.invalid.length) throw new Error(`unknown function ${fn}`);
  try {
    const outcomes = await runOnTarget(target, res.groups, defaultRegistry, sink, {
      args,
      log: new Logger((l) => (log += l), "debug"),
      generated: Timestamp.fromUnix(0),
    });
    return { records, outcome: outcomes[0]!, log };
  } finally {
    target.close();
  }
}

/** Run `fn` on a memory tree (with /etc/hostname web01 unless the tree has one) or on a target as it is. */
export function run(tree: MemoryTree | Target, fn: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  return runFunction(tree instanceof Target ? tree : targetFromTree({ "/etc/hostname": "web01\n", ...tree }), fn, args);
}
