// The variety corpus: three boots of a small lab server "saturn", written into every variant so that each file
// (whatever its flags) holds the same kinds of entries. What it covers, and where:
//   boot 1  kernel (devices, repeated _UDEV_DEVLINK), journald, PID 1 jobs, sshd logins (publickey, password),
//           failed and invalid-user logins, sudo (ok, 3 bad passwords at PRIORITY=1), su (ok, FAILED SU),
//           logind sessions, an audit record, a user-unit entry, priorities 0..7
//   boot 2  wall clock 1 h fast at boot (RTC in local time), stepped back 3600 s by chronyd; a service failing
//           with CODE_*/ERRNO/MESSAGE_ID/custom fields, its core dump (COREDUMP_*), multi-line and long
//           (compressible and incompressible) values, binary values, stdout lines with _LINE_BREAK, a hostname
//           change (_HOSTNAME), clean shutdown
//   boot 3  dead CMOS battery: the clock starts at 2024-01-01 (before boots 1 and 2) and is stepped forward;
//           a 12 KiB value, an entry copied from a namespace (_NAMESPACE), invalid field names the writer drops
import { Boot, HOUR, Journal, MIN, SEC, proc, us } from "../lib/host.mjs";
import { MID, daemons, job, journalStarted, kernelBoot, pid1, sshFailedPassword, sshLogin, sshLogout, sshPreauthClosed, su, sudo, sudoDenied } from "../lib/events.mjs";
import { rng as makeRng } from "../lib/rng.mjs";

export const SATURN = "b7d1c0a4e2f94c3a8e5d6f7a8b9c0d1e";

export function varietyBoots() {
  return [
    new Boot({ id: "3e6a2f1c9b8d4e7fa1b2c3d4e5f60718", realtimeAtZero: us("2024-02-05T07:59:58.123456Z"), hostname: "saturn" }),
    new Boot({ id: "8c1d5e9f2a3b4c6d8e0f1a2b3c4d5e6f", realtimeAtZero: us("2024-02-06T07:30:00.654321Z"), hostname: "saturn" })
      .step(45 * SEC, -3_600_000_211)
      .rename(2 * HOUR, "saturn.lab.example"),
    new Boot({ id: "f0e1d2c3b4a5968778695a4b3c2d1e0f", realtimeAtZero: us("2024-01-01T00:00:02.500000Z"), hostname: "saturn.lab.example" })
      .step(30 * SEC, us("2024-02-07T09:12:00.412311Z") - us("2024-01-01T00:00:32.500000Z")),
  ];
}

const latin1 = (s) => Buffer.from(s, "latin1");

export function variety({ seed = 1, machineId = SATURN } = {}) {
  const J = new Journal({ machineId, rng: makeRng(seed) });
  const [b1, b2, b3] = varietyBoots();
  boot1(J, b1, machineId);
  boot2(J, b2, machineId);
  boot3(J, b3, machineId);
  return { journal: J, boots: [b1, b2, b3] };
}

function devices(kernel) {
  return [
    [310_000, 6, "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'"],
    [480_000, 4, "ACPI Warning: SystemIO range 0x0000000000000428-0x000000000000042F conflicts with OpRegion 0x0000000000000400-0x000000000000047F (\\PMIO) (20220331/utaddress-204)"],
    [1_204_511, 5, "sd 0:0:0:0: [sda] 976773168 512-byte logical blocks: (500 GB/466 GiB)", [
      ["_KERNEL_DEVICE", "b8:0"],
      ["_KERNEL_SUBSYSTEM", "block"],
      ["_UDEV_SYSNAME", "sda"],
      ["_UDEV_DEVNODE", "/dev/sda"],
      ["_UDEV_DEVLINK", "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_500GB_S6PXNM0T512345A"],
      ["_UDEV_DEVLINK", "/dev/disk/by-path/pci-0000:00:17.0-ata-1"],
      ["_UDEV_DEVLINK", "/dev/disk/by-diskseq/1"],
    ]],
    [1_530_002, 6, "e1000e 0000:00:19.0 eth0: Intel(R) PRO/1000 Network Connection", [
      ["_KERNEL_DEVICE", "+pci:0000:00:19.0"],
      ["_KERNEL_SUBSYSTEM", "pci"],
      ["_UDEV_SYSNAME", "0000:00:19.0"],
    ]],
    [3_801_220, 6, "e1000e 0000:00:19.0 enp0s25: renamed from eth0", [
      ["_KERNEL_DEVICE", "n2"],
      ["_KERNEL_SUBSYSTEM", "net"],
      ["_UDEV_SYSNAME", "enp0s25"],
    ]],
    [4_002_000, 5, `audit: type=1400 audit(${kernel}): apparmor="STATUS" operation="profile_load" profile="unconfined" name="/usr/sbin/chronyd" pid=402 comm="apparmor_parser"`],
  ];
}

function bootUp(J, b, d, machineId, { kernel, build, audit }) {
  kernelBoot(J, b, { kernel, build, cmdline: "root=UUID=3f1c2a4e-8b7d-4e21-9a0c-5d6e7f8a9b0c ro quiet", extra: devices(audit) });
  pid1(J, b, 2_190_000, d, `systemd ${d.version} running in system mode (+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)`, { code: ["src/core/main.c", 1406, "log_execution_mode"] });
  journalStarted(J, b, 2_400_000, d, { machineId });
  job(J, b, 2_460_000, d, "systemd-journald.service", "Journal Service");
  journalStarted(J, b, 4_100_000, d, { machineId, runtime: false });
  job(J, b, 5_300_000, d, "ssh.service", "OpenBSD Secure Shell server", { invocation: d.sshd.invocation });
  J.syslog(b, 5_310_000, d.sshd, { facility: 4, priority: 6, ident: "sshd", message: "Server listening on 0.0.0.0 port 22." });
  J.syslog(b, 5_310_200, d.sshd, { facility: 4, priority: 6, ident: "sshd", message: "Server listening on :: port 22." });
  pid1(J, b, 5_900_000, d, "ssh.service: Changed dead -> running", { priority: 7, code: ["src/core/service.c", 1234, "service_set_state"], fields: [["UNIT", "ssh.service"], ["INVOCATION_ID", d.sshd.invocation]] });
  pid1(J, b, 8_016_000, d, "Startup finished in 2.114s (kernel) + 5.902s (userspace) = 8.016s.", {
    code: ["src/core/manager.c", 3512, "manager_notify_finished"],
    fields: [["MESSAGE_ID", MID.startupFinished], ["KERNEL_USEC", "2114000"], ["USERSPACE_USEC", "5902000"]],
  });
}

function boot1(J, b, machineId) {
  const d = daemons(J);
  bootUp(J, b, d, machineId, { kernel: "6.1.0-18-amd64", build: "6.1.76-1 (2024-02-01)", audit: "1707119999.512:3" });

  const alice = sshLogin(J, b, 15 * MIN, d, { user: "alice", uid: 1000, pid: 1123, session: 3, addr: "192.0.2.10", port: 50022 });
  J.audit(b, 15 * MIN + 12_000, {
    type: 1105, typeName: "USER_START", id: 412, pid: 1123, loginuid: 1000, session: 3, selinux: "unconfined",
    message: "USER_START pid=1123 uid=0 auid=1000 ses=3 subj=unconfined msg='op=PAM:session_open grantors=pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_umask,pam_unix,pam_systemd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=192.0.2.10 addr=192.0.2.10 terminal=ssh res=success'",
    fields: [
      ["_AUDIT_FIELD_OP", "PAM:session_open"],
      ["_AUDIT_FIELD_GRANTORS", "pam_selinux,pam_loginuid,pam_keyinit,pam_permit,pam_umask,pam_unix,pam_systemd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux"],
      ["_AUDIT_FIELD_ACCT", "alice"],
      ["_AUDIT_FIELD_EXE", "/usr/sbin/sshd"],
      ["_AUDIT_FIELD_HOSTNAME", "192.0.2.10"],
      ["_AUDIT_FIELD_ADDR", "192.0.2.10"],
      ["_AUDIT_FIELD_TERMINAL", "ssh"],
      ["_AUDIT_FIELD_RES", "success"],
    ],
  });
  // The user manager's own log line: a user unit, owner uid, user slice.
  J.native(b, 15 * MIN + 400_000, proc({ pid: 1130, uid: 1000, gid: 1000, comm: "systemd", exe: "/usr/lib/systemd/systemd", cmdline: "/lib/systemd/systemd --user", unit: "user@1000.service", userUnit: "init.scope", slice: "user-1000.slice", userSlice: "-.slice", ownerUid: 1000, cgroup: "/user.slice/user-1000.slice/user@1000.service/init.scope", invocation: J.rng.id128(), auditSession: 4, auditLoginuid: 1000, cap: "0" }), [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "3"],
    ["TID", "1130"],
    ["CODE_FILE", "src/core/job.c"],
    ["CODE_LINE", "768"],
    ["CODE_FUNC", "job_emit_done_message"],
    ["SYSLOG_IDENTIFIER", "systemd"],
    ["MESSAGE_ID", MID.unitStarted],
    ["JOB_TYPE", "start"],
    ["JOB_RESULT", "done"],
    ["USER_UNIT", "dbus.socket"],
    ["USER_INVOCATION_ID", J.rng.id128()],
    ["MESSAGE", "Listening on dbus.socket - D-Bus User Message Bus Socket."],
  ]);
  sudo(J, b, 17 * MIN, alice, { pid: 1201, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/apt-get update", cmdline: "sudo apt-get update", close: 14 * SEC });
  sudoDenied(J, b, 19 * MIN, alice, { pid: 1260, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/cat /etc/shadow", cmdline: "sudo cat /etc/shadow", reason: "password" });

  // A scanner: an invalid user, then root until sshd gives up.
  sshFailedPassword(J, b, 31 * MIN, d, { user: "oracle", invalid: true, addr: "203.0.113.50", port: 40112, pid: 1302 });
  sshPreauthClosed(J, b, 31 * MIN + 2 * SEC, d, { user: "oracle", invalid: true, addr: "203.0.113.50", port: 40112, pid: 1302 });
  for (let i = 0; i < 6; i++) sshFailedPassword(J, b, 32 * MIN + i * 3 * SEC, d, { user: "root", addr: "203.0.113.50", port: 40120, pid: 1310 });
  sshPreauthClosed(J, b, 32 * MIN + 18 * SEC, d, { user: "root", addr: "203.0.113.50", port: 40120, pid: 1310, tooMany: true });

  const bob = sshLogin(J, b, 40 * MIN, d, { user: "bob", uid: 1001, pid: 1400, session: 5, addr: "2001:db8:1f::5", port: 60001, method: "password", shell: "/bin/zsh" });
  su(J, b, 42 * MIN, bob, { pid: 1444, tty: "pts/1", login: true });
  const carol = sshLogin(J, b, 44 * MIN, d, { user: "carol", uid: 1002, pid: 1460, session: 6, addr: "203.0.113.77", port: 52210, key: "RSA SHA256:k3Jx1QvYb0m9cPq2rT6uWz8aXs4dFg7hJk5lNb3vC1E" });
  su(J, b, 45 * MIN, carol, { pid: 1490, tty: "pts/2", ok: false });

  // Priorities 0..7 all occur in this boot (1 is sudo's, 3 sshd's, 5 the kernel's, 6 and 7 above).
  const logger = proc({ pid: 1512, comm: "logger", exe: "/usr/bin/logger", cmdline: "logger -p user.emerg UPS ups@localhost on battery, shutdown in 120 seconds", unit: "nut-monitor.service", slice: "system.slice", cgroup: "/system.slice/nut-monitor.service", invocation: J.rng.id128() });
  J.syslog(b, 50 * MIN, logger, { facility: 1, priority: 0, ident: "root", message: "UPS ups@localhost on battery, shutdown in 120 seconds" });
  const smartd = proc({ pid: 498, comm: "smartd", exe: "/usr/sbin/smartd", cmdline: "/usr/sbin/smartd -n", unit: "smartmontools.service", slice: "system.slice", cgroup: "/system.slice/smartmontools.service", invocation: J.rng.id128() });
  J.syslog(b, 51 * MIN, smartd, { facility: 3, priority: 2, ident: "smartd", message: "Device: /dev/sda [SAT], 8 Currently unreadable (pending) sectors" });
  J.kernel(b, 52 * MIN, 4, "EXT4-fs (sda1): warning: mounting fs with errors, running e2fsck is recommended", [["_KERNEL_DEVICE", "b8:1"], ["_KERNEL_SUBSYSTEM", "block"], ["_UDEV_SYSNAME", "sda1"], ["_UDEV_DEVNODE", "/dev/sda1"]]);

  sshLogout(J, b, 55 * MIN, d, carol);
  sshLogout(J, b, 58 * MIN, d, bob);
  sshLogout(J, b, 61 * MIN, d, alice);
}

function boot2(J, b, machineId) {
  const d = daemons(J, { journaldPid: 238, logindPid: 540, sshdPid: 655 });
  bootUp(J, b, d, machineId, { kernel: "6.1.0-18-amd64", build: "6.1.76-1 (2024-02-01)", audit: "1707208204.318:3" });
  const chronyd = proc({ pid: 610, uid: 100, gid: 102, comm: "chronyd", exe: "/usr/sbin/chronyd", cmdline: "/usr/sbin/chronyd -F 1", unit: "chrony.service", slice: "system.slice", cgroup: "/system.slice/chrony.service", cap: "2000400", invocation: J.rng.id128() });
  J.syslog(b, 44 * SEC, chronyd, { facility: 3, priority: 4, ident: "chronyd", message: "System clock wrong by -3600.000211 seconds" });
  J.syslog(b, 45 * SEC, chronyd, { facility: 3, priority: 4, ident: "chronyd", message: "System clock was stepped by -3600.000211 seconds" });
  pid1(J, b, 45 * SEC + 900, d, "Time has been changed", { code: ["src/core/manager.c", 2945, "manager_dispatch_time_change_fd"], fields: [["MESSAGE_ID", MID.timeChange]] });

  // A failing service: native entries with source location, errno, a catalog-style id and its own fields.
  const inv = J.rng.id128();
  const ingestd = proc({ pid: 2288, uid: 998, gid: 998, comm: "ingestd", exe: "/usr/local/bin/ingestd", cmdline: "/usr/local/bin/ingestd --spool /var/spool/ingestd", unit: "ingestd.service", slice: "system.slice", cgroup: "/system.slice/ingestd.service", invocation: inv });
  job(J, b, 20 * MIN, d, "ingestd.service", "Spool ingest daemon", { invocation: inv });
  J.native(b, 20 * MIN + 350_000, ingestd, [
    ["PRIORITY", "3"],
    ["SYSLOG_IDENTIFIER", "ingestd"],
    ["CODE_FILE", "src/spool.c"],
    ["CODE_LINE", "311"],
    ["CODE_FUNC", "spool_open"],
    ["ERRNO", "13"],
    ["MESSAGE_ID", "4a8f0c2e6b1d4f3a9c7e5d2b1a0f8e6c"],
    ["SPOOL_PATH", "/var/spool/ingestd/batch-0042"],
    ["BATCH_ID", "0042"],
    ["RETRY_COUNT", "3"],
    ["MESSAGE", "Failed to open spool /var/spool/ingestd/batch-0042: Permission denied"],
  ]);
  coredump(J, b, 20 * MIN + 900_000, machineId, inv);
  pid1(J, b, 20 * MIN + 2_100_000, d, "ingestd.service: Main process exited, code=dumped, status=6/ABRT", {
    priority: 5, code: ["src/core/service.c", 3385, "service_sigchld_event"],
    fields: [["MESSAGE_ID", MID.unitProcessExit], ["UNIT", "ingestd.service"], ["INVOCATION_ID", inv], ["EXIT_CODE", "dumped"], ["EXIT_STATUS", "6"]],
  });
  pid1(J, b, 20 * MIN + 2_100_300, d, "ingestd.service: Failed with result 'core-dump'.", {
    priority: 4, code: ["src/core/unit.c", 5582, "unit_log_failure"],
    fields: [["MESSAGE_ID", MID.unitFailed], ["UNIT", "ingestd.service"], ["INVOCATION_ID", inv], ["UNIT_RESULT", "core-dump"]],
  });
  pid1(J, b, 20 * MIN + 7_200_000, d, "ingestd.service: Scheduled restart job, restart counter is at 1.", {
    code: ["src/core/service.c", 1321, "service_enter_restart"],
    fields: [["MESSAGE_ID", MID.unitRestartScheduled], ["UNIT", "ingestd.service"], ["N_RESTARTS", "1"]],
  });

  // A Python web app: stdout lines (one stream), then a multi-line traceback sent natively.
  const winv = J.rng.id128();
  const webapp = proc({ pid: 2410, uid: 33, gid: 33, comm: "python3", exe: "/usr/bin/python3.11", cmdline: "/srv/webapp/venv/bin/python3 -m webapp --port 8080", unit: "webapp.service", slice: "system.slice", cgroup: "/system.slice/webapp.service", invocation: winv });
  const stream = J.rng.id128();
  J.stdout(b, 30 * MIN, webapp, { ident: "webapp", streamId: stream, message: "INFO  Listening on http://0.0.0.0:8080" });
  J.stdout(b, 30 * MIN + 10_000, webapp, { ident: "webapp", streamId: stream, message: "WARN  \u00abbeta\u00bb feature flags enabled: checkout_v2, search_v3 \u2014 see /etc/webapp/flags.toml" });
  J.stdout(b, 31 * MIN, webapp, { ident: "webapp", streamId: stream, lineBreak: "line-max", message: `DEBUG request dump: ${"GET /api/v1/items?page=1&size=50 HTTP/1.1 ".repeat(48)}`.slice(0, 2048), priority: 7 });
  J.stdout(b, 31 * MIN + 1, webapp, { ident: "webapp", streamId: stream, lineBreak: "nul", message: "INFO  worker 3 ready" });
  J.native(b, 33 * MIN, webapp, [
    ["PRIORITY", "3"],
    ["SYSLOG_IDENTIFIER", "webapp"],
    ["CODE_FILE", "/srv/webapp/webapp/handlers.py"],
    ["CODE_LINE", "88"],
    ["CODE_FUNC", "handle_request"],
    ["EXCEPTION_TYPE", "KeyError"],
    ["REQUEST_PATH", "/api/v1/profile"],
    ["REQUEST_ID", "a3f9c1e2-5b7d-4e08-9f1a-2c3d4e5f6a7b"],
    ["MESSAGE", traceback()],
  ]);
  J.native(b, 33 * MIN + 50_000, webapp, [
    ["PRIORITY", "6"],
    ["SYSLOG_IDENTIFIER", "webapp"],
    ["CODE_FILE", "/srv/webapp/webapp/config.py"],
    ["CODE_LINE", "41"],
    ["CODE_FUNC", "log_config"],
    ["CONFIG_JSON", configJson()],
    ["MESSAGE", "Effective configuration loaded (see CONFIG_JSON)"],
  ]);
  binaryValues(J, b, 35 * MIN);

  const host = proc({ pid: 2555, comm: "systemd-hostnam", exe: "/usr/lib/systemd/systemd-hostnamed", cmdline: "/lib/systemd/systemd-hostnamed", unit: "systemd-hostnamed.service", slice: "system.slice", cgroup: "/system.slice/systemd-hostnamed.service", invocation: J.rng.id128() });
  J.native(b, 2 * HOUR - 1_000, host, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "3"],
    ["SYSLOG_IDENTIFIER", "systemd-hostnamed"],
    ["CODE_FILE", "src/hostname/hostnamed.c"],
    ["CODE_LINE", "645"],
    ["CODE_FUNC", "context_write_data_static_hostname"],
    ["MESSAGE", "Hostname set to <saturn.lab.example> (static)"],
  ]);
  const dave = sshLogin(J, b, 2 * HOUR + 5 * MIN, d, { user: "dave", uid: 1003, pid: 2601, session: 2, addr: "2001:db8:1f::9", port: 55123, method: "password" });
  sudoDenied(J, b, 2 * HOUR + 6 * MIN, dave, { pid: 2640, tty: "pts/0", pwd: "/home/dave", command: "/bin/bash", cmdline: "sudo -i", reason: "sudoers" });
  J.stdout(b, 2 * HOUR + 7 * MIN, webapp, { ident: "webapp", streamId: stream, lineBreak: "eof", message: "INFO  shutting down (SIGTERM)" });
  sshLogout(J, b, 2 * HOUR + 9 * MIN, d, dave);
  shutdown(J, b, 2 * HOUR + 10 * MIN, d);
}

function boot3(J, b, machineId) {
  const d = daemons(J, { journaldPid: 240, logindPid: 529, sshdPid: 640, version: "252.22-1~deb12u1" });
  J.kernel(b, 0, 5, "Linux version 6.1.0-20-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.85-1 (2024-04-11)");
  J.kernel(b, 1_700_000, 6, "rtc_cmos 00:01: setting system clock to 2024-01-01T00:00:04 UTC (1704067204)", [["_KERNEL_DEVICE", "+pnp:00:01"], ["_KERNEL_SUBSYSTEM", "pnp"], ["_UDEV_SYSNAME", "00:01"]]);
  journalStarted(J, b, 2_300_000, d, { machineId });
  const timesyncd = proc({ pid: 455, uid: 997, gid: 997, comm: "systemd-timesyn", exe: "/usr/lib/systemd/systemd-timesyncd", cmdline: "/lib/systemd/systemd-timesyncd", unit: "systemd-timesyncd.service", slice: "system.slice", cgroup: "/system.slice/systemd-timesyncd.service", cap: "2000000", invocation: J.rng.id128() });
  J.native(b, 30 * SEC + 5, timesyncd, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "3"],
    ["SYSLOG_IDENTIFIER", "systemd-timesyncd"],
    ["CODE_FILE", "src/timesync/timesyncd-manager.c"],
    ["CODE_LINE", "578"],
    ["CODE_FUNC", "manager_receive_response"],
    ["MESSAGE_ID", MID.timeSync],
    ["MESSAGE", "Initial clock synchronization to Wed 2024-02-07 09:12:00.412311 UTC."],
  ]);
  pid1(J, b, 30 * SEC + 900, d, "Time has been changed", { code: ["src/core/manager.c", 2945, "manager_dispatch_time_change_fd"], fields: [["MESSAGE_ID", MID.timeChange]] });

  const pg = proc({ pid: 3020, uid: 105, gid: 111, comm: "postgres", exe: "/usr/lib/postgresql/15/bin/postgres", cmdline: "postgres: 15/main: app appdb 10.0.0.7(51544) SELECT", unit: "postgresql@15-main.service", slice: "system.slice", cgroup: "/system.slice/system-postgresql.slice/postgresql@15-main.service", invocation: J.rng.id128() });
  J.syslog(b, 10 * MIN, pg, { facility: 16, priority: 4, ident: "postgres", message: slowQuery() });

  const backup = proc({ pid: 3100, comm: "restic", exe: "/usr/bin/restic", cmdline: "restic backup /srv", unit: "backup.service", slice: "system.slice", cgroup: "/system.slice/backup.service", namespace: "backup", invocation: J.rng.id128() });
  J.stdout(b, 12 * MIN, backup, { ident: "restic", streamId: J.rng.id128(), message: "snapshot 4f2a9c1b saved" });

  // Field names the export format carries but the writer refuses (lowercase, leading digit): journal-remote
  // drops them and keeps the rest of the entry.
  J.native(b, 13 * MIN, proc({ pid: 3150, comm: "fixture", exe: "/usr/local/bin/fixture", cmdline: "fixture --names", unit: "fixture.service", slice: "system.slice", cgroup: "/system.slice/fixture.service" }), [
    ["PRIORITY", "6"],
    ["SYSLOG_IDENTIFIER", "fixture"],
    ["lowercase_name", "dropped by the writer"],
    ["9LEADING_DIGIT", "dropped by the writer"],
    ["MESSAGE", "field names: two invalid ones were sent with this entry"],
  ]);
  // Compression: payloads ("NAME=value") just below, at and above the 512-byte threshold, and a 24 KiB
  // profile of mixed text (long matches, literals, far offsets) for the decompressors.
  const prof = proc({ pid: 3170, uid: 999, gid: 999, comm: "api-gateway", exe: "/usr/local/bin/api-gateway", cmdline: "/usr/local/bin/api-gateway --config /etc/api-gateway.toml", unit: "api-gateway.service", slice: "system.slice", cgroup: "/system.slice/api-gateway.service", cap: "0", invocation: J.rng.id128() });
  const pad = (name, size) => [name, `${"threshold ".repeat(60)}`.slice(0, size - name.length - 1)];
  J.native(b, 14 * MIN, prof, [["PRIORITY", "7"], ["SYSLOG_IDENTIFIER", "api-gateway"], pad("T511", 511), pad("T512", 512), pad("T513", 513), ["MESSAGE", "compression threshold probes"]]);
  J.native(b, 14 * MIN + 5_000, prof, [["PRIORITY", "7"], ["SYSLOG_IDENTIFIER", "api-gateway"], ["CODE_FILE", "internal/pprof/dump.go"], ["CODE_LINE", "33"], ["CODE_FUNC", "pprof.Dump"], ["PROFILE_TEXT", profile(J.rng, 24 * 1024)], ["MESSAGE", "heap profile written"]]);
  const ops = sshLogin(J, b, 20 * MIN, d, { user: "ops", uid: 1005, pid: 3300, session: 1, addr: "10.20.30.40", port: 41000 });
  su(J, b, 21 * MIN, ops, { pid: 3333, tty: "pts/0" });
  sshLogout(J, b, 25 * MIN, d, ops);
}

function shutdown(J, b, mono, d) {
  J.native(b, mono, d.logind, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "4"],
    ["SYSLOG_IDENTIFIER", "systemd-logind"],
    ["CODE_FILE", "src/login/logind-dbus.c"],
    ["CODE_LINE", "1664"],
    ["CODE_FUNC", "bus_manager_log_shutdown"],
    ["MESSAGE_ID", MID.shutdown],
    ["SHUTDOWN", "power-off"],
    ["MESSAGE", "System is powering down."],
  ]);
  job(J, b, mono + 200_000, d, "ssh.service", "OpenBSD Secure Shell server", { verb: "Stopped", type: "stop", invocation: d.sshd.invocation });
  J.driver(b, mono + 900_000, d.journald, [["PRIORITY", "6"], ["MESSAGE_ID", MID.journalStop], ["MESSAGE", "Journal stopped"]]);
}

/** Values the export format must carry in its binary form, and two it may carry either way. */
function binaryValues(J, b, mono) {
  const p = proc({ pid: 2700, uid: 1000, gid: 1000, comm: "fixture", exe: "/usr/local/bin/fixture", cmdline: "fixture --binary", unit: "fixture.service", slice: "system.slice", cgroup: "/system.slice/fixture.service", cap: "0", invocation: J.rng.id128() });
  const send = (i, message, extra = [], opts = {}) =>
    J.native(b, mono + i * 1000, p, [["PRIORITY", "6"], ["SYSLOG_IDENTIFIER", "fixture"], ["CASE", opts.case], ...extra, ["MESSAGE", message]], opts.binary ? { binary: new Set(opts.binary) } : {});
  send(0, latin1("Datei gel\xf6scht: /srv/\xe4rger.txt"), [], { case: "latin1" });
  send(1, "\x1b[1;31mFAILED\x1b[0m to start backup.service", [], { case: "ansi-escape" });
  send(2, Buffer.from("key\0value\0", "latin1"), [["NUL_FIELD", Buffer.from("\0", "latin1")]], { case: "embedded-nul" });
  send(3, "progress: 50%\rprogress: 100%", [], { case: "carriage-return" });
  send(4, "rubout\x7f and next\u0085line", [], { case: "del-and-c1" });
  send(5, latin1("overlong \xc0\xaf surrogate \xed\xa0\x80 truncated \xe2\x82"), [], { case: "invalid-utf8" });
  send(6, "deploy finished \u{1F680} in 12\u00b5s \u2014 caf\u00e9 \u65e5\u672c", [["TABBED", "col1\tcol2\tcol3"]], { case: "valid-utf8" });
  send(7, "two lines\nsecond line\n", [["TRAILING_SPACE", "value with trailing spaces   "]], { case: "newlines" });
  send(8, "printable text sent in binary form", [["BINARY_TEXT", "also printable"], ["EMPTY", ""], ["EMPTY_TEXT", ""]], { case: "forced-binary", binary: ["MESSAGE", "BINARY_TEXT", "EMPTY"] });
  send(9, "repeated fields", [["TAG", "alpha"], ["TAG", "beta"], ["TAG", "alpha"], ["TAG", "gamma"]], { case: "repeated-field" });
  send(10, "long field name", [["F".repeat(64), "64-character field name"], ["A_FIELD_WITH_DIGITS_123", "x"]], { case: "names" });
  send(11, "random bytes (incompressible, above the compression threshold)", [["BLOB", J.rng.bytes(1024)], ["BASE64", J.rng.bytes(700).toString("base64")]], { case: "incompressible" });
  send(12, "many fields", Array.from({ length: 60 }, (_, k) => [`F${String(k).padStart(2, "0")}`, `value ${k}`]), { case: "many-fields" });
}

function profile(r, size) {
  const fns = ["runtime.mallocgc", "runtime.newobject", "encoding/json.(*decodeState).object", "net/http.(*conn).serve", "gateway/internal/http.(*router).ServeHTTP", "gateway/internal/cache.(*lru).Get", "bytes.growSlice", "compress/flate.NewWriter", "crypto/tls.(*Conn).readRecord", "bufio.NewReaderSize"];
  const lines = ["heap profile: 1204: 9437184 [48211: 201326592] @ heap/1048576"];
  while (lines.join("\n").length < size) {
    const stack = Array.from({ length: r.int(2, 6) }, () => `0x${(0x46a000 + r.int(0, 0xfffff)).toString(16)}`).join(" ");
    lines.push(`${r.int(1, 99)}: ${r.int(1, 9) * 4096} [${r.int(100, 9999)}: ${r.int(1, 999) * 4096}] @ ${stack}`);
    lines.push(`#\t0x${(0x46a000 + r.int(0, 0xfffff)).toString(16)}\t${r.pick(fns)}+0x${r.int(16, 999).toString(16)}\t/usr/local/go/src/${r.pick(["runtime/malloc.go", "net/http/server.go", "encoding/json/decode.go", "bufio/bufio.go"])}:${r.int(10, 2000)}`);
  }
  return lines.join("\n").slice(0, size);
}

function traceback() {
  const frames = [
    ["/srv/webapp/venv/lib/python3.11/site-packages/flask/app.py", 1484, "full_dispatch_request", "rv = self.dispatch_request()"],
    ["/srv/webapp/venv/lib/python3.11/site-packages/flask/app.py", 1469, "dispatch_request", "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)"],
    ["/srv/webapp/webapp/auth.py", 52, "wrapper", "return view(*args, **kwargs)"],
    ["/srv/webapp/webapp/handlers.py", 88, "handle_request", "uid = session[\"user_id\"]"],
    ["/srv/webapp/venv/lib/python3.11/site-packages/werkzeug/local.py", 311, "__getitem__", "return self._get_current_object()[key]"],
  ];
  const lines = ["Unhandled exception in request handler", "Traceback (most recent call last):"];
  for (const [file, line, fn, code] of frames) lines.push(`  File "${file}", line ${line}, in ${fn}`, `    ${code}`);
  lines.push("KeyError: 'user_id'");
  return lines.join("\n");
}

function configJson() {
  const routes = Array.from({ length: 24 }, (_, i) => ({ path: `/api/v1/resource${i}`, methods: ["GET", "POST"], auth: i % 3 === 0 ? "none" : "session", rate_limit: { per_minute: 120, burst: 20 } }));
  return JSON.stringify({ listen: "0.0.0.0:8080", workers: 4, database: { url: "postgresql://app@db01/appdb", pool: 10 }, routes });
}

function slowQuery() {
  const ids = Array.from({ length: 2000 }, (_, i) => 100000 + i * 7).join(", ");
  return `duration: 5123.441 ms  statement: SELECT id, name, updated_at FROM items WHERE id IN (${ids}) ORDER BY updated_at DESC`;
}

function coredump(J, b, mono, machineId, invocation) {
  const ts = b.realtime(mono) - 400_000;
  const p = proc({ pid: 2299, comm: "systemd-coredum", exe: "/usr/lib/systemd/systemd-coredump", cmdline: "/lib/systemd/systemd-coredump", unit: "systemd-coredump@0-2298-0.service", slice: "system-systemd\\x2dcoredump.slice", cgroup: "/system.slice/system-systemd\\x2dcoredump.slice/systemd-coredump@0-2298-0.service", invocation: J.rng.id128() });
  const status = ["Name:\tingestd", "Umask:\t0022", "State:\tS (sleeping)", "Tgid:\t2288", "Ngid:\t0", "Pid:\t2288", "PPid:\t1", "TracerPid:\t0", "Uid:\t998\t998\t998\t998", "Gid:\t998\t998\t998\t998", "FDSize:\t64", "Groups:\t998", "VmPeak:\t  241208 kB", "VmSize:\t  241208 kB", "VmRSS:\t   18324 kB", "Threads:\t5", "SigQ:\t0/63412", "CapEff:\t0000000000000000", "Seccomp:\t0", "voluntary_ctxt_switches:\t41", "nonvoluntary_ctxt_switches:\t3"].join("\n");
  const maps = [];
  let addr = 0x55d4c8a00000;
  for (const lib of ["/usr/local/bin/ingestd", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"]) {
    for (const perm of ["r--p", "r-xp", "r--p", "rw-p"]) {
      const end = addr + 0x1000 * (1 + (maps.length % 5));
      maps.push(`${addr.toString(16)}-${end.toString(16)} ${perm} 00000000 08:01 ${131000 + maps.length}                    ${lib}`);
      addr = end;
    }
    addr = maps.length === 4 ? 0x7f3a1c200000 : addr + 0x10000;
  }
  const message = [
    "Process 2288 (ingestd) of user 998 dumped core.",
    "",
    "Module libz.so.1 from deb zlib-1.2.13.dfsg-1.amd64",
    "Module libc.so.6 from deb glibc-2.36-9+deb12u4.amd64",
    "Stack trace of thread 2288:",
    "#0  0x00007f3a1c28ae2c __pthread_kill_implementation (libc.so.6 + 0x8ae2c)",
    "#1  0x00007f3a1c23bfb2 __GI_raise (libc.so.6 + 0x3bfb2)",
    "#2  0x00007f3a1c226472 __GI_abort (libc.so.6 + 0x26472)",
    "#3  0x000055d4c8a0b1f4 spool_open (ingestd + 0xb1f4)",
    "#4  0x000055d4c8a0a88e main (ingestd + 0xa88e)",
    "#5  0x00007f3a1c22724a __libc_start_call_main (libc.so.6 + 0x2724a)",
    "#6  0x00007f3a1c227305 __libc_start_main_impl (libc.so.6 + 0x27305)",
    "#7  0x000055d4c8a0a9b1 _start (ingestd + 0xa9b1)",
    "ELF object binary architecture: AMD x86-64",
  ].join("\n");
  J.native(b, mono, p, [
    ["PRIORITY", "2"],
    ["SYSLOG_IDENTIFIER", "systemd-coredump"],
    ["CODE_FILE", "src/coredump/coredump.c"],
    ["CODE_LINE", "1025"],
    ["CODE_FUNC", "submit_coredump"],
    ["MESSAGE_ID", MID.coredump],
    ["COREDUMP_PID", "2288"],
    ["COREDUMP_UID", "998"],
    ["COREDUMP_GID", "998"],
    ["COREDUMP_SIGNAL", "6"],
    ["COREDUMP_SIGNAL_NAME", "SIGABRT"],
    ["COREDUMP_TIMESTAMP", String(ts)],
    ["COREDUMP_RLIMIT", "18446744073709551615"],
    ["COREDUMP_UNIT", "ingestd.service"],
    ["COREDUMP_SLICE", "system.slice"],
    ["COREDUMP_CGROUP", "/system.slice/ingestd.service"],
    ["COREDUMP_COMM", "ingestd"],
    ["COREDUMP_EXE", "/usr/local/bin/ingestd"],
    ["COREDUMP_CMDLINE", "/usr/local/bin/ingestd --spool /var/spool/ingestd"],
    ["COREDUMP_CWD", "/"],
    ["COREDUMP_ROOT", "/"],
    ["COREDUMP_HOSTNAME", "saturn"],
    ["COREDUMP_INVOCATION_ID", invocation],
    ["COREDUMP_PROC_STATUS", status],
    ["COREDUMP_PROC_MAPS", maps.join("\n")],
    ["COREDUMP_PROC_LIMITS", "Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax file size             unlimited            unlimited            bytes     \nMax open files            1024                 524288               files     "],
    ["COREDUMP_PROC_CGROUP", "0::/system.slice/ingestd.service"],
    ["COREDUMP_ENVIRON", "LANG=C.UTF-8\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nINVOCATION_ID=" + invocation + "\nJOURNAL_STREAM=8:21544\nSYSTEMD_EXEC_PID=2288"],
    ["COREDUMP_OPEN_FDS", "0:/dev/null\npos:\t0\nflags:\t0100000\nmnt_id:\t22\nino:\t4\n\n1:socket:[21544]\npos:\t0\nflags:\t02\nmnt_id:\t8\nino:\t21544"],
    ["COREDUMP_FILENAME", `/var/lib/systemd/coredump/core.ingestd.998.${b.id}.2288.${ts}.zst`],
    ["COREDUMP_PACKAGE_NAME", "ingestd"],
    ["COREDUMP_PACKAGE_VERSION", "1.4.2"],
    ["COREDUMP_PACKAGE_JSON", '{"elfType":"coredump","elfArchitecture":"AMD x86-64","/usr/local/bin/ingestd":{"type":"deb","name":"ingestd","version":"1.4.2","architecture":"amd64"}}'],
    ["MESSAGE", message],
  ]);
}
