// packages and packages.logs: every manager's records, each the same as its own function gives.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { file, runTree } from "./helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../fixtures/packages");
const tree = () => ({
  "/var/lib/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n\n",
  "/var/log/dpkg.log": "2024-03-06 11:00:00 install a:amd64 <none> 1.0-1\n",
  "/var/log/apt/history.log": "\nStart-Date: 2024-03-06  11:00:00\nCommandline: apt install a\nInstall: a:amd64 (1.0-1)\nEnd-Date: 2024-03-06  11:00:01\n",
  "/var/lib/rpm/rpmdb.sqlite": file(fs.readFileSync(path.join(FIX, "rpm/rpmdb.sqlite"))),
  "/var/lib/dnf/history.sqlite": file(fs.readFileSync(path.join(FIX, "dnf/history.sqlite"))),
});

describe("packages", () => {
  it("chains dpkg and rpm; packages.logs chains dpkg.log, apt and dnf, each as its own function gives", async () => {
    const all = await runTree(tree(), "packages");
    expect(all.records.map((r) => r.package_manager)).toEqual(["dpkg", "rpm", "rpm", "rpm"]);
    const rpm = await runTree(tree(), "rpm.packages");
    expect(all.records.slice(1).map((r) => JSON.stringify(r))).toEqual(rpm.records.map((r) => JSON.stringify(r)));
    const logs = await runTree(tree(), "packages.logs");
    expect(logs.records.map((r) => r.package_manager)).toEqual(["dpkg", "apt", ...Array(6).fill("dnf")]);
    expect(logs.errors).toEqual([]);
  });

  it("absent without any manager", async () => {
    const r = await runTree({}, "packages");
    expect([r.outcome.status, r.outcome.reason]).toEqual(["absent", "no package manager database or log (dpkg, apt, rpm, dnf, yum, snap)"]);
  });
});
