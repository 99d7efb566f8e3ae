// install_date: which evidence wins, on the real dpkg and rpm fixtures (their times come from dpkg.log, the
// .list mtimes GNU stat printed, and rpm -qa's INSTALLTIME).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpdir } from "../../../../helpers/tmp.js";
import { file, readTar, runPath, runTree, secondsOf, threeTargets } from "../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../fixtures/packages");
const utc = (s: string): number => Date.parse(s.replace(" ", "T") + "Z") / 1000;

describe("install_date", () => {
  it("dpkg: the first dpkg.log line (package data) before the oldest .list mtime (metadata), on dir, tar, tar.gz", async () => {
    const members = await readTar(fs.readFileSync(path.join(FIX, "dpkg/root.tar")));
    const first = fs.readFileSync(path.join(FIX, "dpkg/dpkg.log"), "utf8").split("\n")[0]!;
    const oldestList = Math.min(...fs.readFileSync(path.join(FIX, "dpkg/list-mtimes.tsv"), "utf8").split("\n").filter(Boolean).map((l) => Number(l.split("\t")[1])));
    for (const [kind, target] of Object.entries(await threeTargets(members, tmpdir()))) {
      const v = await runPath(target, "install_date");
      expect(v.records.map((r) => r.value), kind).toEqual([`${first.slice(0, 19)}+00:00`]);
      const e = await runPath(target, "install_evidence");
      expect(e.records.map((r) => [r.kind, secondsOf(r.ts), r.chosen]), kind).toEqual([
        ["package data", utc(first.slice(0, 19)), true],
        ["package metadata", oldestList, false],
      ]);
      expect(e.records[0]!.evidence).toBe("first line of dpkg.log (startup archives install; rotated logs may have dropped older ones)");
    }
  });

  it("installer files win; rpm's earliest INSTALLTIME is package data; no evidence is null with a warning", async () => {
    const rpmdb = fs.readFileSync(path.join(FIX, "rpm/rpmdb.sqlite"));
    const minInstall = Math.min(...fs.readFileSync(path.join(FIX, "rpm/rpm-qa.tsv"), "utf8").split("\n").filter(Boolean).map((l) => Number(l.split("\t")[5])));
    const rpm = await runTree({ "/var/lib/rpm/rpmdb.sqlite": file(rpmdb) }, "install_evidence");
    expect(rpm.records.map((r) => [r.kind, secondsOf(r.ts), r.chosen])).toEqual([["package data", minInstall, true]]);
    const both = await runTree({ "/var/lib/rpm/rpmdb.sqlite": file(rpmdb), "/root/anaconda-ks.cfg": file("#version=RHEL9\n", { mtime: 1_600_000_000 }) }, "install_evidence");
    expect(both.records.map((r) => [r.kind, secondsOf(r.ts), r.chosen, r.evidence])).toEqual([
      ["installer", 1_600_000_000, true, "mtime of /root/anaconda-ks.cfg"],
      ["package data", minInstall, false, "rpm INSTALLTIME of quarry-hello"],
    ]);
    // a zero mtime (a careless copy) is no evidence
    const none = await runTree({ "/var/log/installer/syslog": file("x", { mtime: 0 }) }, "install_date");
    expect(none.records.map((r) => r.value)).toEqual([null]);
    expect(none.warnings.map((w) => w.message)).toEqual(["no install evidence (installer files, package databases or logs)"]);
  });
});
