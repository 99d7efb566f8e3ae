// --direct (dissect's direct mode) through the installed bin: loose copies of the sample host's files, under
// names that say little, give the very records the host gives, each naming the loose file; what nothing reads
// is a warning naming it. The oracle is the same functions run on the host itself.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { placeLooseFiles } from "../../loaders/direct.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WEB01 = path.join(ROOT, "fixtures/hosts/web01");
const JOURNAL_DIR = "var/log/journal/5f1c9e2ab7d34c08a6e4d3b2c1f0e9d8";
const FNS = "wtmp,btmp,atop,authlog,journal,users";
// the host's file → the loose copy's name
const COPIES: [string, string][] = [
  ["var/log/wtmp", "wtmp-web01"],
  ["var/log/btmp", "btmp"],
  ["var/log/atop/atop_20261203", "collected"],
  ["var/log/auth.log", "web01-secure"],
  ["var/log/auth.log.2.gz", "auth.log.2.gz"],
  ["etc/passwd", "passwd"],
  [`${JOURNAL_DIR}/system.journal`, "host1"],
];

let dir: string;

function tq(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli/bin/target-query.js"), ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Records (no descriptor lines) by filepath, each without the fields that name the target. */
function byFile(jsonl: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of jsonl.split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r._type === "recorddescriptor") continue;
    const file = String(r.filepath);
    for (const k of ["hostname", "domain", "_source", "filepath"]) delete r[k];
    const list = out.get(file) ?? [];
    list.push(JSON.stringify(r));
    out.set(file, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-direct-"));
  for (const [from, to] of COPIES) fs.copyFileSync(path.join(WEB01, from), path.join(dir, to));
  fs.writeFileSync(path.join(dir, "notes.txt"), "nothing a plugin reads\n");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("target-query --direct", () => {
  it("loose copies give the host's records, each naming its loose file", () => {
    const common = ["-q", "-j", "-f", FNS, "--timezone", "Europe/Berlin", "--generated", "2024-01-01T00:00:00Z"];
    const host = tq([...common, WEB01]);
    expect(host.code, host.err).toBe(0);
    const loose = tq(["--direct", ...common, ...COPIES.map(([, to]) => path.join(dir, to))]);
    expect(loose.code, loose.err).toBe(0);
    const want = byFile(host.out);
    const got = byFile(loose.out);
    expect([...got.keys()].sort()).toEqual(COPIES.map(([, to]) => path.join(dir, to)).sort());
    for (const [from, to] of COPIES) {
      const expected = want.get("/" + from);
      expect(expected?.length, from).toBeGreaterThan(0);
      expect(got.get(path.join(dir, to)), `${to} (the host's /${from})`).toEqual(expected);
    }
  });

  it("a folder is taken whole; a file nothing reads is a warning naming it, the run goes on", () => {
    const r = tq(["--direct", "-j", "-f", "wtmp,users", dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`${path.join(dir, "notes.txt")}: not read: no selected function reads a file of this name or content`);
    // the atop file is told by content, but no selected function reads atop logs
    expect(r.err).toContain(`${path.join(dir, "collected")}: not read: it looks like an atop raw log, which no selected function reads`);
    expect(byFile(r.out).get(path.join(dir, "wtmp-web01"))).toHaveLength(73);
  });

  it.each([
    [["--direct", "-L", "tar", "-f", "wtmp", "x"], /--direct takes loose files: not with -L/],
    [["--direct", "-l", "x"], /--direct goes with -f/],
    [["--direct", "-f", "wtmp", "/nonexistent/wtmp"], /\/nonexistent\/wtmp: no such file/],
  ])("%j is an error", (args, message) => {
    const r = tq(args);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(message);
  });
});

describe("placeLooseFiles", () => {
  const globs = ["/var/log/wtmp*", "/var/log/auth.log*", "/var/log/journal/*/*.journal", "/var/log/atop/*", "/etc/passwd", "~/.ssh/authorized_keys"];

  it("a log told by content becomes the live file, then numbered rotations; names plugins read are kept", () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-place-"));
    try {
      const auth = fs.readFileSync(path.join(WEB01, "var/log/auth.log"));
      const journal = path.join(WEB01, JOURNAL_DIR, "system.journal");
      fs.writeFileSync(path.join(d, "a-secure"), auth);
      fs.writeFileSync(path.join(d, "b-secure"), auth);
      fs.copyFileSync(journal, path.join(d, "one.journal"));
      fs.copyFileSync(journal, path.join(d, "two"));
      fs.copyFileSync(path.join(WEB01, "var/log/wtmp"), path.join(d, "wtmp"));
      fs.copyFileSync(path.join(WEB01, "var/log/wtmp"), path.join(d, "other-wtmp"));
      fs.writeFileSync(path.join(d, "authorized_keys"), "ssh-ed25519 AAAA x\n");
      fs.writeFileSync(path.join(d, "auth.log-web01"), Buffer.from([0x1f, 0x8b, 0, 0])); // gzip: by name only
      fs.symlinkSync("/etc/shadow", path.join(d, "shadow-link"));
      const { placed, warnings } = placeLooseFiles({ paths: [d], globs });
      const at = (name: string) => [...placed].find(([, host]) => host === path.join(fs.realpathSync(d), name))?.[0];
      expect(at("a-secure")).toBe("/var/log/auth.log");
      expect(at("b-secure")).toBe("/var/log/auth.log.1");
      expect(at("one.journal")).toBe("/var/log/journal/direct/one.journal");
      expect(at("two")).toBe("/var/log/journal/direct/two.journal");
      expect(at("wtmp")).toBe("/var/log/wtmp");
      expect(at("other-wtmp")).toBe("/var/log/wtmp.other-wtmp");
      expect(at("authorized_keys")).toBe("/root/.ssh/authorized_keys");
      // `auth.log-web01` is no rotation name the log plugins read: not placed where nothing would read it
      expect(at("auth.log-web01")).toBeUndefined();
      expect(warnings).toContain(`${path.join(fs.realpathSync(d), "auth.log-web01")}: not read: no selected function reads a file of this name or content`);
      expect(at("shadow-link")).toBeUndefined();
      expect(warnings).toContain("--direct: 1 symbolic link inside the directories given were not followed");
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
