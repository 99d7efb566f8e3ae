// Class: nothing outside the target, for zips. One hostile zip per layout (plain, Velociraptor, UAC) whose
// symlink members (Unix mode 0120777 in the external attributes, the target as the data, as `zip -y` writes
// them) point at the host canary beside it and at the analysis machine's own /etc/passwd by every in-target
// route, plus members whose names climb out ("../", "..\", an escaped "%2E%2E" below uploads/). The real CLI
// (target-query, target-fs tar / cat) must print nothing of either.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildZip, stored } from "../fs/zipbuild.js";
import { leaks, makeCanary } from "./canary.js";
import { describeRun, runTool } from "./harness.js";

const c = makeCanary("quarry-zip-canary-", 0x21f);
afterAll(() => fs.rmSync(c.dir, { recursive: true, force: true }));
const UP = "../".repeat(40);
const SECRET = `ESCAPED ${c.token}\n`;
const ROUTES: Record<string, string> = {
  "etc/passwd": "/home/etc/passwd",
  "etc/shadow": path.join(c.outside, "etc/passwd"),
  "etc/hostname": UP + path.join(c.outside, "etc/hostname").slice(1),
  "etc/group": UP + "etc/passwd",
  "etc/os-release": UP + "etc/os-release",
  home: c.outside,
  "var/log/messages": "/etc/passwd",
};

function members(prefix: string): ReturnType<typeof stored>[] {
  return [
    ...Object.entries(ROUTES).map(([p, t]) => stored(`${prefix}${p}`, t, { mode: 0o120777 })),
    stored(`${prefix}../../outside/etc/motd`, SECRET),
    stored(`../${prefix}etc/motd`, SECRET),
    stored(`${prefix}..\\..\\outside\\motd`, SECRET),
  ];
}

function write(name: string, zip: Buffer): string {
  const p = path.join(c.dir, name);
  fs.writeFileSync(p, zip);
  return p;
}

const TARGETS = [
  write("plain.zip", buildZip(members(""))),
  write("uac-canary-linux-20240301120000.zip", buildZip([...members("[root]/"), stored("uac.log", "uac\n"), stored("live_response/network/hostname.txt", path.join(c.outside, "etc/hostname"), { mode: 0o120777 })])),
  write(
    "Collection-canary.zip",
    buildZip([...members("uploads/auto/"), stored("uploads/auto/%2E%2E/%2E%2E/motd", SECRET), stored("client_info.json", "{}"), stored("results/up", UP, { mode: 0o120777 })]),
  ),
];

describe("hostile zips: nothing outside the target (host canary)", () => {
  it("target-query -f hostname,users; target-fs tar / and cat of every route", async () => {
    const runs = [await runTool("target-query", ["-f", "hostname,users", "-j", ...TARGETS], { timeoutMs: 30_000, env: { QUARRY_TMPDIR: c.dir } })];
    for (const t of TARGETS) {
      runs.push(await runTool("target-fs", [t, "tar", "/"], { timeoutMs: 30_000 }));
      for (const p of ["/etc/passwd", "/etc/shadow", "/etc/hostname", "/etc/group", "/home/etc/passwd", "/var/log/messages", "/etc/motd"]) runs.push(await runTool("target-fs", ["-q", t, "cat", p], { timeoutMs: 30_000 }));
    }
    for (const r of runs) {
      expect(r.timedOut, describeRun(r)).toBe(false);
      expect(leaks(r, c), describeRun(r)).toEqual([]);
      expect(r.stdout.includes(SECRET), describeRun(r)).toBe(false);
    }
    expect(runs[0]!.code, describeRun(runs[0]!)).toBe(0);
    expect(runs[0]!.stdout.toString()).not.toContain('"unix/user"');
  });
});
