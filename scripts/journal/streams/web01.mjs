// The sample host web01's journal (fixtures/hosts/web01/var/log/journal/), told from the host's own wtmp and btmp
// (read here, so the times agree to the microsecond): every boot (BOOT_TIME, kernel from ut_host), every login
// (sshd for pts/N with an address, login(1) for ttyN, lightdm for :0) and logout, every failed attempt of btmp,
// the clock change (OLD_TIME/NEW_TIME: `sudo date`), runlevel changes, two shutdowns and the crash before the
// Tuesday 16:32 boot. Added: sudo/su use (alice's `sudo -i` before root's commands in /root/.bash_history),
// the cron job root planted then, journald's rename of the file the crash left online.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Boot, Journal, SEC, proc, us } from "../lib/host.mjs";
import { MID, daemons, job, journalStarted, kernelBoot, pid1, sessionGone, sshLogin, sshLogout, su, sudo, sudoDenied } from "../lib/events.mjs";
import { rng as makeRng } from "../lib/rng.mjs";

export const WEB01 = "5f1c9e2ab7d34c08a6e4d3b2c1f0e9d8";
const HOST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../fixtures/hosts/web01");

const TYPES = { 1: "RUN_LVL", 2: "BOOT_TIME", 3: "NEW_TIME", 4: "OLD_TIME", 5: "INIT_PROCESS", 6: "LOGIN_PROCESS", 7: "USER_PROCESS", 8: "DEAD_PROCESS" };
const str = (b) => b.toString("utf8").replace(/\0.*$/s, "");

/** glibc's struct utmpx on x86_64, 384 bytes, little-endian (fixtures/utmp/README.md). */
export function readUtmp(file) {
  const b = fs.readFileSync(file);
  const out = [];
  for (let off = 0; off + 384 <= b.length; off += 384) {
    const r = b.subarray(off, off + 384);
    const a = r.subarray(348, 364);
    const v4 = a.subarray(4).every((x) => x === 0);
    out.push({
      type: TYPES[r.readInt16LE(0)],
      pid: r.readInt32LE(4),
      line: str(r.subarray(8, 40)),
      user: str(r.subarray(44, 76)),
      host: str(r.subarray(76, 332)),
      time: r.readInt32LE(340) * SEC + r.readInt32LE(344),
      addr: v4 ? [...a.subarray(0, 4)].join(".") : null,
      source: path.basename(file),
    });
  }
  return out;
}

const USERS = {
  root: { uid: 0, shell: "/bin/bash", method: "publickey", key: "ED25519 SHA256:0vT2Y9kq3ZrJm4N8bC1xW6fH5sLd7GpQe2UaRj0iXk4" },
  alice: { uid: 1000, shell: "/bin/bash", method: "publickey", key: "ED25519 SHA256:5qn4y2Ac0OQ3JbmQ2m7mBfZ1pGvq6Ey8Jx0kRk9v2cI" },
  bob: { uid: 1001, shell: "/bin/zsh", method: "password" },
  carol: { uid: 1002, shell: "/bin/bash", method: "publickey", key: "RSA SHA256:k3Jx1QvYb0m9cPq2rT6uWz8aXs4dFg7hJk5lNb3vC1E" },
  dave: { uid: 1003, shell: "/bin/bash", method: "password" },
  mallory: { uid: 1004, shell: "/bin/bash", method: "password" },
  ops: { uid: 1005, shell: "/bin/bash", method: "password" },
  "deploy-bot": { uid: 998, shell: "/bin/sh", method: "publickey", key: "ED25519 SHA256:Hq9v0bX2mL4cK7dS1aP8zR3tY6uW5eN0fJ2gB4iO1s8" },
};
const KNOWN = new Set([...Object.keys(USERS), "www-data", "daemon", "sshd"]);
const KERNELS = { "6.1.0-18-amd64": "6.1.76-1 (2024-02-01)", "6.1.0-20-amd64": "6.1.82-1 (2024-03-01)" };

/** The client address sshd logs: wtmp's ut_host when it is an address, else ut_addr (UseDNS put a name there). */
const ipOf = (r) => (/^[0-9a-f:.]+$/i.test(r.host) ? r.host : r.addr);

/** An ssh client's source port: the same for every record of one connection (sshd pid). */
const portOf = (pid) => 32768 + ((pid * 7919) % 28000);

export function web01({ host = HOST } = {}) {
  const wtmp = readUtmp(path.join(host, "var/log/wtmp"));
  const btmp = readUtmp(path.join(host, "var/log/btmp"));
  const J = new Journal({ machineId: WEB01, rng: makeRng(101) });
  const boots = [];
  const events = [...wtmp, ...btmp].sort((a, b) => a.time - b.time);
  const bootRecords = wtmp.filter((r) => r.type === "BOOT_TIME");
  const bootOf = (t) => boots[bootRecords.filter((r) => r.time <= t).length - 1];
  bootRecords.forEach((r, i) => {
    // BOOT_TIME is stamped when PID 1 starts, 2.114 s after the kernel (monotonic 0).
    boots.push(new Boot({ id: J.rng.id128(), realtimeAtZero: r.time - 2_114_000, hostname: "web01" }));
    boots[i].kernel = r.host;
  });
  const step = wtmp.find((r) => r.type === "OLD_TIME");
  const stepTo = wtmp.find((r) => r.type === "NEW_TIME");
  const stepped = bootOf(step.time);
  stepped.step(stepped.mono(step.time), stepTo.time - step.time);

  const state = new Map(); // per boot: daemons, sessions by pid, next session id
  const ctx = (b) => state.get(b.id);
  const at = (t) => {
    const b = bootOf(t);
    return [b, b.mono(t)];
  };
  const open = new Map();

  for (const r of events) {
    const [b, mono] = at(r.time);
    if (r.type === "BOOT_TIME") {
      startBoot(J, b, boots.indexOf(b), state);
      continue;
    }
    const c = ctx(b);
    if (r.source === "btmp") {
      // btmp holds attempts stamped while the host was down (after Thursday's shutdown, before Friday's boot):
      // nothing could have logged them, so the journal has no entry for them (see fixtures/journal/README.md).
      if (c.down) c.skipped.push(r);
      else failed(J, b, mono, c, r, events);
      continue;
    }
    switch (r.type) {
      case "RUN_LVL":
        if (r.user === "shutdown") {
          // logind ends the sessions still open as the system goes down (sshd logs nothing then).
          for (const [pid, s] of open) if (s.boot === b.id) {
            sessionGone(J, b, mono - 3 * SEC, c.d, s);
            open.delete(pid);
          }
        }
        runlevel(J, b, mono, c, r);
        if (r.user === "shutdown") c.down = true;
        break;
      case "OLD_TIME":
        // alice's `sudo date -s 14:03:20` on pts/0, a moment before the clock moves.
        sudo(J, b, mono - 150_000, open.get(3120), { pid: 3740, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/date -s 14:03:20", cmdline: "sudo date -s 14:03:20", close: 60_000 });
        break;
      case "NEW_TIME":
        pid1(J, b, mono + 900, c.d, "Time has been changed", { code: ["src/core/manager.c", 2945, "manager_dispatch_time_change_fd"], fields: [["MESSAGE_ID", MID.timeChange]] });
        break;
      case "INIT_PROCESS":
        if (r.line === "tty1" && mono < 60 * SEC) job(J, b, mono - 2_000, c.d, "getty@tty1.service", "Getty on tty1");
        break;
      case "USER_PROCESS":
        open.set(r.pid, Object.assign(login(J, b, mono, c, r), { boot: b.id }));
        story(J, b, mono, r, open.get(r.pid));
        break;
      case "DEAD_PROCESS": {
        const s = open.get(r.pid);
        if (!s) break; // a DEAD record without its login (wtmp's pts/5): nothing in the journal either
        logout(J, b, mono, c, s);
        open.delete(r.pid);
        break;
      }
      default:
        break;
    }
  }
  crash(J, boots[1]);
  // Sessions still open when the system goes down are closed by logind as it stops (not at the crash).
  // The last thing before the image was taken (as /var/log/syslog shows it).
  const last = boots[boots.length - 1];
  pid1(J, last, last.mono(us("2024-03-15T10:00:00.041230Z")), ctx(last).d, "Started Daily apt download activities.", { fields: [["MESSAGE_ID", MID.unitStarted], ["UNIT", "apt-daily.service"], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"], ["INVOCATION_ID", J.rng.id128()]] });
  const skipped = [...state.values()].flatMap((c) => c.skipped);
  return { journal: J, boots, skipped };
}

function startBoot(J, b, n, state) {
  const getty = [612, 598, 601, 640][n] ?? 600;
  const d = daemons(J, { journaldPid: 230 + n * 3, logindPid: 520 + n * 5, sshdPid: getty - 21 });
  state.set(b.id, { d, session: 0, down: false, skipped: [] });
  kernelBoot(J, b, {
    kernel: b.kernel,
    build: KERNELS[b.kernel],
    cmdline: "root=UUID=9b2c4d1e-7f3a-4b5c-8d6e-0f1a2b3c4d5e ro console=ttyS0,115200 quiet",
    extra: [
      [1_020_000, 5, "virtio_blk virtio2: [vda] 41943040 512-byte logical blocks (21.5 GB/20.0 GiB)", [["_KERNEL_DEVICE", "b254:0"], ["_KERNEL_SUBSYSTEM", "block"], ["_UDEV_SYSNAME", "vda"], ["_UDEV_DEVNODE", "/dev/vda"], ["_UDEV_DEVLINK", "/dev/disk/by-path/pci-0000:04:00.0"], ["_UDEV_DEVLINK", "/dev/disk/by-path/virtio-pci-0000:04:00.0"]]],
      [1_800_000, 6, "virtio_net virtio0 enp1s0: renamed from eth0", [["_KERNEL_DEVICE", "n2"], ["_KERNEL_SUBSYSTEM", "net"], ["_UDEV_SYSNAME", "enp1s0"]]],
    ],
  });
  journalStarted(J, b, 2_300_000, d, { machineId: WEB01 });
  if (n === 2) {
    // The boot after the crash: journald finds the file still online and puts it aside.
    J.driver(b, 3_200_000, d.journald, [["PRIORITY", "4"], ["MESSAGE", `File /var/log/journal/${WEB01}/system.journal corrupted or uncleanly shut down, renaming and replacing.`]]);
  }
  journalStarted(J, b, 3_300_000, d, { machineId: WEB01, runtime: false });
  job(J, b, 5_100_000, d, "ssh.service", "OpenBSD Secure Shell server", { invocation: d.sshd.invocation });
  J.syslog(b, 5_110_000, d.sshd, { facility: 4, priority: 6, ident: "sshd", message: "Server listening on 0.0.0.0 port 22." });
  J.syslog(b, 5_110_300, d.sshd, { facility: 4, priority: 6, ident: "sshd", message: "Server listening on :: port 22." });
  d.nginx = J.rng.id128();
  job(J, b, 5_400_000, d, "nginx.service", "A high performance web server and a reverse proxy server", { invocation: d.nginx });
}

function runlevel(J, b, mono, c, r) {
  if (r.user === "runlevel" && r.pid === 51) {
    job(J, b, mono - 3_000, c.d, "multi-user.target", "Multi-User System");
    pid1(J, b, mono - 1_000, c.d, `Startup finished in 2.114s (kernel) + ${((mono - 2_114_000 - 1_000) / SEC).toFixed(3)}s (userspace) = ${((mono - 1_000) / SEC).toFixed(3)}s.`, {
      code: ["src/core/manager.c", 3512, "manager_notify_finished"],
      fields: [["MESSAGE_ID", MID.startupFinished], ["KERNEL_USEC", "2114000"], ["USERSPACE_USEC", String(mono - 2_114_000 - 1_000)]],
    });
  } else if (r.user === "runlevel" && r.pid === 13109) {
    job(J, b, mono - 800_000, c.d, "lightdm.service", "Light Display Manager");
    job(J, b, mono - 2_000, c.d, "graphical.target", "Graphical Interface");
  } else if (r.user === "runlevel" && r.pid === 13619) {
    job(J, b, mono - 900_000, c.d, "lightdm.service", "Light Display Manager", { verb: "Stopped", type: "stop" });
    job(J, b, mono - 2_000, c.d, "graphical.target", "Graphical Interface", { verb: "Stopped", type: "stop" });
  } else if (r.user === "shutdown") {
    J.native(b, mono - 4 * SEC, c.d.logind, [
      ["PRIORITY", "6"],
      ["SYSLOG_FACILITY", "4"],
      ["SYSLOG_IDENTIFIER", "systemd-logind"],
      ["CODE_FILE", "src/login/logind-dbus.c"],
      ["CODE_LINE", "1664"],
      ["CODE_FUNC", "bus_manager_log_shutdown"],
      ["MESSAGE_ID", MID.shutdown],
      ["SHUTDOWN", "reboot"],
      ["MESSAGE", "System is rebooting."],
    ]);
    job(J, b, mono - 2 * SEC, c.d, "nginx.service", "A high performance web server and a reverse proxy server", { verb: "Stopped", type: "stop", invocation: c.d.nginx });
    job(J, b, mono - 1_900_000, c.d, "ssh.service", "OpenBSD Secure Shell server", { verb: "Stopped", type: "stop", invocation: c.d.sshd.invocation });
    J.driver(b, mono + 600_000, c.d.journald, [["PRIORITY", "6"], ["MESSAGE_ID", MID.journalStop], ["MESSAGE", "Journal stopped"]]);
  }
}

/** One btmp record: a failed password over ssh (with sshd's notes on the connection), or at the console. */
function failed(J, b, mono, c, r, events) {
  if (r.line.startsWith("tty")) {
    const p = proc({ pid: r.pid, comm: "login", exe: "/usr/bin/login", cmdline: "/bin/login -p --", unit: "getty@tty1.service", slice: "system.slice", cgroup: "/system.slice/system-getty.slice/getty@tty1.service" });
    J.syslog(b, mono - 2 * SEC, p, { facility: 10, priority: 5, ident: "login", message: `pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=/dev/${r.line} ruser= rhost= ${r.user === "(unknown)" ? "" : ` user=${r.user}`}` });
    const n = events.filter((e) => e.source === "btmp" && e.pid === r.pid && e.time <= r.time).length;
    J.syslog(b, mono, p, { facility: 10, priority: 5, ident: "login", message: `FAILED LOGIN ${n} FROM ${r.line} FOR ${r.user}, Authentication failure` });
    return;
  }
  const invalid = !KNOWN.has(r.user);
  const port = portOf(r.pid);
  const ip = ipOf(r);
  const p = proc({ ...c.d.sshd, pid: r.pid, cmdline: `sshd: ${invalid ? "unknown" : r.user} [priv]` });
  const auth = { facility: 4, priority: 6, ident: "sshd" };
  const conn = events.filter((e) => e.source === "btmp" && e.pid === r.pid);
  if (conn[0] === r && invalid) J.syslog(b, Math.max(0, mono - 1_900_000), p, { ...auth, message: `Invalid user ${r.user} from ${ip} port ${port}` });
  J.syslog(b, mono, p, { ...auth, message: `Failed password for ${invalid ? "invalid user " : ""}${r.user} from ${ip} port ${port} ssh2` });
  if (conn[conn.length - 1] === r) {
    J.syslog(b, mono + 1_400_000, p, { ...auth, message: `Connection closed by ${invalid ? "invalid" : "authenticating"} user ${r.user} ${ip} port ${port} [preauth]` });
  }
}

function login(J, b, mono, c, r) {
  const u = USERS[r.user];
  const session = ++c.session;
  if (r.line.startsWith("pts/")) {
    const ip = ipOf(r);
    // sshd's privileged process logs in; wtmp has the session child's pid (record_login after fork).
    return sshLogin(J, b, mono - 40_000, c.d, { user: r.user, uid: u.uid, pid: r.pid - 2, shellPid: r.pid, session, addr: ip, port: portOf(r.pid), method: u.method, key: u.key, shell: u.shell });
  }
  const graphical = r.line === ":0";
  const comm = graphical ? "lightdm" : "login";
  const p = proc({ pid: r.pid, comm, exe: graphical ? "/usr/sbin/lightdm" : "/usr/bin/login", cmdline: graphical ? "lightdm --session-child 12 19" : "/bin/login -p --", unit: graphical ? "lightdm.service" : `getty@${r.line}.service`, slice: "system.slice", cgroup: graphical ? "/system.slice/lightdm.service" : `/system.slice/system-getty.slice/getty@${r.line}.service`, auditSession: session, auditLoginuid: u.uid });
  J.syslog(b, mono - 30_000, p, { facility: 10, priority: 6, ident: comm, message: `pam_unix(${comm}:session): session opened for user ${r.user}(uid=${u.uid}) by ${graphical ? "" : "LOGIN"}(uid=0)` });
  J.native(b, mono - 20_000, c.d.logind, [
    ["PRIORITY", "6"],
    ["SYSLOG_FACILITY", "4"],
    ["SYSLOG_IDENTIFIER", "systemd-logind"],
    ["CODE_FILE", "src/login/logind-session.c"],
    ["CODE_LINE", "815"],
    ["CODE_FUNC", "session_start"],
    ["MESSAGE_ID", MID.sessionStart],
    ["SESSION_ID", String(session)],
    ["USER_ID", r.user],
    ["LEADER", String(r.pid)],
    ["MESSAGE", `New session ${session} of user ${r.user}.`],
  ]);
  if (r.user === "root" && !graphical) J.syslog(b, mono + 5_000, p, { facility: 10, priority: 5, ident: "login", message: `ROOT LOGIN  on '/dev/${r.line}'` });
  const s = { conn: proc({ ...p, session: String(session), ownerUid: u.uid, unit: `session-${session}.scope`, slice: `user-${u.uid}.slice`, cgroup: `/user.slice/user-${u.uid}.slice/session-${session}.scope` }), user: r.user, uid: u.uid, session, pid: r.pid, local: comm };
  s.shell = proc({ ...s.conn, uid: u.uid, gid: u.uid, comm: "bash", exe: "/usr/bin/bash", cmdline: "-bash", cap: "0" });
  return s;
}

function logout(J, b, mono, c, s) {
  if (s.addr) return sshLogout(J, b, mono - 2_000, c.d, s);
  J.syslog(b, mono - 3_000, s.conn, { facility: 10, priority: 6, ident: s.local, message: `pam_unix(${s.local}:session): session closed for user ${s.user}` });
  return sessionGone(J, b, mono, c.d, s);
}

/** What users did in some sessions (sudo, su), by who logged in when. */
function story(J, b, mono, r, s) {
  const t = (iso) => b.mono(us(iso));
  const key = `${r.user}@${new Date(Math.floor(r.time / 1000)).toISOString().slice(0, 16)}`;
  switch (key) {
    case "alice@2024-03-04T08:15":
      sudo(J, b, t("2024-03-04T08:20:41.512000Z"), s, { pid: 1452, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/apt-get update", cmdline: "sudo apt-get update", close: 21 * SEC });
      sudo(J, b, t("2024-03-04T08:25:10.004000Z"), s, { pid: 1530, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/apt-get install -y linux-image-6.1.0-20-amd64", cmdline: "sudo apt-get install -y linux-image-6.1.0-20-amd64", close: 96 * SEC });
      break;
    case "deploy-bot@2024-03-05T10:05":
      sudo(J, b, t("2024-03-05T10:05:03.300000Z"), s, { pid: 3305, tty: "pts/2", pwd: "/home/deploy-bot", command: "/usr/bin/systemctl restart nginx", cmdline: "sudo systemctl restart nginx", close: 1_500_000 });
      break;
    case "alice@2024-03-06T09:00":
      if (r.line !== "pts/1") break;
      // The root shell of /root/.bash_history (10:00:00 id, 10:00:12 wget, 10:00:30 sh /tmp/.x.sh).
      sudo(J, b, t("2024-03-06T09:59:41.220000Z"), s, { pid: 5090, tty: "pts/1", pwd: "/home/alice", command: "/bin/bash", cmdline: "sudo -i" });
      J.syslog(b, t("2024-03-06T10:00:34.810000Z"), proc({ ...s.shell, pid: 5131, uid: 0, gid: 0, comm: "crontab", exe: "/usr/bin/crontab", cmdline: "crontab -", cap: "1ffffffffff" }), { facility: 9, priority: 6, ident: "crontab", message: "(root) REPLACE (root)" });
      J.syslog(b, t("2024-03-06T10:01:01.006000Z"), proc({ pid: 511, comm: "cron", exe: "/usr/sbin/cron", cmdline: "/usr/sbin/cron -f", unit: "cron.service", slice: "system.slice", cgroup: "/system.slice/cron.service" }), { facility: 9, priority: 6, ident: "cron", message: "(root) RELOAD (crontabs/root)" });
      for (const [n, hh] of [[0, "11"], [1, "12"], [2, "13"]]) {
        const pid = 5300 + n * 211;
        const cron = proc({ pid, comm: "cron", exe: "/usr/sbin/cron", cmdline: "/usr/sbin/CRON -f", unit: "cron.service", slice: "system.slice", cgroup: "/system.slice/cron.service", auditSession: 40 + n, auditLoginuid: 0 });
        J.syslog(b, t(`2024-03-06T${hh}:17:01.012000Z`), cron, { facility: 10, priority: 6, ident: "CRON", message: "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)" });
        J.syslog(b, t(`2024-03-06T${hh}:17:01.020000Z`), { ...cron, pid: pid + 1 }, { facility: 9, priority: 6, ident: "CRON", message: "(root) CMD (/tmp/.x.sh >/dev/null 2>&1)" });
        J.syslog(b, t(`2024-03-06T${hh}:17:03.480000Z`), cron, { facility: 10, priority: 6, ident: "CRON", message: "pam_unix(cron:session): session closed for user root" });
      }
      break;
    case "mallory@2024-03-07T10:15":
      sudoDenied(J, b, t("2024-03-07T10:15:31.000000Z"), s, { pid: 7033, tty: "pts/0", pwd: "/home/mallory", command: "/bin/bash", cmdline: "sudo -i", reason: "sudoers" });
      break;
    case "bob@2024-03-09T02:14":
      su(J, b, t("2024-03-09T02:15:09.000000Z"), s, { pid: 9140, tty: "pts/0", ok: false, login: true });
      break;
    case "alice@2024-03-10T12:00":
      sudo(J, b, t("2024-03-10T12:04:12.000000Z"), s, { pid: 10433, tty: "pts/0", pwd: "/home/alice", command: "/usr/bin/crontab -l -u root", cmdline: "sudo crontab -l -u root", close: 200_000 });
      break;
    default:
      break;
  }
}

/** The Tuesday crash: the kernel's last words before the 16:32 boot (wtmp has no shutdown record). */
function crash(J, b) {
  const t = (iso) => b.mono(us(iso));
  J.kernel(b, t("2024-03-05T16:29:47.120000Z"), 0, "watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [nginx:1187]");
  J.kernel(b, t("2024-03-05T16:29:47.120400Z"), 4, "CPU: 1 PID: 1187 Comm: nginx Not tainted 6.1.0-20-amd64 #1  Debian 6.1.82-1");
  J.kernel(b, t("2024-03-05T16:30:11.090000Z"), 0, "watchdog: BUG: soft lockup - CPU#1 stuck for 45s! [nginx:1187]");
  J.kernel(b, t("2024-03-05T16:30:31.870000Z"), 2, "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:");
}
