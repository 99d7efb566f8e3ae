// The near misses of the join rules (docs/logins.md): what stays two, and what is one though it looks like two.
import { describe, expect, it } from "vitest";
import { auditLine, authLine, authLog, sourceRecords, storyOf, utmpFile, view, type Utmp } from "./helpers.js";

async function story(tree: Record<string, string | Uint8Array>) {
  const given = [];
  if (tree["/var/log/wtmp"]) given.push({ name: "wtmp", records: await sourceRecords(tree, "wtmp") });
  if (tree["/var/log/btmp"]) given.push({ name: "btmp", records: await sourceRecords(tree, "btmp") });
  if (tree["/var/log/auth.log"]) given.push({ name: "authlog", records: await sourceRecords(tree, "authlog") });
  if (tree["/var/log/audit/audit.log"]) given.push({ name: "audit", records: await sourceRecords(tree, "audit.events") });
  return storyOf(given).map(view);
}

const A = "authlog:/var/log/auth.log";
const W = "wtmp:/var/log/wtmp";
const B = "btmp:/var/log/btmp";
const login = (at: number, pid: number, line = "pts/0"): Utmp => ({ type: "USER_PROCESS", at, pid, line, id: line.slice(-4), user: "alice", host: "198.51.100.23", addr: "198.51.100.23" });
const accepted = (at: number, pid: number, port: number) => authLine(at, `sshd[${pid}]`, `Accepted password for alice from 198.51.100.23 port ${port} ssh2`);

describe("near misses", () => {
  it("3 s apart, same pid: two events (the skew is 2 s)", async () => {
    const s = await story({ "/var/log/wtmp": utmpFile([login(3, 1408)]), "/var/log/auth.log": authLog([accepted(0, 1408, 52884)]) });
    expect(s.map((e) => [e.ts, e.sources])).toEqual([
      ["2024-03-06T03:10:00+00:00", [A]],
      ["2024-03-06T03:10:03+00:00", [W]],
    ]);
  });

  it("2 s apart exactly: joined (the skew is inclusive)", async () => {
    const s = await story({ "/var/log/wtmp": utmpFile([login(2, 1408)]), "/var/log/auth.log": authLog([accepted(0, 1408, 52884)]) });
    expect(s.map((e) => e.sources)).toEqual([[A, W]]);
  });

  it("two logins in the same second, different ports, pids and addresses: two, each wtmp record with its address", async () => {
    const s = await story({
      "/var/log/wtmp": utmpFile([{ ...login(0.5, 2012, "pts/1"), host: "198.51.100.24", addr: "198.51.100.24" }, login(0.4, 2011, "pts/0")]),
      "/var/log/auth.log": authLog([accepted(0, 2001, 40001), authLine(0, "sshd[2002]", "Accepted password for alice from 198.51.100.24 port 40002 ssh2")]),
    });
    expect(s.map((e) => [e.pid, e.remote_ip, e.remote_port, e.tty, e.confidence, e.sources])).toEqual([
      [2001, "198.51.100.23", 40001, "pts/0", "probable", [A, W]],
      [2002, "198.51.100.24", 40002, "pts/1", "probable", [A, W]],
    ]);
  });

  it("two logins in the same second from one address: still two (which wtmp record is whose is a guess: probable)", async () => {
    const s = await story({
      "/var/log/wtmp": utmpFile([login(0.4, 2011, "pts/0"), login(0.5, 2012, "pts/1")]),
      "/var/log/auth.log": authLog([accepted(0, 2001, 40001), accepted(0, 2002, 40002)]),
    });
    expect(s.map((e) => [e.action, e.remote_port, e.confidence, e.sources])).toEqual([
      ["login", 40001, "probable", [A, W]],
      ["login", 40002, "probable", [A, W]],
    ]);
  });

  it("same second, same user, different ttys, no pid in one source: joined on tty, never crossed", async () => {
    const tty = (at: number, t: string) => auditLine("USER_LOGIN", at, "pid=0 uid=0 auid=1000 ses=4 subj=unconfined", `op=login id=1000 exe="/usr/sbin/sshd" hostname=198.51.100.23 addr=198.51.100.23 terminal=/dev/${t} res=success`).replace("pid=0 ", "");
    const s = await story({
      "/var/log/wtmp": utmpFile([login(0.1, 3001, "pts/0"), login(0.2, 3002, "pts/1")]),
      "/var/log/audit/audit.log": authLog([tty(0.25, "pts/1"), tty(0.15, "pts/0")].sort()),
    });
    expect(s.map((e) => [e.tty, e.pid, e.sources.length])).toEqual([
      ["pts/0", 3001, 2],
      ["pts/1", 3002, 2],
    ]);
  });

  it("across a reboot: never joined, even within the skew and with the same pid", async () => {
    const s = await story({
      "/var/log/wtmp": utmpFile([login(0.5, 1408), { type: "BOOT_TIME", at: 1, user: "reboot", line: "~", id: "~~" }]),
      "/var/log/auth.log": authLog([accepted(2, 1408, 52884)]),
    });
    expect(s.map((e) => [e.action, e.sources])).toEqual([
      ["login", [W]],
      ["reboot", [W]],
      ["login", [A]],
    ]);
  });

  it("Invalid user + its Failed password (same pid) + btmp: one attempt; the next Invalid user of the pid another", async () => {
    const s = await story({
      "/var/log/auth.log": authLog([
        authLine(0, "sshd[6814]", "Invalid user admin from 218.92.0.112 port 58176"),
        authLine(0, "sshd[6814]", "pam_unix(sshd:auth): check pass; user unknown"),
        authLine(0, "sshd[6814]", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=218.92.0.112 "),
        authLine(2, "sshd[6814]", "Failed password for invalid user admin from 218.92.0.112 port 58176 ssh2"),
        authLine(3, "sshd[6814]", "Invalid user admin from 218.92.0.112 port 58176"),
        authLine(5, "sshd[6814]", "Failed password for invalid user admin from 218.92.0.112 port 58176 ssh2"),
      ]),
      // sshd writes btmp at "Invalid user" (getpwnamallow) and again for the Failed password
      "/var/log/btmp": utmpFile([0.1, 2.1, 3.1, 5.1].map((at) => ({ type: "LOGIN_PROCESS" as const, at, pid: 6814, line: "ssh:notty", user: "admin", host: "218.92.0.112", addr: "218.92.0.112" }))),
    });
    // the time: btmp's (µs) record at "Invalid user", the finest source naming the attempt
    expect(s.map((e) => [e.ts, e.action, e.user, e.remote_port, e.method, e.success, e.confidence, e.sources])).toEqual([
      ["2024-03-06T03:10:00.100000+00:00", "invalid_user", "admin", 58176, "password", false, "certain", [A, B]],
      ["2024-03-06T03:10:03.100000+00:00", "invalid_user", "admin", 58176, "password", false, "certain", [A, B]],
    ]);
  });

  it("Invalid user waits for its Failed line past the skew (8 s: a user typing)", async () => {
    const s = await story({
      "/var/log/auth.log": authLog([authLine(0, "sshd[7]", "Invalid user test from 192.0.2.1 port 1000"), authLine(8, "sshd[7]", "Failed password for invalid user test from 192.0.2.1 port 1000 ssh2")]),
    });
    expect(s.map((e) => [e.action, e.sources])).toEqual([["invalid_user", [A]]]);
  });

  it("pam_unix authentication failure + the Failed password 2 s later (same pid): one; the second Failed password: another", async () => {
    const s = await story({
      "/var/log/auth.log": authLog([
        authLine(0, "sshd[4200]", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=45.95.147.236  user=root"),
        authLine(2, "sshd[4200]", "Failed password for root from 45.95.147.236 port 41952 ssh2"),
        authLine(7, "sshd[4200]", "Failed password for root from 45.95.147.236 port 41952 ssh2"),
        authLine(9, "sshd[4200]", "PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=45.95.147.236  user=root"),
      ]),
    });
    // two events, not three; the first at its Failed line's time (the PAM line is attached, it names nothing)
    expect(s.map((e) => [e.ts, e.action, e.user, e.pid, e.remote_port, e.sources])).toEqual([
      ["2024-03-06T03:10:02+00:00", "failed", "root", 4200, 41952, [A]],
      ["2024-03-06T03:10:07+00:00", "failed", "root", 4200, 41952, [A]],
    ]);
  });

  it("su: its PAM failure 3 s before FAILED SU (pam_faildelay), same pid: one su, not successful", async () => {
    const s = await story({
      "/var/log/auth.log": authLog([
        authLine(0, "su[7044]", "pam_unix(su:auth): authentication failure; logname=mallory uid=1005 euid=0 tty=/dev/pts/0 ruser=mallory rhost=  user=root"),
        authLine(3, "su[7044]", "FAILED SU (to root) mallory on pts/0"),
      ]),
    });
    expect(s.map((e) => [e.ts, e.action, e.user, e.target_user, e.tty, e.success, e.sources])).toEqual([["2024-03-06T03:10:03+00:00", "su", "mallory", "root", "pts/0", false, [A]]]);
  });

  it("sudo: its own PAM session lines and audit's USER_CMD, USER_START, USER_END are the sudo event; auth.log's command kept", async () => {
    const head = "pid=3290 uid=1000 auid=1000 ses=2 subj=unconfined";
    const s = await story({
      "/var/log/auth.log": authLog([
        authLine(0, "sudo", "   alice : TTY=pts/1 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/useradd -m deploy-bot"),
        authLine(0, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)"),
        authLine(0, "useradd[3291]", "new user: name=deploy-bot, UID=1003, GID=1003, home=/home/deploy-bot, shell=/bin/sh, from=/dev/pts/1"),
        authLine(5, "sudo", "pam_unix(sudo:session): session closed for user root"),
      ]),
      "/var/log/audit/audit.log": authLog([
        auditLine("USER_CMD", 0.1, head, 'cwd="/home/alice" cmd=75736572616464202D6D206465706C6F792D626F74 exe="/usr/bin/sudo" terminal=pts1 res=success'),
        auditLine("USER_START", 0.12, head, 'op=PAM:session_open grantors=pam_unix acct="root" exe="/usr/bin/sudo" hostname=? addr=? terminal=/dev/pts/1 res=success'),
        auditLine("USER_END", 5.1, head, 'op=PAM:session_close grantors=pam_unix acct="root" exe="/usr/bin/sudo" hostname=? addr=? terminal=/dev/pts/1 res=success'),
      ]),
    });
    const U = "audit:/var/log/audit/audit.log";
    // one event (the PAM close 5 s later included); its time audit's USER_CMD (ms, finer than syslog's seconds)
    expect(s.map((e) => [e.ts, e.action, e.user, e.target_user, e.tty, e.pid, e.session, e.success, e.command, e.confidence, e.sources])).toEqual([
      ["2024-03-06T03:10:00.100000+00:00", "sudo", "alice", "root", "pts/1", 3290, "2", true, "/usr/sbin/useradd -m deploy-bot", "probable", [U, A]],
    ]);
  });

  it("shutdown: logind's announcement and wtmp's record 4 s later are one (shutdown skew 10 s)", async () => {
    const s = await story({
      "/var/log/wtmp": utmpFile([{ type: "RUN_LVL", at: 4.12, pid: 0x30, user: "shutdown", line: "~", id: "~~" }]),
      "/var/log/auth.log": authLog([authLine(0, "systemd-logind[612]", "System is rebooting.")]),
    });
    expect(s.map((e) => [e.ts, e.action, e.sources])).toEqual([["2024-03-06T03:10:04.120000+00:00", "shutdown", [A, W]]]);
  });
});
