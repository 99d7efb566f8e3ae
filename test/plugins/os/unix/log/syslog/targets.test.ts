// Every text-log function on one host as a directory, a tar and a tar.gz target: RHEL's /var/log/secure with
// dated rotations (one gzip'd) across a New Year, messages, kern.log (a refused .xz rotation) and daemon.log,
// auditd's default log beside the log_file of auditd.conf with its rotation. Records in file order, the oldest
// rotation first; every instant written here by hand (Europe/Berlin is UTC+1 in winter).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entry, tar } from "../../../../../fs/tarbuild.js";
import { run, ZONEINFO } from "./helpers.js";
import { openTarget } from "../../../../../../plugins/index.js";

const at = (iso: string): number => Date.parse(iso) / 1000;

const audit = (sec: number, serial: number, text: string): string =>
  `type=USER msg=audit(${sec}.000:${serial}): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='text=${text} exe="/usr/sbin/auditctl" hostname=? addr=? terminal=? res=success'`;

interface Member {
  data: string | Buffer;
  mtime: number;
}

const HOST: Record<string, Member> = {
  "etc/hostname": { data: "web01\n", mtime: at("2025-01-01T00:00:00Z") },
  "etc/timezone": { data: "Europe/Berlin\n", mtime: at("2025-01-01T00:00:00Z") },
  "etc/localtime": { data: fs.readFileSync(path.join(ZONEINFO, "Europe/Berlin")), mtime: at("2025-01-01T00:00:00Z") },
  // secure: rotated weekly by date; the middle rotation holds the New Year
  "var/log/secure-20251228.gz": {
    data: gzipSync(
      "Dec 21 09:00:00 web01 sshd[100]: Accepted password for alice from 198.51.100.23 port 50001 ssh2\n" +
        "Dec 27 23:59:59 web01 sshd[101]: Disconnected from user alice 198.51.100.23 port 50001\n",
    ),
    mtime: at("2025-12-28T02:00:00Z"),
  },
  "var/log/secure-20260104": {
    data:
      "Dec 31 23:59:58 web01 sudo: pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)\n" +
      "Jan  1 00:00:01 web01 sshd[102]: Failed password for root from 45.95.147.236 port 40000 ssh2\n" +
      "Jan  3 12:00:00 web01 su[103]: (to root) alice on pts/1\n",
    mtime: at("2026-01-04T02:00:00Z"),
  },
  // the live file: traditional lines, then rsyslog's RFC 3339 format after an upgrade, and an RFC 5424 line
  "var/log/secure": {
    data:
      "Jan  5 08:00:00 web01 CRON[200]: pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0)\n" +
      "2026-01-06T10:15:03.220871+01:00 web01 sshd[104]: Invalid user oracle from 2001:db8:bad::17 port 41234\n" +
      "<38>1 2026-01-06T10:16:00.5Z web01 sshd 105 - - Connection closed by 203.0.113.50 port 60022 [preauth]\n",
    mtime: at("2026-01-06T12:00:00Z"),
  },
  "var/log/messages.1": { data: "Jan  2 10:00:00 web01 systemd[1]: Started Session 5 of User alice.\n", mtime: at("2026-01-03T02:00:00Z") },
  "var/log/messages": { data: "Jan  4 10:00:00 web01 rsyslogd[500]: rsyslogd was HUPed\n", mtime: at("2026-01-05T02:00:00Z") },
  "var/log/kern.log.2.gz": { data: gzipSync("Dec 30 23:00:00 web01 kernel: [    0.000000] Linux version 6.1.0-17-amd64\n"), mtime: at("2025-12-31T00:00:00Z") },
  "var/log/kern.log.1.xz": { data: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0, 1, 2, 3]), mtime: at("2026-01-03T00:00:00Z") },
  "var/log/kern.log": { data: "Jan  6 09:00:00 web01 kernel: [12345.678901] usb 1-1: new high-speed USB device number 3\n", mtime: at("2026-01-06T12:00:00Z") },
  "var/log/daemon.log": { data: "Jan  6 09:30:00 web01 systemd[1]: Starting apt-daily-upgrade.service...\n", mtime: at("2026-01-06T12:00:00Z") },
  "etc/audit/auditd.conf": { data: "# moved to the data disk\nlog_format = ENRICHED\nlog_file = /srv/audit/audit.log\n", mtime: at("2025-01-01T00:00:00Z") },
  "var/log/audit/audit.log": { data: audit(1767250000, 10, "default") + "\n", mtime: at("2026-01-01T07:00:00Z") },
  "srv/audit/audit.log.1": { data: audit(1767300000, 20, "rotated") + "\n", mtime: at("2026-01-01T20:40:00Z") },
  "srv/audit/audit.log": { data: audit(1767400000, 21, "live") + "\n" + audit(1767400001, 22, "live2") + "\n", mtime: at("2026-01-03T00:30:00Z") },
};

let work: string;
const targets: Record<string, string> = {};

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-textlog-targets-"));
  const root = path.join(work, "host");
  for (const [rel, m] of Object.entries(HOST)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, m.data);
    fs.utimesSync(p, m.mtime, m.mtime);
  }
  const archive = tar(...Object.entries(HOST).map(([name, m]) => entry({ name, data: Buffer.from(m.data), mtime: m.mtime })));
  fs.writeFileSync(path.join(work, "host.tar"), archive);
  fs.writeFileSync(path.join(work, "host.tar.gz"), gzipSync(archive));
  targets.directory = root;
  targets.tar = path.join(work, "host.tar");
  targets["tar.gz"] = path.join(work, "host.tar.gz");
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function query(kind: string, fn: string) {
  return run(await openTarget(targets[kind]!), fn);
}

const ts = (r: Record<string, unknown>): string | null => {
  const t = r.ts as { isoformat(): string } | null;
  return t ? t.isoformat() : null;
};

describe.each(["directory", "tar", "tar.gz"])("the text-log functions on a %s target", (kind) => {
  it("authlog: secure's dated rotations oldest first, the year across New Year, RFC 3339 and RFC 5424 lines", async () => {
    const r = await query(kind, "authlog");
    expect(r.outcome.errors).toEqual([]);
    expect(r.outcome.warnings).toEqual([]);
    const got = r.records.map((x) => {
      const o = x as unknown as Record<string, unknown>;
      return [o.filepath, o.lineno, ts(o), o.ts_zone, o.service, o.action, o.user];
    });
    expect(got).toEqual([
      ["/var/log/secure-20251228.gz", 1, "2025-12-21T08:00:00+00:00", "Europe/Berlin", "sshd", "accepted authentication", "alice"],
      ["/var/log/secure-20251228.gz", 2, "2025-12-27T22:59:59+00:00", "Europe/Berlin", "sshd", "disconnect", "alice"],
      ["/var/log/secure-20260104", 1, "2025-12-31T22:59:58+00:00", "Europe/Berlin", "sudo", "session opened", "root"],
      ["/var/log/secure-20260104", 2, "2025-12-31T23:00:01+00:00", "Europe/Berlin", "sshd", "failed authentication", "root"],
      ["/var/log/secure-20260104", 3, "2026-01-03T11:00:00+00:00", "Europe/Berlin", "su", "su", "root"],
      ["/var/log/secure", 1, "2026-01-05T07:00:00+00:00", "Europe/Berlin", "CRON", "session opened", "root"],
      ["/var/log/secure", 2, "2026-01-06T09:15:03.220871+00:00", "+01:00", "sshd", "invalid user", "oracle"],
      ["/var/log/secure", 3, "2026-01-06T10:16:00.500000+00:00", "Z", "sshd", "connection closed", null],
    ]);
  });

  it.each(["messages", "syslog"])("%s: messages, kern.log and daemon.log with their rotations; the .xz rotation an error naming it", async (fn) => {
    const r = await query(kind, fn);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.outcome.errors.map((e) => [e.file, e.message.split(":")[0]])).toEqual([["/var/log/kern.log.1.xz", "xz-compressed rotation not supported"]]);
    const got = r.records.map((x) => {
      const o = x as unknown as Record<string, unknown>;
      return [o.filepath, ts(o), o.service, o.pid];
    });
    expect(got).toEqual([
      ["/var/log/messages.1", "2026-01-02T09:00:00+00:00", "systemd", 1],
      ["/var/log/messages", "2026-01-04T09:00:00+00:00", "rsyslogd", 500],
      ["/var/log/kern.log.2.gz", "2025-12-30T22:00:00+00:00", "kernel", null],
      ["/var/log/kern.log", "2026-01-06T08:00:00+00:00", "kernel", null],
      ["/var/log/daemon.log", "2026-01-06T08:30:00+00:00", "systemd", 1],
    ]);
  });

  it("audit and audit.events: the default log, then auditd.conf's log_file oldest rotation first", async () => {
    const lines = await query(kind, "audit");
    expect([lines.outcome.errors, lines.outcome.warnings]).toEqual([[], []]);
    expect(lines.records.map((x) => [x.filepath, x.audit_id, ts(x as unknown as Record<string, unknown>)])).toEqual([
      ["/var/log/audit/audit.log", 10, "2026-01-01T06:46:40+00:00"],
      ["/srv/audit/audit.log.1", 20, "2026-01-01T20:40:00+00:00"],
      ["/srv/audit/audit.log", 21, "2026-01-03T00:26:40+00:00"],
      ["/srv/audit/audit.log", 22, "2026-01-03T00:26:41+00:00"],
    ]);
    const events = await query(kind, "audit.events");
    expect([events.outcome.errors, events.outcome.warnings]).toEqual([[], []]);
    expect(events.records.map((x) => [x.filepath, x.audit_id, x.types])).toEqual([
      ["/var/log/audit/audit.log", 10, ["USER"]],
      ["/srv/audit/audit.log.1", 20, ["USER"]],
      ["/srv/audit/audit.log", 21, ["USER"]],
      ["/srv/audit/audit.log", 22, ["USER"]],
    ]);
  });
});

describe("auditd.conf's log_file stays inside the target", () => {
  it("a path climbing out of a directory target with .. resolves at the target's root, never to the host's files", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-auditconf-"));
    try {
      const root = path.join(dir, "host");
      // beside the target on the host: what a path that escaped would read
      fs.mkdirSync(path.join(dir, "outside"), { recursive: true });
      fs.writeFileSync(path.join(dir, "outside/audit.log"), audit(1767400000, 99, "host") + "\n");
      fs.mkdirSync(path.join(root, "etc/audit"), { recursive: true });
      fs.mkdirSync(path.join(root, "outside"), { recursive: true });
      fs.writeFileSync(path.join(root, "etc/hostname"), "web01\n");
      fs.writeFileSync(path.join(root, "etc/audit/auditd.conf"), "log_file = /var/log/../../../../outside/audit.log\n");
      fs.writeFileSync(path.join(root, "outside/audit.log"), audit(1767400000, 30, "target") + "\n");
      // and a symlink to an absolute path is the target's path too
      fs.mkdirSync(path.join(root, "var/log/audit"), { recursive: true });
      fs.symlinkSync("/outside/audit.log", path.join(root, "var/log/audit/audit.log"));
      const r = await run(await openTarget(root), "audit");
      expect(r.outcome.errors).toEqual([]);
      // the default path and log_file are one file (a link): read once, by its real path
      expect(r.records.map((x) => [x.filepath, x.audit_id])).toEqual([["/outside/audit.log", 30]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
