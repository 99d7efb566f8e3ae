// Scenario "wiped" (fixtures/scenarios/wiped/README.md): host files01, Debian 12, UTC, 2026-11-24. An attacker at
// 192.0.2.45 tries one invalid user and one wrong password for backup, gets in as backup, sudo's `rm -f
// /var/log/wtmp` and `truncate -s 1000 /var/log/btmp`, logs out; carol logs in with her key and out. wtmp is
// gone (glibc's updwtmp does not create it again), btmp ends 232 bytes into its third record; auth.log, the
// journal, audit.log and lastlog still tell everything.
import { clock, Story } from "./lib.mjs";
import { Host } from "./actors.mjs";

export const WIPED = {
  hostname: "files01",
  zone: "UTC",
  machineId: "b41d7e2c9a3f4e58b6c0d1e2f3a4b5c6",
  kernel: "6.1.0-27-amd64",
  users: { root: { uid: 0, home: "/root" }, carol: { uid: 1000 }, backup: { uid: 1001 } },
  boot: "0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f50",
};

/** btmp's length after the attacker's truncate: two whole 384-byte records and 232 bytes of the third. */
export const BTMP_KEPT = 1000;

export function wiped(keys) {
  const at = clock("2026-11-24");
  const s = new Story(WIPED);
  const A = "192.0.2.45";
  const CAROL = "198.51.100.60";
  s.boot(WIPED.boot, Date.UTC(2026, 10, 20, 6, 30, 11) * 1000 + 402_913, 9_902);
  const h = new Host(s, { logindPid: 498, users: WIPED.users });
  h.sshInvocation = "c3e5a7b9d1f34a6c8e0b2d4f6a8c0e1f";

  const tf = h.invalidUser(at("14:10:05.220419"), { pid: 2301, name: "test", ip: A, port: 41822 });
  h.preauthDisconnect(tf + 244_100, { pid: 2301, ip: A, port: 41822, who: "invalid user test" });
  h.failedPassword(at("14:10:31.300127"), { pid: 2307, name: "backup", ip: A, port: 41840 });
  h.login(at("14:10:35.118270"), { pid: 2307, child: 2310, name: "backup", ip: A, port: 41840, method: "password", ses: 4, tty: "pts/0", lastlog2: false });
  const B = { name: "backup", ses: 4, tty: "pts/0", cwd: "/home/backup" };
  h.sudo(at("14:11:20.503318"), { ...B, pid: 2355, askPassword: true, argv: ["/usr/bin/rm", "-f", "/var/log/wtmp"], end: at("14:11:20.512903") });
  h.sudo(at("14:11:41.880412"), { ...B, pid: 2361, argv: ["/usr/bin/truncate", "-s", "1000", "/var/log/btmp"], end: at("14:11:41.889215") });
  h.logout(at("14:12:03.447809"), { pid: 2307, child: 2310, name: "backup", ip: A, port: 41840, ses: 4, tty: "pts/0" });

  h.login(at("14:40:12.662051"), { pid: 2502, child: 2505, name: "carol", ip: CAROL, port: 55012, method: "publickey", key: `ED25519 ${keys.carol}`, ses: 5, tty: "pts/0", lastlog2: false });
  h.logout(at("14:46:30.015733"), { pid: 2502, child: 2505, name: "carol", ip: CAROL, port: 55012, ses: 5, tty: "pts/0" });
  return s;
}
