// The other journals of the layout tree (fixtures/journal/tree/): the same host "saturn" (machine id SATURN,
// the variety corpus' boots) and one container.
//   user-1000.journal              alice's user manager and user units (boot 1 session; boot 3 lingering)
//   SATURN.batch/system.journal    the journal namespace "batch" (a service with LogNamespace=batch), boots 2, 3
//   DB01/system.journal            an nspawn container linked into the host's journal (--link-journal=host):
//                                  its own machine id and hostname, the host's boot ids (one kernel)
//   /run/log/journal/SATURN/       the volatile journal of a fourth boot, never flushed to /var
import { Boot, Journal, MIN, SEC, proc, us } from "../lib/host.mjs";
import { MID, daemons, job, journalStarted, kernelBoot, pid1 } from "../lib/events.mjs";
import { rng as makeRng } from "../lib/rng.mjs";
import { SATURN, varietyBoots } from "./variety.mjs";

export const DB01 = "d0b01c0a7a1e4e55a0b1c2d3e4f5a6b7";

function userManager(b, pid, invocation) {
  return proc({ pid, uid: 1000, gid: 1000, comm: "systemd", exe: "/usr/lib/systemd/systemd", cmdline: "/lib/systemd/systemd --user", unit: "user@1000.service", userUnit: "init.scope", slice: "user-1000.slice", userSlice: "-.slice", ownerUid: 1000, cgroup: "/user.slice/user-1000.slice/user@1000.service/init.scope", invocation, cap: "0" });
}

function userLine(J, b, mono, p, message, fields = []) {
  return J.native(b, mono, p, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "3"],
    ["TID", String(p.pid)],
    ["CODE_FILE", "src/core/job.c"],
    ["CODE_LINE", "768"],
    ["CODE_FUNC", "job_emit_done_message"],
    ["SYSLOG_IDENTIFIER", "systemd"],
    ...fields,
    ["MESSAGE", message],
  ]);
}

function backupRun(J, b, mono, n) {
  const p = proc({ pid: 1700 + n * 13, uid: 1000, gid: 1000, comm: "rsync", exe: "/usr/bin/rsync", cmdline: "rsync -a /home/alice/work/ backup01:/srv/backup/alice/", unit: "user@1000.service", userUnit: "backup-sync.service", slice: "user-1000.slice", userSlice: "app.slice", ownerUid: 1000, cgroup: "/user.slice/user-1000.slice/user@1000.service/app.slice/backup-sync.service", invocation: J.rng.id128(), cap: "0" });
  const stream = J.rng.id128();
  J.stdout(b, mono, p, { ident: "backup-sync", streamId: stream, message: `sending incremental file list (run ${n})` });
  J.stdout(b, mono + 2 * SEC, p, { ident: "backup-sync", streamId: stream, message: `sent ${1234 + n * 97} bytes  received ${311 + n} bytes  ${(880.5 + n).toFixed(2)} bytes/sec` });
  J.stdout(b, mono + 2 * SEC + 50, p, { ident: "backup-sync", streamId: stream, message: `total size is ${48_213_004 + n * 4096}  speedup is ${(31.07 + n / 10).toFixed(2)}`, lineBreak: "eof" });
}

export function userJournal() {
  const J = new Journal({ machineId: SATURN, rng: makeRng(11) });
  const [b1, , b3] = varietyBoots();
  let m = userManager(b1, 1130, J.rng.id128());
  const t0 = 15 * MIN + 300_000;
  userLine(J, b1, t0, m, "Queued start job for default target default.target.", [["CODE_FILE", "src/core/engine.c"], ["CODE_FUNC", "do_queue_default_job"]]);
  userLine(J, b1, t0 + 40_000, m, "Created slice app.slice - User Application Slice.", [["MESSAGE_ID", MID.unitStarted], ["USER_UNIT", "app.slice"], ["USER_INVOCATION_ID", J.rng.id128()], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"]]);
  userLine(J, b1, t0 + 61_000, m, "Listening on gpg-agent.socket - GnuPG cryptographic agent and passphrase cache.", [["MESSAGE_ID", MID.unitStarted], ["USER_UNIT", "gpg-agent.socket"], ["USER_INVOCATION_ID", J.rng.id128()], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"]]);
  userLine(J, b1, t0 + 80_000, m, "Reached target default.target - Main User Target.", [["MESSAGE_ID", MID.unitStarted], ["USER_UNIT", "default.target"], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"]]);
  userLine(J, b1, t0 + 92_000, m, "Startup finished in 92ms.", [["MESSAGE_ID", MID.startupFinished], ["USERSPACE_USEC", "92000"], ["CODE_FILE", "src/core/manager.c"], ["CODE_FUNC", "manager_notify_finished"]]);
  backupRun(J, b1, 30 * MIN, 1);
  backupRun(J, b1, 45 * MIN, 2);
  userLine(J, b1, 61 * MIN + 200_000, m, "Stopped target default.target - Main User Target.", [["MESSAGE_ID", MID.unitStopped], ["USER_UNIT", "default.target"], ["JOB_TYPE", "stop"], ["JOB_RESULT", "done"]]);
  userLine(J, b1, 61 * MIN + 300_000, m, "Exiting.", [["CODE_FILE", "src/core/main.c"], ["CODE_FUNC", "main"]]);
  // Boot 3: alice lingers, so her manager starts at boot, before the clock is set.
  m = userManager(b3, 720, J.rng.id128());
  userLine(J, b3, 9 * SEC, m, "Startup finished in 77ms.", [["MESSAGE_ID", MID.startupFinished], ["USERSPACE_USEC", "77000"], ["CODE_FILE", "src/core/manager.c"], ["CODE_FUNC", "manager_notify_finished"]]);
  for (let n = 3; n < 6; n++) backupRun(J, b3, (n - 2) * 20 * MIN, n);
  return { journal: J, boots: [b1, b3] };
}

export function namespaceJournal() {
  const J = new Journal({ machineId: SATURN, rng: makeRng(12) });
  const [, b2, b3] = varietyBoots();
  for (const [b, t, pid] of [[b2, 60 * MIN, 2900], [b3, 40 * MIN, 3600]]) {
    const jd = proc({ pid: pid - 2, comm: "systemd-journal", exe: "/usr/lib/systemd/systemd-journald", cmdline: "/lib/systemd/systemd-journald batch", unit: "systemd-journald@batch.service", slice: "system.slice", cgroup: "/system.slice/systemd-journald@batch.service", cap: "25402800cf", invocation: J.rng.id128(), namespace: "batch" });
    J.driver(b, t - 300_000, jd, [["PRIORITY", "6"], ["MESSAGE_ID", MID.journalStart], ["MESSAGE", "Journal started"]]);
    const p = proc({ pid, uid: 1010, gid: 1010, comm: "report", exe: "/usr/local/bin/report", cmdline: "/usr/local/bin/report --nightly", unit: "nightly-report.service", slice: "system.slice", cgroup: "/system.slice/nightly-report.service", invocation: J.rng.id128(), namespace: "batch", cap: "0" });
    const s = J.rng.id128();
    J.stdout(b, t, p, { ident: "report", streamId: s, message: "collecting metrics for the last 24 h" });
    J.stdout(b, t + 4 * SEC, p, { ident: "report", streamId: s, message: `rows: ${b === b2 ? 48211 : 50127}` });
    J.stdout(b, t + 5 * SEC, p, { ident: "report", streamId: s, priority: 4, message: "warning: 3 hosts did not report" });
    J.native(b, t + 6 * SEC, p, [["PRIORITY", "6"], ["SYSLOG_IDENTIFIER", "report"], ["CODE_FILE", "report/main.py"], ["CODE_LINE", "120"], ["CODE_FUNC", "publish"], ["REPORT_URL", `https://reports.lab.example/nightly/${b === b2 ? "2024-02-06" : "2024-02-07"}`], ["MESSAGE", "report published"]]);
    J.driver(b, t + 7 * SEC, jd, [["PRIORITY", "6"], ["MESSAGE_ID", MID.journalStop], ["MESSAGE", "Journal stopped"]]);
  }
  return { journal: J, boots: [b2, b3] };
}

export function containerJournal() {
  const J = new Journal({ machineId: DB01, rng: makeRng(13) });
  const [, hb2, hb3] = varietyBoots();
  // The container has the host's kernel, so its entries carry the host's boot id and clocks.
  const boots = [hb2, hb3].map((b) => Object.assign(Object.create(Object.getPrototypeOf(b)), b, { hostnames: [[0, "db01"]] }));
  for (const [b, t] of [[boots[0], 10 * MIN], [boots[1], 5 * MIN]]) {
    const d = daemons(J, { journaldPid: 22, logindPid: 40, sshdPid: 60 });
    pid1(J, b, t, d, `systemd ${d.version} running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)`, { code: ["src/core/main.c", 1406, "log_execution_mode"] });
    pid1(J, b, t + 1000, d, "Detected virtualization systemd-nspawn.", { code: ["src/core/main.c", 1425, "log_execution_mode"] });
    journalStarted(J, b, t + 90_000, d, { machineId: DB01, runtime: false, started: true });
    const pg = proc({ pid: 88, uid: 105, gid: 111, comm: "postgres", exe: "/usr/lib/postgresql/15/bin/postgres", cmdline: "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf", unit: "postgresql@15-main.service", slice: "system.slice", cgroup: "/system.slice/system-postgresql.slice/postgresql@15-main.service", invocation: J.rng.id128(), cap: "0" });
    const s = J.rng.id128();
    // PostgreSQL's own log prefix: the wall clock in milliseconds, as the container saw it.
    const at = (mono) => new Date(Math.floor(b.realtime(mono) / 1000)).toISOString().replace("T", " ").replace("Z", " UTC");
    J.stdout(b, t + 2 * SEC, pg, { ident: "postgres", streamId: s, message: `${at(t + 2 * SEC)} [88] LOG:  starting PostgreSQL 15.6 (Debian 15.6-0+deb12u1) on x86_64-pc-linux-gnu` });
    J.stdout(b, t + 2 * SEC + 400, pg, { ident: "postgres", streamId: s, message: `${at(t + 2 * SEC + 400)} [88] LOG:  listening on IPv4 address "0.0.0.0", port 5432` });
    J.stdout(b, t + 3 * SEC, pg, { ident: "postgres", streamId: s, message: `${at(t + 3 * SEC)} [88] LOG:  database system is ready to accept connections` });
    job(J, b, t + 3 * SEC + 100, d, "postgresql@15-main.service", "PostgreSQL Cluster 15-main", { invocation: pg.invocation });
    J.stdout(b, t + 20 * MIN, pg, { ident: "postgres", streamId: s, priority: 4, message: `${at(t + 20 * MIN)} [301] WARNING:  there is no transaction in progress` });
  }
  return { journal: J, boots };
}

export function runtimeJournal() {
  const J = new Journal({ machineId: SATURN, rng: makeRng(14) });
  const b4 = new Boot({ id: "4b0a7c2d9e1f40a3b5c6d7e8f9a0b1c2", realtimeAtZero: us("2024-02-08T10:00:00.000001Z"), hostname: "saturn.lab.example" });
  const d = daemons(J, { journaldPid: 236, logindPid: 531 });
  kernelBoot(J, b4, { kernel: "6.1.0-20-amd64", build: "6.1.85-1 (2024-04-11)", cmdline: "root=UUID=3f1c2a4e-8b7d-4e21-9a0c-5d6e7f8a9b0c ro quiet systemd.journald.forward_to_console=1", extra: [[900_000, 3, "EXT4-fs error (device sda1): ext4_lookup:1855: inode #1310721: comm systemd: iget: checksum invalid", [["_KERNEL_DEVICE", "b8:1"], ["_KERNEL_SUBSYSTEM", "block"], ["_UDEV_SYSNAME", "sda1"], ["_UDEV_DEVNODE", "/dev/sda1"]]]] });
  journalStarted(J, b4, 2_300_000, d, { machineId: SATURN });
  job(J, b4, 2_400_000, d, "systemd-journald.service", "Journal Service");
  pid1(J, b4, 3_900_000, d, "Failed to mount var.mount - /var.", { priority: 3, code: ["src/core/job.c", 768, "job_emit_done_message"], fields: [["MESSAGE_ID", "be02cf6855d2428ba40df7e9d022f03d"], ["UNIT", "var.mount"], ["JOB_TYPE", "start"], ["JOB_RESULT", "failed"]] });
  pid1(J, b4, 3_900_500, d, "Dependency failed for systemd-journal-flush.service - Flush Journal to Persistent Storage.", { priority: 3, fields: [["MESSAGE_ID", "be02cf6855d2428ba40df7e9d022f03d"], ["UNIT", "systemd-journal-flush.service"], ["JOB_TYPE", "start"], ["JOB_RESULT", "dependency"]] });
  pid1(J, b4, 4_100_000, d, "Reached target emergency.target - Emergency Mode.", { fields: [["MESSAGE_ID", MID.unitStarted], ["UNIT", "emergency.target"], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"]] });
  return { journal: J, boots: [b4] };
}
