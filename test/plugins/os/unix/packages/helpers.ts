// Shared by the package and network tests: the members of a fixture tar, laid out as a directory, a tar and a
// tar.gz target (mtimes kept: dpkg's install times are the .list mtimes), and one function run on a target.
import fs from "node:fs";
import path from "node:path";
import { extract } from "tar-stream";
import { defaultRegistry, openTarget, targetFromTree } from "../../../../../plugins/index.js";
import { file as memFile, type MemoryTree } from "../../../../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../src/records/timestamp.js";
import { recordProblems } from "../../../../../src/records/validate.js";
import { Target } from "../../../../../src/target.js";
import { silentLogger } from "../../../../../src/util/log.js";
import { gzip, tarStream } from "../../../../fs/tarbuild.js";

export interface Member {
  name: string;
  type: "file" | "directory" | "symlink";
  data: Buffer;
  mtime: number;
  linkname?: string;
}

export async function readTar(buf: Buffer): Promise<Member[]> {
  const out: Member[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => void chunks.push(c as Buffer));
      stream.on("end", () => {
        const type = h.type === "directory" ? "directory" : h.type === "symlink" ? "symlink" : "file";
        out.push({ name: h.name.replace(/\/$/, ""), type, data: Buffer.concat(chunks), mtime: Math.floor((h.mtime ?? new Date(0)).getTime() / 1000), linkname: h.linkname ?? undefined });
        next();
      });
      stream.resume();
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  ex.end(buf);
  await done;
  return out;
}

/** Files at paths relative to the root (mtime 0 unless given). */
export function filesOf(files: Record<string, string | Buffer>, mtime = 1_700_000_000): Member[] {
  return Object.entries(files).map(([name, d]) => ({ name: name.replace(/^\//, ""), type: "file", data: Buffer.from(d), mtime }));
}

/** A Linux root around the members: etc/hostname and etc/os-release, so the target is detected as Linux. */
const LINUX: Member[] = filesOf({ "etc/hostname": "fixture\n", "etc/timezone": "Etc/UTC\n", "etc/os-release": 'NAME="Debian GNU/Linux"\nVERSION="12 (bookworm)"\n' });

/** The same tree as a directory, a tar and a tar.gz under `work`; returns the three target paths. */
export async function threeTargets(members: Member[], work: string): Promise<{ dir: string; tar: string; tgz: string }> {
  const all = [...LINUX.filter((l) => !members.some((m) => m.name === l.name)), ...members];
  const dir = path.join(work, "root");
  for (const m of all) {
    const p = path.join(dir, m.name);
    fs.mkdirSync(m.type === "directory" ? p : path.dirname(p), { recursive: true });
    if (m.type === "file") fs.writeFileSync(p, m.data);
    if (m.type === "symlink") fs.symlinkSync(m.linkname!, p);
  }
  // mtimes after every write (a file written into a directory changes the directory's mtime)
  for (const m of [...all].reverse()) if (m.type !== "symlink") fs.utimesSync(path.join(dir, m.name), m.mtime, m.mtime);
  fs.mkdirSync(path.join(dir, "var"), { recursive: true });
  const tarBuf = await tarStream(
    all.map((m) => ({
      header: { name: m.name + (m.type === "directory" ? "/" : ""), type: m.type, mtime: new Date(m.mtime * 1000), mode: m.type === "directory" ? 0o755 : 0o644, linkname: m.linkname },
      data: m.type === "file" ? m.data : undefined,
    })),
  );
  const tar = path.join(work, "root.tar");
  const tgz = path.join(work, "root.tar.gz");
  fs.writeFileSync(tar, tarBuf);
  fs.writeFileSync(tgz, gzip(tarBuf));
  return { dir, tar, tgz };
}

export interface Run {
  records: AnyRecord[];
  outcome: FunctionOutcome;
  warnings: FunctionOutcome["warnings"];
  errors: FunctionOutcome["errors"];
}

async function runOn(t: Target, fn: string, args: Record<string, string | number | boolean> = {}): Promise<Run> {
  const records: AnyRecord[] = [];
  const sink = { write: (r: AnyRecord) => void records.push(r), close: async () => {} };
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, sink, { log: silentLogger, generated: Timestamp.fromUnix(0), args });
  t.close();
  for (const r of records) {
    const p = recordProblems(r);
    if (p.length) throw new Error(`${fn}: ${p.join("; ")}`);
  }
  return { records, outcome: outcome!, warnings: outcome!.warnings, errors: outcome!.errors };
}

export async function runPath(target: string, fn: string): Promise<Run> {
  return runOn(await openTarget(target), fn);
}

export async function runTree(tree: MemoryTree, fn: string): Promise<Run> {
  return runOn(targetFromTree({ "/etc/hostname": "fixture\n", "/etc/os-release": 'NAME="Debian GNU/Linux"\n', "/var/.keep": "", ...tree }), fn);
}

export const file = memFile;
export const secondsOf = (v: unknown): number | null => (v === null ? null : (v as Timestamp).seconds);
