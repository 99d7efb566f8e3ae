// Running the audit functions on an in-memory target, and reading the fixtures.
import fs from "node:fs";
import path from "node:path";
import type { MemoryTree } from "../../../../../../src/fs/memory.js";
import type { Issue } from "../../../../../../src/plugin/define.js";
import type { FunctionOutcome } from "../../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { runFunction } from "../../../../../helpers/run.js";
import { targetFromTree } from "../../../../../../plugins/index.js";

export const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/audit");

export const fixture = (name: string): Buffer => fs.readFileSync(path.join(FIX, name));

export interface Run {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  warnings: Issue[];
  errors: Issue[];
}

/** Run one function (audit, audit.events) on a memory tree. */
export async function run(fn: string, tree: MemoryTree, args: Record<string, unknown> = {}): Promise<Run> {
  const { records, outcome } = await runFunction(targetFromTree(tree), fn, args);
  return { records, outcome, warnings: outcome.warnings, errors: outcome.errors };
}

/** A target holding one audit log (and the fixture's accounts). */
export function logTree(log: Uint8Array | string, extra: MemoryTree = {}): MemoryTree {
  return { "/etc/passwd": fixture("accounts/passwd"), "/var/log/audit/audit.log": log, ...extra };
}
