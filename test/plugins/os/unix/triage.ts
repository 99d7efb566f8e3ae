// What the triage plugins' tests share: a fixture root as the three kinds of target (the directory itself, a
// tar and a tar.gz packed from it, links and mtimes kept), and one function run on a target.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { defaultRegistry, openTarget } from "../../../../plugins/index.js";
import { runOnTarget, type FunctionOutcome } from "../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../src/records/timestamp.js";
import { Target } from "../../../../src/target.js";
import { Logger } from "../../../../src/util/log.js";
import { gzip, tarStream } from "../../../fs/tarbuild.js";
import { recordProblems } from "../../../../src/records/validate.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const PERSISTENCE = path.join(REPO, "fixtures/persistence");
export const WEB01 = path.join(REPO, "fixtures/hosts/web01");

export interface Run {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  warnings: { message: string; file?: string; offset?: number }[];
  errors: { message: string; file?: string; offset?: number }[];
}

/** Run one function on a target (a path, or a Target built in memory); every record checked against its descriptor. */
export async function run(target: string | Target, fn: string, args: Record<string, unknown> = {}): Promise<Run> {
  const t = typeof target === "string" ? await openTarget(target) : target;
  const records: AnyRecord[] = [];
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, { write: (r) => void records.push(r), close: async () => {} }, {
    log: new Logger(() => {}, "error"),
    generated: Timestamp.fromUnix(0),
    args,
  });
  if (typeof target === "string") t.close();
  for (const r of records) {
    const problems = recordProblems(r);
    if (problems.length) throw new Error(`${fn}: invalid record: ${problems.join("; ")}`);
  }
  const o = outcome!;
  return { records, outcome: o, warnings: [...(o.warnings ?? [])], errors: [...(o.errors ?? [])] };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-triage-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A fixture root packed as tar-stream packs a tree: directories, files with their mtimes, symlinks as links. */
export async function packTree(root: string): Promise<Buffer> {
  const entries: Parameters<typeof tarStream>[0] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(root, r);
      const st = fs.lstatSync(full);
      const mtime = st.mtime;
      if (st.isSymbolicLink()) entries.push({ header: { name: r, type: "symlink", linkname: fs.readlinkSync(full), mode: 0o777, mtime } });
      else if (st.isDirectory()) {
        entries.push({ header: { name: r + "/", type: "directory", mode: 0o755, mtime } });
        walk(r);
      } else if (st.isFile()) entries.push({ header: { name: r, mode: st.mode & 0o7777, mtime }, data: fs.readFileSync(full) });
    }
  };
  walk("");
  return tarStream(entries);
}

/** The root as a directory, a tar and a tar.gz target (the archives written once per test file). */
export async function threeTargets(root: string, name: string): Promise<{ kind: string; path: string }[]> {
  const tar = await packTree(root);
  const tarPath = path.join(work, `${name}.tar`);
  const tgzPath = path.join(work, `${name}.tar.gz`);
  fs.writeFileSync(tarPath, tar);
  fs.writeFileSync(tgzPath, gzip(tar));
  return [
    { kind: "dir", path: root },
    { kind: "tar", path: tarPath },
    { kind: "tar.gz", path: tgzPath },
  ];
}

/** A record with its descriptor's reserved and stamped fields left out, for comparing across targets. */
export function plain(r: AnyRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith("_") && k !== "hostname" && k !== "domain") out[k] = v instanceof Timestamp ? String(v) : v;
  return out;
}
