// Running one triage function (ssh.*, passwords, groups, sudoers, login_defs) on a target, the same host as a
// directory, a tar and a tar.gz, and seeded damage of a file for the fuzz tests.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { defaultRegistry, openTarget, targetFromTree } from "../../../../plugins/index.js";
import type { MemoryTree } from "../../../../src/fs/memory.js";
import type { Issue } from "../../../../src/plugin/define.js";
import { runOnTarget, type FunctionOutcome } from "../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../src/records/descriptor.js";
import { recordProblems } from "../../../../src/records/validate.js";
import { Target } from "../../../../src/target.js";
import { silentLogger } from "../../../../src/util/log.js";
import { prng } from "../../../helpers/prng.js";
import { tmpdir } from "../../../helpers/tmp.js";

export const ROOT = path.resolve(import.meta.dirname, "../../../..");
export const FIXTURES = path.join(ROOT, "fixtures");
export const WEB01 = path.join(FIXTURES, "hosts/web01");

export interface Run {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  warnings: Issue[];
  errors: Issue[];
}

export async function runOn(t: Target, fn: string): Promise<Run> {
  const records: AnyRecord[] = [];
  const sink = { write: (r: AnyRecord) => void records.push(r), close: async () => {} };
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, sink, { log: silentLogger });
  for (const r of records) expect(recordProblems(r)).toEqual([]);
  return { records, outcome: outcome!, warnings: outcome!.warnings, errors: outcome!.errors };
}

export async function runTree(fn: string, tree: MemoryTree): Promise<Run> {
  const t = targetFromTree(tree);
  try {
    return await runOn(t, fn);
  } finally {
    t.close();
  }
}

export async function runPath(fn: string, p: string): Promise<Run> {
  const t = await openTarget(p);
  try {
    return await runOn(t, fn);
  } finally {
    t.close();
  }
}

/**
 * A host directory as the three targets the loaders take: the directory, a tar of it made by the sample-image
 * script (into a temp dir: web01.tar itself is rebuilt by the integrator), and that tar gzip'd.
 */
export function asDirTarTgz(dir: string): [string, string, string] {
  const out = tmpdir();
  const tarPath = path.join(out, "host.tar");
  execFileSync(process.execPath, [path.join(ROOT, "scripts/make-sample-image.mjs"), dir, tarPath]);
  const tgz = path.join(out, "host.tar.gz");
  fs.writeFileSync(tgz, gzipSync(fs.readFileSync(tarPath)));
  return [dir, tarPath, tgz];
}

/** A fixture's etc/ as a directory target (the dir loader wants etc/ and var/). */
export function hostFromEtc(fixtureRoot: string): string {
  const d = tmpdir();
  fs.cpSync(path.join(fixtureRoot, "etc"), path.join(d, "etc"), { recursive: true });
  fs.mkdirSync(path.join(d, "var"));
  return d;
}

export const readFixture = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), "utf8");

/**
 * Seeded damaged copies of a text: cut at a random byte, random bytes overwritten, lines duplicated or dropped,
 * a NUL or a quote dropped in. Each runs the function: no error, no crash, every record valid, every warning
 * naming a file.
 */
export async function fuzz(fn: string, base: MemoryTree, file: string, seed: number, rounds = 40): Promise<void> {
  const rnd = prng(seed);
  const orig = Buffer.from(base[file] as string | Uint8Array);
  for (let i = 0; i < rounds; i++) {
    const b = Buffer.from(orig);
    let data: Buffer;
    switch (i % 4) {
      case 0:
        data = b.subarray(0, Math.floor(rnd() * b.length));
        break;
      case 1:
        for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        data = b;
        break;
      case 2: {
        const lines = b.toString("latin1").split("\n");
        const at = Math.floor(rnd() * lines.length);
        lines.splice(at, rnd() < 0.5 ? 1 : 0, ...(rnd() < 0.5 ? [lines[Math.floor(rnd() * lines.length)]!] : []));
        data = Buffer.from(lines.join("\n"), "latin1");
        break;
      }
      default: {
        const at = Math.floor(rnd() * b.length);
        const ins = ['"', "\0", "\\", "=", ",", ":", "\n", "#", "(", " "][Math.floor(rnd() * 10)]!;
        data = Buffer.concat([b.subarray(0, at), Buffer.from(ins), b.subarray(at)]);
      }
    }
    const r = await runTree(fn, { ...base, [file]: data });
    expect(r.outcome.status, `round ${i}`).not.toBe("error");
    expect(r.errors).toEqual([]);
    for (const w of r.warnings) expect(w.file, w.message).toBeTruthy();
  }
}

/** ssh-keygen -lf lines: "BITS SHA256:… COMMENT (TYPE)". */
export function keygenLines(text: string): { bits: number; fingerprint: string; comment: string; label: string }[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const m = /^(\d+) (SHA256:[A-Za-z0-9+/]{43}) (.*) \(([A-Z0-9-]+)\)$/.exec(l);
      if (!m) throw new Error(`not an ssh-keygen -l line: ${l}`);
      return { bits: Number(m[1]), fingerprint: m[2]!, comment: m[3]!, label: m[4]! };
    });
}
