// apt.history against this machine's own logs: fixtures/packages/apt/history.log is the real
// /var/log/apt/history.log of the machine that made the fixtures, dpkg.log.gz its real /var/log/dpkg.log of the
// same runs. Every package apt says it installed or upgraded must be a dpkg.log line of that action, package and
// versions within the stanza's Start-Date … End-Date: dpkg is the oracle of apt's log.
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, filesOf, runPath, runTree, secondsOf } from "../../packages/helpers.js";
import { threeTargets } from "../../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/packages/apt");
const HISTORY = "/var/log/apt/history.log";

interface DpkgLine {
  sec: number;
  op: string;
  pkg: string;
  old: string;
  new: string;
}

function dpkgLines(): DpkgLine[] {
  return gunzipSync(fs.readFileSync(path.join(FIX, "dpkg.log.gz")))
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [d, t, op, pkg, old, nw] = l.split(" ");
      return { sec: Date.parse(`${d}T${t}Z`) / 1000, op: op!, pkg: pkg!, old: old!, new: nw! };
    });
}

describe("apt.history", () => {
  it("every installed and upgraded package is dpkg's own install/upgrade line within the run, on dir, tar, tar.gz", async () => {
    const history = fs.readFileSync(path.join(FIX, "history.log"));
    const targets = await threeTargets(filesOf({ "var/log/apt/history.log": history }), tmpdir());
    const dpkg = dpkgLines();
    const stanzas = history.toString().split("\n").filter((l) => l.startsWith("Start-Date: ")).length;
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "apt.history");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      expect(new Set(r.records.map((x) => x.transaction)).size, kind).toBe(stanzas);
      let matched = 0;
      for (const x of r.records) {
        expect(x.ts_end, kind).not.toBeNull();
        expect(secondsOf(x.ts)! <= secondsOf(x.ts_end)!).toBe(true);
        const name = `${String(x.package_name)}:${String(x.package_arch)}`;
        const hit = dpkg.find(
          (d) =>
            d.op === x.operation &&
            // apt logs an Architecture: all package with the native arch (lsb-release:amd64); dpkg logs it :all
            (d.pkg === name || d.pkg === `${String(x.package_name)}:all`) &&
            d.new === x.package_version &&
            (x.operation === "install" || d.old === x.package_version_old) &&
            d.sec >= secondsOf(x.ts)! &&
            d.sec <= secondsOf(x.ts_end)!,
        );
        expect(hit, `${kind} ${x.operation} ${name} ${String(x.package_version)}`).toBeDefined();
        matched++;
      }
      // history.log's package lists, counted with a plain split
      const listed = history
        .toString()
        .split("\n")
        .filter((l) => /^(Install|Upgrade|Remove|Purge|Downgrade|Reinstall): /.test(l))
        .reduce((n, l) => n + l.split("), ").length, 0);
      expect(matched, kind).toBe(listed);
      const cmd = r.records.find((x) => x.package_name === "tzdata")!;
      expect([cmd.command, cmd.operation, cmd.package_version_old, cmd.package_version]).toEqual(["apt-get install -y tzdata", "upgrade", "2025b-0+deb12u1", "2025b-0+deb12u2"]);
    }
  });

  it("Requested-By, Error, a run without End-Date, an unreadable list: warnings with the line; nothing else lost", async () => {
    const a = "\nStart-Date: 2024-03-06  11:01:02\nCommandline: apt install ./evil.deb\nRequested-By: alice (1000)\nInstall: evil:amd64 (6.6.6), libevil:amd64 (1.0, automatic)\nEnd-Date: 2024-03-06  11:01:05\n";
    const b = "\nStart-Date: 2024-03-06  12:00:00\nCommandline: apt purge evil\nPurge: evil:amd64 (6.6.6)\nRemove: junk((\nError: Sub-process /usr/bin/dpkg returned an error code (1)\n";
    const r = await runTree({ "/etc/timezone": "Europe/Berlin\n", [HISTORY]: a + b }, "apt.history");
    expect(r.records.map((x) => [x.operation, x.package_name, x.package_version, x.requested_by_user, x.requested_by_uid, x.message])).toEqual([
      ["install", "evil", "6.6.6", "alice", 1000, null],
      ["install", "libevil", "1.0", "alice", 1000, "automatic"],
      ["purge", "evil", "6.6.6", null, null, "Error: Sub-process /usr/bin/dpkg returned an error code (1)"],
    ]);
    // Berlin: UTC+1 in March
    expect(secondsOf(r.records[0]!.ts)).toBe(Date.UTC(2024, 2, 6, 10, 1, 2) / 1000);
    expect(secondsOf(r.records[0]!.ts_end)).toBe(Date.UTC(2024, 2, 6, 10, 1, 5) / 1000);
    expect(r.records[2]!.ts_end).toBeNull();
    const bAt = Buffer.byteLength(a);
    expect(r.warnings.filter((w) => w.file === HISTORY)).toEqual([
      { message: "line 11: Remove list unreadable from character 8 on; 0 packages before it kept", file: HISTORY, offset: bAt + "\nStart-Date: 2024-03-06  12:00:00\nCommandline: apt purge evil\nPurge: evil:amd64 (6.6.6)\n".length },
      { message: "line 8: the stanza has no End-Date (apt was interrupted, or the log cut); ts_end null", file: HISTORY, offset: bAt + 1 },
    ]);
  });

  it("absent without a history.log", async () => {
    expect((await runTree({}, "apt.history")).outcome.status).toBe("absent");
  });

  it("seeded corruptions and cuts of the real log end cleanly", async () => {
    const good = fs.readFileSync(path.join(FIX, "history.log"));
    const rand = prng(0xa97);
    for (let i = 0; i < 40; i++) {
      const bad = Buffer.from(good.subarray(0, Math.floor(rand() * good.length)));
      for (let k = 0; k < 10; k++) bad[Math.floor(rand() * bad.length)] = [10, 40, 41, 44, 58, Math.floor(rand() * 256)][k % 6]!;
      const r = await runTree({ [HISTORY]: file(bad) }, "apt.history");
      expect(r.errors).toEqual([]);
      expect(r.records.length).toBeLessThan(2000);
    }
  });
});
