// Shared helpers for the atop tests: fixtures as targets, running a function with collected issues.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import type { FunctionContext, Issue, RecordFunction } from "../../../../../../src/plugin/define.js";
import { Target } from "../../../../../../src/target.js";
import atop from "../../../../../../plugins/os/unix/log/atop/index.js";
import { decodeLenient } from "../../../../../../src/util/text.js";
import { targetFromTree } from "../../../../../../plugins/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, "../../../../../../fixtures/atop");

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export function oracleLines(version: string): string[] {
  return parseableLines(fixture(`atop_${version}.parseable.txt.gz`));
}

/** The lines of a gzipped `atop -P` output, each decoded as quarry decodes atop's strings. */
export function parseableLines(gz: Buffer): string[] {
  const raw = gunzipSync(gz);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw[i] === 0x0a) {
      if (i > start) out.push(decodeLenient(raw, start, i));
      start = i + 1;
    }
  }
  return out;
}

export function targetWith(files: Record<string, Buffer>): Target {
  const tree: Record<string, Uint8Array | string> = { "/etc/hostname": "vm\n" };
  for (const [name, data] of Object.entries(files)) tree[`/var/log/atop/${name}`] = data;
  return targetFromTree(tree);
}

export interface Collected {
  records: AnyRecord[];
  warnings: Issue[];
  errors: Issue[];
}

export async function runFn(target: Target, fn: string): Promise<Collected> {
  const f = atop.functions[fn] as RecordFunction;
  const out: Collected = { records: [], warnings: [], errors: [] };
  const ctx: FunctionContext = { args: {}, warn: (i) => out.warnings.push(i), error: (i) => out.errors.push(i) };
  for await (const r of await f.run(target, ctx)) out.records.push(r);
  return out;
}
