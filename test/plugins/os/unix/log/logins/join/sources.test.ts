// Every source alone, and every pair of sources joined: inputs in the sources' own formats, expectations by hand.
import { describe, expect, it } from "vitest";
import { auditLine, authLine, authLog, journalRecord, runLogins, sourceRecords, storyOf, utmpFile, view, type Utmp } from "./helpers.js";
import type { AnyRecord } from "../../../../../../../src/records/descriptor.js";

const ALICE_IN: Utmp = { type: "USER_PROCESS", at: 1.220871, pid: 1408, line: "pts/0", id: "ts/0", user: "alice", host: "198.51.100.23", addr: "198.51.100.23" };
const ALICE_OUT: Utmp = { type: "DEAD_PROCESS", at: 600.5, pid: 1408, line: "pts/0", id: "ts/0" };
const ACCEPTED = authLine(0, "sshd[1408]", "Accepted publickey for alice from 198.51.100.23 port 52884 ssh2: ED25519 SHA256:Hq8nJ4dQv0X7m1bq");
const AUDIT_LOGIN = [
  auditLine("USER_ACCT", 0.82, "pid=1408 uid=0 auid=4294967295 ses=4294967295 subj=unconfined", 'op=PAM:accounting grantors=pam_permit acct="alice" exe="/usr/sbin/sshd" hostname=198.51.100.23 addr=198.51.100.23 terminal=ssh res=success'),
  auditLine("CRED_ACQ", 0.825, "pid=1408 uid=0 auid=4294967295 ses=4294967295 subj=unconfined", 'op=PAM:setcred grantors=pam_permit acct="alice" exe="/usr/sbin/sshd" hostname=198.51.100.23 addr=198.51.100.23 terminal=ssh res=success'),
  auditLine("LOGIN", 0.83, "pid=1408 uid=0 subj=unconfined old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=1 res=1", "").replace(" msg=''", ""),
  auditLine("USER_LOGIN", 1.22, "pid=1408 uid=0 auid=1000 ses=1 subj=unconfined", 'op=login id=1000 exe="/usr/sbin/sshd" hostname=198.51.100.23 addr=198.51.100.23 terminal=/dev/pts/0 res=success'),
];
const journalLogin = (): AnyRecord[] => [
  journalRecord({ at: 0.18, ident: "sshd", pid: 1408, message: "Accepted publickey for alice from 198.51.100.23 port 52884 ssh2: ED25519 SHA256:Hq8nJ4dQv0X7m1bq" }),
  journalRecord({ at: 0.19, ident: "sshd", pid: 1408, session: 1, message: "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)" }),
  journalRecord({ at: 0.194, ident: "systemd-logind", pid: 520, message: "New session 1 of user alice." }),
];

async function story(tree: Record<string, string | Uint8Array>, journal: AnyRecord[] = []) {
  const given = [];
  if (tree["/var/log/wtmp"]) given.push({ name: "wtmp", records: await sourceRecords(tree, "wtmp") });
  if (tree["/run/utmp"]) given.push({ name: "utmp", records: await sourceRecords(tree, "utmp") });
  if (tree["/var/log/btmp"]) given.push({ name: "btmp", records: await sourceRecords(tree, "btmp") });
  if (tree["/var/log/lastlog"]) given.push({ name: "lastlog", records: await sourceRecords(tree, "lastlog") });
  if (tree["/var/log/auth.log"]) given.push({ name: "authlog", records: await sourceRecords(tree, "authlog") });
  if (tree["/var/log/audit/audit.log"]) given.push({ name: "audit", records: await sourceRecords(tree, "audit.events") });
  if (journal.length) given.push({ name: "journal", records: journal });
  return storyOf(given).map(view);
}

const W = "wtmp:/var/log/wtmp";
const A = "authlog:/var/log/auth.log";
const J = "journal:/var/log/journal/m/system.journal";
const U = "audit:/var/log/audit/audit.log";
const B = "btmp:/var/log/btmp";

describe("every source alone", () => {
  it("wtmp: a boot, a login, its logout, a shutdown; each single", async () => {
    const s = await story({ "/var/log/wtmp": utmpFile([{ type: "BOOT_TIME", at: -100, user: "reboot", line: "~", id: "~~", host: "6.1.0" }, ALICE_IN, ALICE_OUT, { type: "RUN_LVL", at: 900, user: "shutdown", line: "~", id: "~~" }]) });
    expect(s.map((e) => [e.ts, e.action, e.user, e.tty, e.pid, e.remote_ip, e.confidence, e.sources])).toEqual([
      ["2024-03-06T03:08:20+00:00", "reboot", null, null, null, null, "single", [W]],
      ["2024-03-06T03:10:01.220871+00:00", "login", "alice", "pts/0", 1408, "198.51.100.23", "single", [W]],
      ["2024-03-06T03:20:00.500000+00:00", "logout", null, "pts/0", 1408, null, "single", [W]],
      ["2024-03-06T03:25:00+00:00", "shutdown", null, null, null, null, "single", [W]],
    ]);
  });

  it("auth.log: sshd's login, the PAM and logind session lines, the disconnect", async () => {
    const log = authLog([
      ACCEPTED,
      authLine(0, "sshd[1408]", "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)"),
      authLine(0, "systemd-logind[612]", "New session 1 of user alice."),
      authLine(600, "sshd[1408]", "Received disconnect from 198.51.100.23 port 52884:11: disconnected by user"),
      authLine(600, "sshd[1408]", "Disconnected from user alice 198.51.100.23 port 52884"),
      authLine(600, "sshd[1408]", "pam_unix(sshd:session): session closed for user alice"),
      authLine(600, "systemd-logind[612]", "Session 1 logged out. Waiting for processes to exit."),
      authLine(601, "systemd-logind[612]", "Removed session 1."),
    ]);
    const s = await story({ "/var/log/auth.log": log });
    expect(s).toEqual([
      { ts: "2024-03-06T03:10:00+00:00", action: "login", user: "alice", target_user: null, remote_ip: "198.51.100.23", remote_port: 52884, method: "publickey", tty: null, pid: 1408, session: null, success: true, command: null, sources: [A], confidence: "single" },
      // pam's line and logind's: one event, one source (sources name each artefact once)
      { ts: "2024-03-06T03:10:00+00:00", action: "session_open", user: "alice", target_user: null, remote_ip: null, remote_port: null, method: null, tty: null, pid: 1408, session: "1", success: true, command: null, sources: [A], confidence: "single" },
      { ts: "2024-03-06T03:20:00+00:00", action: "logout", user: "alice", target_user: null, remote_ip: "198.51.100.23", remote_port: 52884, method: null, tty: null, pid: 1408, session: null, success: true, command: null, sources: [A], confidence: "single" },
      { ts: "2024-03-06T03:20:00+00:00", action: "session_close", user: "alice", target_user: null, remote_ip: null, remote_port: null, method: null, tty: null, pid: 1408, session: "1", success: true, command: null, sources: [A], confidence: "single" },
    ]);
  });

  it("btmp: every record a failed attempt", async () => {
    const s = await story({ "/var/log/btmp": utmpFile([{ type: "LOGIN_PROCESS", at: 0, pid: 4200, line: "ssh:notty", user: "root", host: "45.95.147.236", addr: "45.95.147.236" }]) });
    expect(s.map((e) => [e.action, e.user, e.pid, e.tty, e.remote_ip, e.success, e.sources])).toEqual([["failed", "root", 4200, null, "45.95.147.236", false, [B]]]);
  });

  it("audit: a login's USER_ACCT, CRED_ACQ, LOGIN and USER_LOGIN are one login, tied by pid", async () => {
    const s = await story({ "/var/log/audit/audit.log": authLog(AUDIT_LOGIN) });
    expect(s.map((e) => [e.ts, e.action, e.user, e.pid, e.session, e.tty, e.remote_ip, e.confidence, e.sources.length])).toEqual([
      ["2024-03-06T03:10:00.820000+00:00", "login", "alice", 1408, "1", "pts/0", "198.51.100.23", "single", 1],
    ]);
  });

  it("journal: sshd's login; its PAM session and logind's, tied by the audit session", async () => {
    const s = await story({}, journalLogin());
    expect(s.map((e) => [e.action, e.user, e.pid, e.remote_port, e.session, e.confidence, e.sources])).toEqual([
      ["login", "alice", 1408, 52884, null, "single", [J]],
      ["session_open", "alice", 1408, null, "1", "single", [J]],
    ]);
  });

  it("lastlog: the latest login of an account", async () => {
    const slot = Buffer.alloc(292 * 1001);
    slot.writeInt32LE(1709694601, 292 * 1000);
    slot.write("pts/0", 292 * 1000 + 4, "latin1");
    slot.write("198.51.100.23", 292 * 1000 + 36, "latin1");
    const s = await story({ "/var/log/lastlog": slot });
    expect(s.map((e) => [e.ts, e.action, e.user, e.tty, e.remote_ip, e.sources])).toEqual([["2024-03-06T03:10:01+00:00", "login", "alice", "pts/0", "198.51.100.23", ["lastlog:/var/log/lastlog"]]]);
  });
});

describe("every pair joined", () => {
  const wtmp = utmpFile([ALICE_IN]);
  it("wtmp + auth.log: on user, address and time, 1.2 s apart (ut_pid is no key: openssh writes its session child's); wtmp's µs time", async () => {
    const s = await story({ "/var/log/wtmp": wtmp, "/var/log/auth.log": authLog([ACCEPTED]) });
    expect(s.map((e) => [e.ts, e.action, e.pid, e.tty, e.remote_port, e.method, e.confidence, e.sources])).toEqual([["2024-03-06T03:10:01.220871+00:00", "login", 1408, "pts/0", 52884, "publickey", "probable", [A, W]]]);
  });
  it("wtmp + auth.log, ut_pid the session child's (as openssh writes it): joined all the same", async () => {
    const s = await story({ "/var/log/wtmp": utmpFile([{ ...ALICE_IN, pid: 1411 }]), "/var/log/auth.log": authLog([ACCEPTED]) });
    expect(s.map((e) => [e.pid, e.confidence, e.sources])).toEqual([[1408, "probable", [A, W]]]);
  });
  it("wtmp + journal", async () => {
    const s = await story({ "/var/log/wtmp": wtmp }, journalLogin().slice(0, 1));
    // the earliest of the µs sources that name it: the journal's Accepted
    expect(s.map((e) => [e.ts, e.action, e.confidence, e.sources])).toEqual([["2024-03-06T03:10:00.180000+00:00", "login", "probable", [J, W]]]);
  });
  it("wtmp + audit", async () => {
    const s = await story({ "/var/log/wtmp": wtmp, "/var/log/audit/audit.log": authLog(AUDIT_LOGIN) });
    expect(s.map((e) => [e.action, e.confidence, e.sources])).toEqual([["login", "probable", [U, W]]]);
  });
  it("auth.log + journal (rsyslog's copy of the same line): on pid and port", async () => {
    const s = await story({ "/var/log/auth.log": authLog([ACCEPTED]) }, journalLogin().slice(0, 1));
    expect(s.map((e) => [e.action, e.confidence, e.sources])).toEqual([["login", "certain", [A, J]]]);
  });
  it("auth.log + audit", async () => {
    const s = await story({ "/var/log/auth.log": authLog([ACCEPTED]), "/var/log/audit/audit.log": authLog(AUDIT_LOGIN) });
    expect(s.map((e) => [e.action, e.remote_port, e.session, e.confidence, e.sources])).toEqual([["login", 52884, "1", "certain", [U, A]]]);
  });
  it("journal + audit", async () => {
    const s = await story({ "/var/log/audit/audit.log": authLog(AUDIT_LOGIN) }, journalLogin().slice(0, 1));
    expect(s.map((e) => [e.action, e.confidence, e.sources])).toEqual([["login", "certain", [U, J]]]);
  });
  it("btmp + auth.log + journal + audit: one failed password", async () => {
    const s = await story(
      {
        "/var/log/btmp": utmpFile([{ type: "LOGIN_PROCESS", at: 2, pid: 4200, line: "ssh:notty", user: "root", host: "45.95.147.236", addr: "45.95.147.236" }]),
        "/var/log/auth.log": authLog([authLine(2, "sshd[4200]", "Failed password for root from 45.95.147.236 port 41952 ssh2")]),
        "/var/log/audit/audit.log": authLog([
          auditLine("USER_AUTH", 1.9, "pid=4200 uid=0 auid=4294967295 ses=4294967295 subj=unconfined", 'op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=45.95.147.236 addr=45.95.147.236 terminal=ssh res=failed'),
        ]),
      },
      [journalRecord({ at: 2.000312, ident: "sshd", pid: 4200, message: "Failed password for root from 45.95.147.236 port 41952 ssh2" })],
    );
    expect(s.map((e) => [e.action, e.user, e.pid, e.remote_ip, e.remote_port, e.success, e.confidence, e.sources])).toEqual([["failed", "root", 4200, "45.95.147.236", 41952, false, "certain", [U, A, B, J]]]);
  });
  it("wtmp + utmp: the same boot and login in both", async () => {
    const recs: Utmp[] = [{ type: "BOOT_TIME", at: -100, user: "reboot", line: "~", id: "~~" }, ALICE_IN];
    const s = await story({ "/var/log/wtmp": utmpFile(recs), "/run/utmp": utmpFile(recs) });
    expect(s.map((e) => [e.action, e.confidence, e.sources])).toEqual([
      ["reboot", "probable", ["utmp:/run/utmp", W]],
      ["login", "probable", ["utmp:/run/utmp", W]],
    ]);
  });
  it("wtmp + lastlog: the latest login, on user, terminal and time", async () => {
    const slot = Buffer.alloc(292 * 1001);
    slot.writeInt32LE(1709694601, 292 * 1000);
    slot.write("pts/0", 292 * 1000 + 4, "latin1");
    const s = await story({ "/var/log/wtmp": wtmp, "/var/log/lastlog": slot });
    expect(s.map((e) => [e.action, e.confidence, e.sources])).toEqual([["login", "probable", ["lastlog:/var/log/lastlog", W]]]);
  });
  it("end to end: logins on a target with wtmp and auth.log", async () => {
    const { records, outcome } = await runLogins({ "/var/log/wtmp": wtmp, "/var/log/auth.log": authLog([ACCEPTED]) }, "logins");
    expect(outcome.errors).toEqual([]);
    expect(records.map((r) => [r.action, r.sources, r.filepath, r.confidence])).toEqual([["login", [A, W], "/var/log/auth.log", "probable"]]);
  });
});
