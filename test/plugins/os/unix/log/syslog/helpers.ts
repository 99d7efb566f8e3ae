// Running a text-log function on an in-memory target and collecting its records and issues.
import { Target } from "../../../../../../src/target.js";
import type { MemoryTree } from "../../../../../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../../src/plugin/runner.js";
import { defaultRegistry } from "../../../../../../plugins/index.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { Logger } from "../../../../../../src/util/log.js";
import { Timestamp } from "../../../../../../src/records/timestamp.js";

export interface RunResult {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  log: string;
}

export async function run(tree: MemoryTree | Target, fn: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  const target = tree instanceof Target ? tree : Target.fromTree({ "/etc/hostname": "web01\n", ...tree });
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
  const outcomes = await runOnTarget(target, res.groups, defaultRegistry, sink, {
    args,
    log: new Logger((l) => (log += l), "debug"),
    generated: Timestamp.fromUnix(0),
  });
  target.close();
  return { records, outcome: outcomes[0]!, log };
}

/** The ISO text of a record's ts (µs, UTC), or null. */
export function iso(r: AnyRecord): string | null {
  const ts = (r as unknown as { ts: Timestamp | null }).ts;
  return ts ? ts.isoformat() : null;
}
