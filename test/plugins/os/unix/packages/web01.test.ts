// The sample host's software and network story (fixtures/packages/make-web01.py, fixtures/hosts/web01): the
// planted package's install is in dpkg's status, dpkg.log and apt's history at one instant, inside alice's
// sudo root shell as auth.log tells it (10:59:50 … 11:05:12 Berlin = 09:59:50 … 10:05:12 UTC).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runPath, secondsOf } from "./helpers.js";

const WEB01 = path.resolve(import.meta.dirname, "../../../../../fixtures/hosts/web01");
const at = (iso: string): number => Date.parse(iso) / 1000;

describe("web01", () => {
  it("the planted package: installed, logged by dpkg and apt (requested by alice) inside her sudo shell", async () => {
    const pk = await runPath(WEB01, "packages");
    expect(pk.errors).toEqual([]);
    expect(pk.records).toHaveLength(45);
    const evil = pk.records.find((r) => r.package_name === "kworker-helper")!;
    expect([evil.package_version, evil.package_vendor, evil.package_status, evil.ts]).toEqual(["0.1-1", "root <root@localhost>", "install ok installed", null]);
    const logs = await runPath(WEB01, "packages.logs");
    expect([logs.warnings, logs.errors]).toEqual([[], []]);
    const installs = logs.records.filter((r) => r.package_name === "kworker-helper" && r.operation === "install");
    expect(installs.map((r) => [r.package_manager, secondsOf(r.ts), r.requested_by_user, r.requested_by_uid, r.command])).toEqual([
      ["dpkg", at("2024-03-06T10:00:32Z"), null, null, null],
      ["apt", at("2024-03-06T10:00:31Z"), "alice", 1000, "apt-get install -y -q /tmp/.x/kworker-helper_0.1-1_amd64.deb"],
    ]);
    for (const r of installs) expect(secondsOf(r.ts)! > at("2024-03-06T09:59:50Z") && secondsOf(r.ts)! < at("2024-03-06T10:05:12Z")).toBe(true);
    const files = [...new Set(logs.records.map((r) => r.filepath))];
    expect(files).toEqual(["/var/log/dpkg.log.2.gz", "/var/log/dpkg.log.1", "/var/log/dpkg.log", "/var/log/apt/history.log.1.gz", "/var/log/apt/history.log"]);
  });

  it("network: interfaces, ips, the planted /etc/hosts line, resolv.conf; install date from the first dpkg.log line", async () => {
    const ifs = await runPath(WEB01, "interfaces");
    expect([ifs.warnings, ifs.errors]).toEqual([[], []]);
    expect(ifs.records.map((r) => [r.name, r.cidr, r.gateway, r.enabled])).toEqual([
      ["ens19", ["10.20.0.80/24"], [], true],
      ["lo", [], [], true],
      ["ens18", ["192.0.2.80/24"], ["192.0.2.1"], true],
    ]);
    expect((await runPath(WEB01, "ips")).records.map((r) => r.value)).toEqual(["10.20.0.80, 192.0.2.80"]);
    const hosts = await runPath(WEB01, "etc_hosts");
    expect(hosts.records.find((r) => r.ip === "198.51.100.23")?.hostnames).toEqual(["deb.debian.org", "security.debian.org"]);
    expect((await runPath(WEB01, "resolv_conf")).records.map((r) => r.setting)).toEqual(["domain", "search", "nameserver", "nameserver"]);
    const ev = await runPath(WEB01, "install_evidence");
    expect(ev.records.map((r) => [r.kind, secondsOf(r.ts), r.chosen])).toEqual([["package data", at("2024-01-15T08:12:03Z"), true]]);
  });
});
