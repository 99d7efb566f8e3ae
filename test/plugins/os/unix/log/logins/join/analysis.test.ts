// logins.failed (list and counts per source), logins.sessions (enriched, a wiped wtmp), --order, end to end
// through the registry on in-memory targets.
import { describe, expect, it } from "vitest";
import { auditLine, authLine, authLog, runLogins, utmpFile, type Utmp } from "./helpers.js";

const btmpRec = (at: number, pid: number): Utmp => ({ type: "LOGIN_PROCESS", at, pid, line: "ssh:notty", user: "root", host: "45.95.147.236", addr: "45.95.147.236" });
const failedLine = (at: number, pid: number, port: number, ip = "45.95.147.236") => authLine(at, `sshd[${pid}]`, `Failed password for root from ${ip} port ${port} ssh2`);
const auditFail = (at: number, pid: number) =>
  auditLine("USER_AUTH", at, `pid=${pid} uid=0 auid=4294967295 ses=4294967295 subj=unconfined`, 'op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=45.95.147.236 addr=45.95.147.236 terminal=ssh res=failed');

// three attempts in btmp, auth.log and audit; a fourth only auth.log saw (btmp truncated); one from elsewhere
const brute = {
  "/var/log/btmp": utmpFile([btmpRec(2, 4200), btmpRec(7, 4200), btmpRec(20, 4222)]),
  "/var/log/auth.log": authLog([failedLine(2, 4200, 41952), failedLine(7, 4200, 41952), failedLine(20, 4222, 54528), failedLine(30, 4241, 47296), failedLine(40, 4300, 1234, "192.0.2.9")]),
  "/var/log/audit/audit.log": authLog([auditFail(1.9, 4200), auditFail(6.9, 4200), auditFail(19.9, 4222)]),
};

describe("logins.failed", () => {
  it("without --by: the failed events, each once with its sources", async () => {
    const { records } = await runLogins(brute, "logins.failed");
    expect(records.map((r) => [String(r.ts), r.pid, r.remote_port, (r.sources as string[]).map((s) => s.split(":")[0])])).toEqual([
      // btmp's µs time: the finest source naming the attempt
      ["2024-03-06 03:10:02+00:00", 4200, 41952, ["audit", "authlog", "btmp"]],
      ["2024-03-06 03:10:07+00:00", 4200, 41952, ["audit", "authlog", "btmp"]],
      ["2024-03-06 03:10:20+00:00", 4222, 54528, ["audit", "authlog", "btmp"]],
      ["2024-03-06 03:10:30+00:00", 4241, 47296, ["authlog"]],
      ["2024-03-06 03:10:40+00:00", 4300, 1234, ["authlog"]],
    ]);
  });

  it("--by addr: one count per attempt, and per source how many it recorded", async () => {
    const { records } = await runLogins(brute, "logins.failed", { by: "addr" });
    expect(records.map((r) => [r.key, r.count, String(r.first_seen), String(r.last_seen), r.count_btmp, r.count_authlog, r.count_journal, r.count_audit, r.filepath])).toEqual([
      ["45.95.147.236", 4, "2024-03-06 03:10:02+00:00", "2024-03-06 03:10:30+00:00", 3, 4, 0, 3, null],
      ["192.0.2.9", 1, "2024-03-06 03:10:40+00:00", "2024-03-06 03:10:40+00:00", 0, 1, 0, 0, "/var/log/auth.log"],
    ]);
  });

  it("--by user", async () => {
    const { records } = await runLogins(brute, "logins.failed", { by: "user" });
    expect(records.map((r) => [r.by, r.key, r.count])).toEqual([["user", "root", 5]]);
  });

  it("--order newest reverses the list", async () => {
    const oldest = (await runLogins(brute, "logins.failed")).records.map((r) => String(r.ts));
    const newest = (await runLogins(brute, "logins.failed", { order: "newest" })).records.map((r) => String(r.ts));
    expect(newest).toEqual([...oldest].reverse());
  });
});

describe("logins --order", () => {
  it("oldest first by default, newest first with --order newest (through the spill file)", async () => {
    const { records: a } = await runLogins(brute, "logins");
    const { records: b } = await runLogins(brute, "logins", { order: "newest" });
    expect(a.length).toBe(5);
    expect(b.map((r) => String(r.ts))).toEqual(a.map((r) => String(r.ts)).reverse());
    expect(b[0]).toEqual(a[4]);
  });
});

const sshSession = (pid: number, port: number, session: number, at: number, end: number) => [
  authLine(at, `sshd[${pid}]`, `Accepted publickey for alice from 198.51.100.23 port ${port} ssh2: ED25519 SHA256:Hq8nJ4dQv0X7m1bq`),
  authLine(at, `sshd[${pid}]`, "pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)"),
  authLine(at, "systemd-logind[612]", `New session ${session} of user alice.`),
  authLine(at + 60, "sudo", "   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id"),
  authLine(at + 60, "sudo", "pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)"),
  authLine(at + 60, "sudo", "pam_unix(sudo:session): session closed for user root"),
  authLine(end, `sshd[${pid}]`, `Disconnected from user alice 198.51.100.23 port ${port}`),
  authLine(end, `sshd[${pid}]`, "pam_unix(sshd:session): session closed for user alice"),
  authLine(end, "systemd-logind[612]", `Session ${session} logged out. Waiting for processes to exit.`),
];

describe("logins.sessions", () => {
  it("wtmp and auth.log: the wtmp session with sshd's port, method, key, logind session and sudo commands", async () => {
    const { records } = await runLogins(
      {
        "/var/log/wtmp": utmpFile([
          { type: "USER_PROCESS", at: 1.2, pid: 1408, line: "pts/0", id: "ts/0", user: "alice", host: "198.51.100.23", addr: "198.51.100.23" },
          { type: "DEAD_PROCESS", at: 600.5, pid: 1408, line: "pts/0", id: "ts/0" },
        ]),
        "/var/log/auth.log": authLog(sshSession(1408, 52884, 1, 0, 600)),
      },
      "logins.sessions",
    );
    expect(records.map((r) => ({ ...r, _generated: undefined, _source: undefined, sources: (r.sources as string[]).length }))).toEqual([
      expect.objectContaining({
        login: expect.anything(),
        duration: 599.3,
        end_reason: "logout",
        user: "alice",
        tty: "pts/0",
        remote_ip: "198.51.100.23",
        remote_port: 52884,
        method: "publickey",
        key_fingerprint: "SHA256:Hq8nJ4dQv0X7m1bq",
        logind_session: "1",
        commands: ["/usr/bin/id"],
        seen_in_wtmp: true,
        // auth.log and wtmp, each once
        sources: 2,
      }),
    ]);
    // wtmp's µs times (finer than auth.log's seconds)
    expect(String(records[0]!.login)).toBe("2024-03-06 03:10:01.200000+00:00");
    expect(String(records[0]!.logout)).toBe("2024-03-06 03:20:00.500000+00:00");
  });

  it("a wiped wtmp: the session auth.log saw is there, seen_in_wtmp false", async () => {
    const { records } = await runLogins({ "/var/log/wtmp": Buffer.alloc(0), "/var/log/auth.log": authLog(sshSession(1408, 52884, 1, 0, 600)) }, "logins.sessions");
    expect(records.map((r) => [String(r.login), String(r.logout), r.end_reason, r.user, r.tty, r.remote_port, r.commands, r.seen_in_wtmp])).toEqual([
      ["2024-03-06 03:10:00+00:00", "2024-03-06 03:20:00+00:00", "logout", "alice", null, 52884, ["/usr/bin/id"], false],
    ]);
  });

  it("a shutdown ends every open session; a session still open at the end is still_logged_in", async () => {
    const { records } = await runLogins(
      {
        "/var/log/auth.log": authLog([
          ...sshSession(1408, 52884, 1, 0, 600).slice(0, 3),
          authLine(900, "systemd-logind[612]", "System is rebooting."),
          ...sshSession(2000, 40000, 1, 2000, 9999).slice(0, 3),
        ]),
      },
      "logins.sessions",
    );
    expect(records.map((r) => [String(r.login), r.logout === null ? null : String(r.logout), r.end_reason, r.duration])).toEqual([
      ["2024-03-06 03:10:00+00:00", "2024-03-06 03:25:00+00:00", "shutdown", 900],
      ["2024-03-06 03:43:20+00:00", null, "still_logged_in", null],
    ]);
  });
});
