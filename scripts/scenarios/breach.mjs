// Scenario "breach" (fixtures/scenarios/breach/README.md tells it minute by minute): host bastion, Debian 12,
// Europe/Berlin, 2026-11-17. An attacker at 203.0.113.77 guesses sshd passwords (two invalid users, three wrong
// passwords for deploy), gets in as deploy, sudo's useradd, passwd and tee into root's authorized_keys, logs out;
// alice logs in with her key, sudo's a reboot; after the boot alice logs in again and stays.
import { clock, Story } from "./lib.mjs";
import { Host } from "./actors.mjs";

export const BREACH = {
  hostname: "bastion",
  zone: "Europe/Berlin",
  machineId: "3f9c2a7e5b1d4c8e9a0b1c2d3e4f5a6b",
  kernel: "6.1.0-27-amd64",
  users: { root: { uid: 0, home: "/root" }, alice: { uid: 1000 }, deploy: { uid: 1001 }, sysbackup: { uid: 1002 } },
  boot1: "7c1e9b2a4d6f48e0a1b2c3d4e5f60718",
  boot2: "e2a4c6e8f0b24d6f8a9b0c1d2e3f4a5b",
};

export function breach(keys) {
  const at = clock("2026-11-17");
  const s = new Story(BREACH);
  const A = "203.0.113.77";
  const ALICE = "198.51.100.23";
  // boot 1 started on 2026-11-16 22:14:03 UTC; the files begin with this morning's events (wtmp and audit.log
  // were rotated since, the journal file was started at its last rotation)
  s.boot(BREACH.boot1, Date.UTC(2026, 10, 16, 22, 14, 3) * 1000 + 118_004, 20_418);
  const h = new Host(s, { logindPid: 512, users: BREACH.users });
  h.sshInvocation = "5d0b1c9e7a2f4e6b8c3d1a0f9e8b7c6d";

  // 09:01-09:03 the guessing: one connection per attempt (bots reconnect), deploy twice on one connection
  let tf = h.invalidUser(at("09:01:58.412087"), { pid: 4101, name: "admin", ip: A, port: 50022 });
  h.preauthDisconnect(tf + 251_000, { pid: 4101, ip: A, port: 50022, who: "invalid user admin" });
  tf = h.invalidUser(at("09:02:20.655310"), { pid: 4107, name: "oracle", ip: A, port: 50040 });
  h.preauthDisconnect(tf + 237_200, { pid: 4107, ip: A, port: 50040, who: "invalid user oracle" });
  h.failedPassword(at("09:02:41.604228"), { pid: 4113, name: "deploy", ip: A, port: 50058 });
  tf = h.failedPassword(at("09:02:44.102339"), { pid: 4113, name: "deploy", ip: A, port: 50058 });
  h.s.log(tf + 363_707, h.sshd(4113), `Connection closed by authenticating user deploy ${A} port 50058 [preauth]`);
  h.failedPassword(at("09:03:05.210554"), { pid: 4121, name: "deploy", ip: A, port: 50076 });

  // 09:03:09 in, on the next try of the same connection
  h.login(at("09:03:09.815321"), { pid: 4121, child: 4124, name: "deploy", ip: A, port: 50076, method: "password", ses: 7, tty: "pts/0" });
  const D = { name: "deploy", ses: 7, tty: "pts/0", cwd: "/home/deploy" };
  h.sudo(at("09:04:33.401226"), {
    ...D,
    pid: 4190,
    askPassword: true,
    argv: ["/usr/sbin/useradd", "-m", "-s", "/bin/bash", "sysbackup"],
    end: at("09:04:33.612447"),
    during: () => {
      const tool = { pid: 4191, ident: "useradd", exe: "/usr/sbin/useradd", ses: 7, loginuid: 1001, argv: ["useradd", "-m", "-s", "/bin/bash", "sysbackup"] };
      h.tool(at("09:04:33.472890"), tool, "new group: name=sysbackup, GID=1002", 10);
      s.audit(at("09:04:33.473100"), "ADD_GROUP", `pid=4191 uid=0 auid=1001 ses=7 msg='op=adding group id=1002 exe="/usr/sbin/useradd" hostname=bastion addr=? terminal=pts/0 res=success'`);
      h.tool(at("09:04:33.489013"), tool, "new user: name=sysbackup, UID=1002, GID=1002, home=/home/sysbackup, shell=/bin/bash, from=/dev/pts/0", 10);
      s.audit(at("09:04:33.489300"), "ADD_USER", `pid=4191 uid=0 auid=1001 ses=7 msg='op=adding user id=1002 exe="/usr/sbin/useradd" hostname=bastion addr=? terminal=pts/0 res=success'`);
    },
  });
  h.sudo(at("09:05:02.161884"), {
    ...D,
    pid: 4205,
    argv: ["/usr/bin/passwd", "sysbackup"],
    end: at("09:05:09.391006"),
    during: () => {
      h.tool(at("09:05:09.377215"), { pid: 4206, ident: "passwd", exe: "/usr/bin/passwd", ses: 7, loginuid: 1001, argv: ["passwd", "sysbackup"] }, "pam_unix(passwd:chauthtok): password changed for sysbackup", 10);
      s.audit(at("09:05:09.377500"), "USER_CHAUTHTOK", `pid=4206 uid=0 auid=1001 ses=7 msg='op=PAM:chauthtok grantors=pam_unix acct="sysbackup" exe="/usr/bin/passwd" hostname=bastion addr=? terminal=pts/0 res=success'`);
    },
  });
  h.sudo(at("09:05:40.021367"), { ...D, pid: 4219, argv: ["/usr/bin/tee", "-a", "/root/.ssh/authorized_keys"], end: at("09:05:52.706338") });
  h.logout(at("09:06:15.330044"), { pid: 4121, child: 4124, name: "deploy", ip: A, port: 50076, ses: 7, tty: "pts/0" });

  // 09:20 another address tries one name and goes away (a second group for logins.failed --by addr)
  tf = h.invalidUser(at("09:20:14.007731"), { pid: 4302, name: "ubuntu", ip: "192.0.2.211", port: 39910 });
  h.preauthDisconnect(tf + 240_550, { pid: 4302, ip: "192.0.2.211", port: 39910, who: "invalid user ubuntu" });

  // 09:31 alice, with her key
  h.login(at("09:31:40.118032"), { pid: 4388, child: 4391, name: "alice", ip: ALICE, port: 61544, method: "publickey", key: `ED25519 ${keys.alice}`, ses: 8, tty: "pts/0" });
  // 09:58 alice reboots the host: logind announces it, stops the session scopes (her sshd is killed with the
  // scope before it can write a logout), systemd-update-utmp writes the shutdown record when its unit stops
  h.sudo(at("09:58:02.250914"), { name: "alice", ses: 8, tty: "pts/0", cwd: "/home/alice", pid: 4460, askPassword: true, argv: ["/usr/sbin/reboot"], end: at("09:58:02.640233") });
  h.logind(at("09:58:02.611478"), "System is rebooting.", { MESSAGE_ID: "98268866d1d54a499c4e98921d93bc40", SHUTDOWN: "reboot", CODE_FILE: "src/login/logind-dbus.c", CODE_LINE: "1651", CODE_FUNC: "bus_manager_log_shutdown" }, 5);
  h.logindGone(at("09:58:03.208344"), 8, at("09:58:03.402119"));
  s.log(at("09:58:03.450028"), { ...h.sshd(689, { title: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups" }) }, "Received signal 15; terminating.");
  s.wtmp(at("09:58:04.873455"), { type: 1, id: "~~", user: "shutdown", line: "~", host: BREACH.kernel });
  s.audit(at("09:58:04.874100"), "SYSTEM_SHUTDOWN", `pid=4478 uid=0 auid=${4294967295} ses=${4294967295} msg=' comm="systemd-update-utmp" exe="/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'`);
  s.audit(at("09:58:05.112400"), "DAEMON_END", `op=terminate auid=0 uid=0 ses=4294967295 pid=1 res=success`, 5120);

  // boot 2: the kernel at 10:00:40.4, systemd (userspace, the time wtmp's reboot record carries) at 10:00:42.1
  s.boot(BREACH.boot2, at("10:00:40.402117"), 0);
  const h2 = new Host(s, { logindPid: 478, users: BREACH.users });
  h2.sshInvocation = "a81f3c5e9d2b4a7c8e6f0d1b3a5c7e9f";
  s.wtmp(at("10:00:42.105236"), { type: 2, id: "~~", user: "reboot", line: "~", host: BREACH.kernel });
  s.audit(at("10:00:43.102300"), "DAEMON_START", `op=start ver=3.0.9 format=raw kernel=${BREACH.kernel} auid=4294967295 pid=398 uid=0 ses=4294967295 res=success`, 2211);
  h2.logind(at("10:00:43.251007"), "New seat seat0.", { MESSAGE_ID: "fcbefc5da23d428093f97c82a9290f7b", SEAT_ID: "seat0", CODE_FILE: "src/login/logind-seat.c", CODE_LINE: "193", CODE_FUNC: "seat_start" });
  s.audit(at("10:00:43.705600"), "SYSTEM_BOOT", `pid=402 uid=0 auid=4294967295 ses=4294967295 msg=' comm="systemd-update-utmp" exe="/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'`);
  s.log(at("10:00:43.902115"), h2.sshd(605, { title: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups" }), "Server listening on 0.0.0.0 port 22.");
  s.log(at("10:00:43.902301"), h2.sshd(605, { title: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups" }), "Server listening on :: port 22.");
  s.wtmp(at("10:00:44.960331"), { type: 1, pid: 51, id: "~~", user: "runlevel", line: "~", host: BREACH.kernel });
  // 10:02 alice again (the audit and logind session ids start over at boot), still logged in at acquisition,
  h2.login(at("10:02:10.540126"), { pid: 702, child: 705, name: "alice", ip: ALICE, port: 61602, method: "publickey", key: `ED25519 ${keys.alice}`, ses: 1, tty: "pts/0" });
  // and a second terminal 0.9 s later (another port, pid, pty and session): two logins, not one; lastlog and
  // lastlog2 keep only this one
  h2.login(at("10:02:11.447802"), { pid: 731, child: 734, name: "alice", ip: ALICE, port: 61610, method: "publickey", key: `ED25519 ${keys.alice}`, ses: 2, tty: "pts/1" });
  return s;
}
