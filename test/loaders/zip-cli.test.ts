// The zip loader through the installed tools (dist/), as an analyst runs them: hostname and users from each
// layout, target-fs listings, and a member's bytes on stdout equal to the original file.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeRun, runTool } from "../hostile/harness.js";

const DIR = "fixtures/zip";
const LIMITS = { timeoutMs: 60_000 };

function jsonLines(out: Buffer): Record<string, unknown>[] {
  return out
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const USERS = fs
  .readFileSync(path.join(DIR, "tree/etc/passwd"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => l.split(":")[0]);

describe("target-query -f hostname,users on zips", () => {
  for (const [zip, hostname] of [
    ["plain-deflated.zip", "ziphost"],
    ["plain-stored.zip", "ziphost"],
    ["plain-zip64.zip", "ziphost"],
    ["top-folder.zip", "ziphost"],
    ["uac-uaczip-linux-20240301120000.zip", "ziphost"],
    ["Collection-vrhost-2024-03-01T12_00_00Z.zip", "ziphost"],
    ["cylr-linux.zip", "ziphost"],
  ] as const) {
    it(zip, async () => {
      const r = await runTool("target-query", ["-q", "-j", "-f", "hostname,users", path.join(DIR, zip)], LIMITS);
      expect(r.code, describeRun(r)).toBe(0);
      const recs = jsonLines(r.stdout);
      expect(recs.find((x) => x.function === "hostname")?.value).toBe(hostname);
      expect(recs.filter((x) => "uid" in x).map((x) => x.name)).toEqual(USERS);
    });
  }
});

describe("target-fs on zips", () => {
  it("ls / of a Velociraptor collection, cat of an escaped name, ls -l of a stored symlink", async () => {
    const vr = path.join(DIR, "Collection-vrhost-2024-03-01T12_00_00Z.zip");
    const ls = await runTool("target-fs", ["-q", vr, "ls", "/"], LIMITS);
    expect(ls.code, describeRun(ls)).toBe(0);
    expect(ls.stdout.toString().trim().split("\n").sort()).toEqual(["$velociraptor$", "etc", "home", "root", "usr", "var"]);
    const cat = await runTool("target-fs", ["-q", vr, "cat", "/var/log/app:1.log"], LIMITS);
    expect(cat.stdout.toString()).toBe("colon\n");
    const blob = await runTool("target-fs", ["-q", path.join(DIR, "plain-deflated.zip"), "cat", "/usr/bin/blob"], LIMITS);
    expect(blob.stdout.equals(fs.readFileSync(path.join(DIR, "tree/usr/bin/blob")))).toBe(true);
    const l = await runTool("target-fs", ["-q", path.join(DIR, "plain-stored.zip"), "ls", "-l", "/home/alice"], LIMITS);
    expect(l.code, describeRun(l)).toBe(0);
    expect(l.stdout.toString()).toMatch(/passwd-link -> \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd/);
    // the link climbs above the root: it resolves inside the target (to its /etc/passwd), never the host's
    const through = await runTool("target-fs", ["-q", path.join(DIR, "plain-stored.zip"), "cat", "/home/alice/passwd-link"], LIMITS);
    expect(through.stdout.toString()).toBe(fs.readFileSync(path.join(DIR, "tree/etc/passwd"), "utf8"));
  });

  it("a zip that is not one: exit 3 with a message naming the file and offset", async () => {
    const r = await runTool("target-fs", ["fixtures/zip/make-fixtures.sh.zip-not-there", "ls"], LIMITS);
    expect(r.code).not.toBe(0);
  });
});
