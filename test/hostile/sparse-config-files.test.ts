// Hostile class: small files that claim to be huge. A sparse 4000 MiB /etc/hostname, passwd, os-release or
// .bash_history costs no disk (a truncate on a directory target, a sparse member in a tar), but a whole-file
// read allocates what it claims: 8 GB and 26 s before the budgets. Now config files are read up to their
// budget with a warning naming the file, histories line by line, and a hostname that is none (10 MB, ESC
// bytes) is null instead of being copied into every record.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entry, paxSparse10, tar } from "../fs/tarbuild.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const MiB = 1024 * 1024;
const HUGE = 4000 * MiB;
const PASSWD = "root:x:0:0:root:/root:/bin/bash\n";
const RELEASE = 'NAME="Evil Linux"\nVERSION="1"\n';

let base: string;
const env = (): NodeJS.ProcessEnv => ({ QUARRY_TMPDIR: path.join(base, "qtmp") });

/** A file holding `head` and then a hole up to `size` bytes. */
function sparseFile(p: string, head: string, size: number): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, head);
  fs.truncateSync(p, size);
}

function dirTarget(name: string, files: Record<string, string | readonly [string, number]>): string {
  const root = path.join(base, name);
  fs.mkdirSync(path.join(root, "var/log"), { recursive: true });
  for (const [rel, v] of Object.entries(files)) {
    if (typeof v === "string") {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), v);
    } else sparseFile(path.join(root, rel), v[0], v[1]);
  }
  return root;
}

function tarTarget(name: string, parts: Buffer[]): string {
  const p = path.join(base, name);
  fs.writeFileSync(p, tar(entry({ name: "var/log/", flag: "5" }), entry({ name: "root/", flag: "5" }), ...parts));
  return p;
}

/** The JSON records of a run (descriptor lines left out). */
function records(r: BoundedRun): Record<string, unknown>[] {
  return r.stdout
    .toString()
    .split("\n")
    .filter((l) => l && !l.includes('"_type": "recorddescriptor"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function bounded(r: BoundedRun, maxMs = 30_000, maxRssMb = 600): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(maxMs);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(maxRssMb);
}

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-sparse-"));
  fs.mkdirSync(path.join(base, "qtmp"));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe("hostile: sparse 4000 MiB config files and histories", () => {
  const huge = {
    "etc/hostname": ["evil\n", HUGE],
    "etc/passwd": [PASSWD, HUGE],
    "etc/os-release": [RELEASE, HUGE],
    "root/.bash_history": ["ls -la\n", HUGE],
  } as const;
  const sparseMembers = (): Buffer[] => Object.entries(huge).map(([name, [head, size]]) => paxSparse10(name, size, [[0, Buffer.from(head)]]));

  for (const kind of ["dir", "tar"] as const) {
    it(`${kind} target: hostname, version, users and commandhistory read their budget, warn, and keep what they read`, async () => {
      const target = kind === "dir" ? dirTarget("sparse-dir", { ...huge }) : tarTarget("sparse.tar", sparseMembers());
      const r = await runTool("target-query", ["-f", "hostname,version,users,commandhistory", "-j", target], { timeoutMs: 60_000, env: env() });
      bounded(r);
      expect(r.code, describeRun(r)).toBe(0);
      const recs = records(r);
      expect(recs.filter((x) => x.function === "hostname").map((x) => x.value)).toEqual(["evil"]);
      expect(recs.filter((x) => x.function === "version").map((x) => x.value)).toEqual(["Evil Linux 1"]);
      expect(recs.filter((x) => "uid" in x).map((x) => x.name)).toEqual(["root"]);
      expect(recs.filter((x) => "command" in x).map((x) => x.command)).toEqual(["ls -la"]);
      expect(r.stderr).toContain(`/etc/hostname: ${HUGE} bytes, more than a config file holds; only the first 5 bytes (whole lines) were read`);
      expect(r.stderr).toContain(`/etc/os-release: ${HUGE} bytes, more than a config file holds`);
      expect(r.stderr).toMatch(/users: \/etc\/passwd @ offset 32: 4194304000 bytes, more than an account file holds/);
      expect(r.stderr).toMatch(/commandhistory: \/root\/.bash_history @ offset 7: line 2: \d+ bytes starting with 1048576 NULs/);
      expect(r.stderr).toMatch(/commandhistory: \/root\/.bash_history @ offset 1073741824: 4194304000-byte history: only the first 1073741824 bytes were read/);
    });
  }

  it("a 4000 MiB history with a command every 64 MiB, read whole (--history-limit 0): flat memory, every command", async () => {
    const segs: [number, Buffer][] = [];
    for (let o = 0, i = 0; o + 100 < HUGE; o += 64 * MiB, i++) segs.push([o, Buffer.from(`${i ? "\n" : ""}echo command ${i}\n`)]);
    const target = tarTarget("history-lines.tar", [entry({ name: "etc/passwd", data: PASSWD }), paxSparse10("root/.bash_history", HUGE, segs)]);
    const r = await runTool("target-query", ["-f", "commandhistory", "--history-limit", "0", "-j", target], { timeoutMs: 60_000, env: env() });
    bounded(r);
    expect(r.code, describeRun(r)).toBe(0);
    expect(records(r).map((x) => x.command)).toEqual(segs.map((_, i) => `echo command ${i}`));
    expect(r.stderr).toContain("more lines cut, of NULs"); // 62 NUL runs: 20 warnings, then a count
  });
});

describe("hostile: hostnames that are none", () => {
  it("a 10 MB /etc/hostname is not copied into every record: hostname null, one warning", async () => {
    const target = dirTarget("host-10mb", { "etc/hostname": "a".repeat(10 * MiB) + "\n", "etc/passwd": PASSWD + "alice:x:1000:1000::/home/alice:/bin/sh\n" });
    const r = await runTool("target-query", ["-f", "hostname,users", "-j", target], { timeoutMs: 60_000, env: env() });
    bounded(r);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.length, describeRun(r)).toBeLessThan(10_000); // 41.9 MB before
    const recs = records(r);
    expect(recs.length).toBe(3);
    for (const x of recs) expect(x.hostname).toBe(null);
    expect(r.stderr).toContain(`/etc/hostname: ${10 * MiB + 1} bytes, and no line end in the first ${MiB}: not a config file, not read`);
  });

  it("a hostname holding ESC/BEL sequences is null; target-info shows the warning escaped, no raw control byte", async () => {
    const target = dirTarget("host-esc", { "etc/hostname": "web\x1b]0;pwned\x07\x1b[8m\n" });
    const r = await runTool("target-info", [target], { timeoutMs: 60_000, env: env() });
    bounded(r);
    expect(r.code, describeRun(r)).toBe(0);
    const out = r.stdout.toString();
    expect(out).toMatch(/^hostname +: None$/m);
    expect(out).toContain('/etc/hostname: not a hostname (it holds control characters): "web\\u001b]0;pwned\\u0007\\u001b[8m"; ignored');
    expect(out + r.stderr).not.toMatch(/[\x1b\x07]/);
  });
});
