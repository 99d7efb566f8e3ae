// What the utmp/wtmpdb hostile generators share: directory targets in a private temp dir, damaged copies of the
// fixtures, and a CLI run with the suite's ceilings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runTool, type BoundedRun } from "./harness.js";

export const RECORD = 384;

/** A private temp dir for one test file (never the global /tmp's contents). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `quarry-${prefix}-`));
}

/** A directory target: etc/hostname and the given files (paths inside the target, no leading slash). */
export function makeHost(dir: string, name: string, files: Record<string, Uint8Array>): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/hostname"), `${name}\n`);
  for (const [p, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), data);
  }
  return root;
}

/** A copy of `data` whose records [first, first + count) are an unknown type with every other byte zero. */
export function overwriteRun(data: Uint8Array, first: number, count: number, type: number, le = true): Buffer {
  const out = Buffer.from(data);
  for (let i = first; i < first + count; i++) {
    const at = i * RECORD;
    out.fill(0, at, at + RECORD);
    if (le) out.writeInt16LE(type, at);
    else out.writeInt16BE(type, at);
  }
  return out;
}

/** A copy of `data` without the records [first, first + count). */
export function removeRecords(data: Uint8Array, first: number, count: number): Buffer {
  return Buffer.concat([data.subarray(0, first * RECORD), data.subarray((first + count) * RECORD)]);
}

/** target-query with the hostile suite's ceilings (generous: these are bounds, not speed tests). */
export function query(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<BoundedRun> {
  return runTool("target-query", args, { timeoutMs, env });
}

/** The records of a `-j` run (descriptor lines left out); throws on a line that is not JSON. */
export function jsonRecords(r: BoundedRun): Record<string, unknown>[] {
  return r.stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => o._type === "record");
}
