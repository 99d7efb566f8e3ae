// Every source of the login scenarios read alone by quarry's single-source functions: no errors, no
// warnings (but the one the wiped btmp must give), and the events the stories put there (fixtures/scenarios/
// */README.md), field by field against the real tools' views committed in oracles/ (utmpdump, lastlog -R,
// sqlite3, journalctl -o json, ausearch -i). These prove the fixtures readable before any join is tried.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { ausearchRecords, field, journalJson, micros, oracle, runScenario, scenarioDir, utmpdumpRows, type JournalEntry, type ScenarioName } from "./helpers.js";

const TYPES: Record<number, string> = { 1: "RUN_LVL", 2: "BOOT_TIME", 6: "LOGIN_PROCESS", 7: "USER_PROCESS", 8: "DEAD_PROCESS" };
const f = (rs: AnyRecord[], name: string): unknown[] => rs.map((r) => field(r, name));

async function clean(name: ScenarioName, fn: string): Promise<AnyRecord[]> {
  const r = await runScenario(name, fn);
  expect(r.outcome.errors).toEqual([]);
  expect(r.outcome.warnings).toEqual([]);
  return r.records;
}

function sameAsUtmpdump(recs: AnyRecord[], text: string): void {
  const rows = utmpdumpRows(text);
  expect(recs.length).toBe(rows.length);
  expect(f(recs, "ut_type")).toEqual(rows.map((x) => TYPES[x.type]));
  expect(f(recs, "ut_pid")).toEqual(rows.map((x) => x.pid));
  expect(f(recs, "ut_user")).toEqual(rows.map((x) => x.user));
  expect(f(recs, "ut_line")).toEqual(rows.map((x) => x.line));
  expect(f(recs, "ut_host")).toEqual(rows.map((x) => x.host));
  expect(f(recs, "ts")).toEqual(rows.map((x) => x.ts));
}

/** The journal oracle's entries: quarry's ts is __REALTIME_TIMESTAMP, the pid _PID, the message MESSAGE. */
async function sameAsJournalctl(name: ScenarioName): Promise<{ recs: AnyRecord[]; entries: JournalEntry[] }> {
  const recs = await clean(name, "journal");
  const entries = journalJson(oracle(name, "system.journal.json"));
  expect(recs.length).toBe(entries.length);
  expect(f(recs, "message")).toEqual(entries.map((e) => e.MESSAGE));
  expect(f(recs, "pid")).toEqual(entries.map((e) => Number(e._PID)));
  expect(f(recs, "boot_id")).toEqual(entries.map((e) => e._BOOT_ID));
  expect(recs.map((r) => micros(field(r, "ts") as string))).toEqual(entries.map((e) => Number(e.__REALTIME_TIMESTAMP)));
  expect(f(recs, "audit_session")).toEqual(entries.map((e) => (e._AUDIT_SESSION === undefined ? null : Number(e._AUDIT_SESSION))));
  return { recs, entries };
}

/**
 * auth.log is the journal's syslog forwarding: the same entries (those of facility auth and authpriv) in the
 * same order, at the same second in the host's zone, with the same pid — but sudo's, whose lines carry none.
 * The texts agree but for blanks at their ends: journald strips the datagram's trailing blanks (keeping it whole
 * in SYSLOG_RAW) and keeps sudo's "%8s" padding, which auth.log's parser does not.
 */
async function authlogIsTheJournal(name: ScenarioName, journal: JournalEntry[]): Promise<AnyRecord[]> {
  const recs = await clean(name, "authlog");
  const forwarded = journal.filter((e) => e.SYSLOG_FACILITY === "4" || e.SYSLOG_FACILITY === "10");
  expect(recs.length).toBe(forwarded.length);
  expect(recs.map((r) => String(field(r, "message")).trim())).toEqual(forwarded.map((e) => e.MESSAGE.trim()));
  expect(f(recs, "service")).toEqual(forwarded.map((e) => e.SYSLOG_IDENTIFIER));
  // the raw forms: sudo's padded name in the journal, pam_unix's trailing blank only in SYSLOG_RAW and auth.log
  for (const e of forwarded.filter((x) => x.SYSLOG_IDENTIFIER === "sudo" && x.MESSAGE.includes(" : TTY="))) expect(e.MESSAGE).toMatch(/^ +\S+ : TTY=/);
  for (const e of forwarded.filter((x) => x.SYSLOG_RAW !== undefined)) expect(e.SYSLOG_RAW!.endsWith(`${e.MESSAGE} `)).toBe(true);
  expect(f(recs, "pid")).toEqual(forwarded.map((e) => (e.SYSLOG_IDENTIFIER === "sudo" ? null : Number(e._PID))));
  expect(recs.map((r) => micros(field(r, "ts") as string))).toEqual(forwarded.map((e) => Math.floor(Number(e.__REALTIME_TIMESTAMP) / 1e6) * 1e6));
  return recs;
}

/** audit.log line by line as ausearch -i lists it (its events are newest-first within none: one line each here). */
async function sameAsAusearch(name: ScenarioName): Promise<AnyRecord[]> {
  const recs = await clean(name, "audit");
  const rows = ausearchRecords(oracle(name, "audit.log.ausearch-i.txt")).sort((a, b) => a.ms.localeCompare(b.ms) || a.serial - b.serial);
  const mine = [...recs].sort((a, b) => String(field(a, "ts")).localeCompare(String(field(b, "ts"))) || Number(field(a, "audit_id")) - Number(field(b, "audit_id")));
  expect(mine.length).toBe(rows.length);
  expect(f(mine, "audit_type")).toEqual(rows.map((x) => x.type));
  expect(f(mine, "audit_id")).toEqual(rows.map((x) => x.serial));
  expect(mine.map((r) => String(field(r, "ts")).slice(0, 23))).toEqual(rows.map((x) => x.ms));
  // ausearch -i decodes acct (hex "(invalid user)" too); res as written, where the kernel's LOGIN res=1 it shows as yes
  expect(f(mine, "acct")).toEqual(rows.map((x) => /acct=(.*?) exe=/.exec(x.body)?.[1] ?? null));
  const raw: Record<string, string> = { yes: "1", no: "0" };
  expect(f(mine, "res")).toEqual(rows.map((x) => { const v = / res=(\w+)/.exec(x.body)?.[1]; return v === undefined ? null : (raw[v] ?? v); }));
  return recs;
}

const count = (rs: AnyRecord[], pred: (r: AnyRecord) => boolean): number => rs.filter(pred).length;
const is = (name: string, value: unknown) => (r: AnyRecord) => field(r, name) === value;

describe("scenario breach: every source alone", () => {
  it("wtmp: deploy's session, alice's cut by the shutdown, the reboot, alice again (as utmpdump shows it)", async () => {
    const recs = await clean("breach", "wtmp");
    sameAsUtmpdump(recs, oracle("breach", "wtmp.utmpdump.txt"));
    expect(f(recs, "ut_type")).toEqual(["USER_PROCESS", "DEAD_PROCESS", "USER_PROCESS", "RUN_LVL", "BOOT_TIME", "RUN_LVL", "USER_PROCESS", "USER_PROCESS"]);
    // the session child's pid, not the pid of sshd's Accepted line (4121, 4388, 702, 731)
    expect(f(recs, "ut_pid")).toEqual([4124, 4124, 4391, 0, 0, 51, 705, 734]);
    expect(f(recs, "ut_line")).toEqual(["pts/0", "pts/0", "pts/0", "~", "~", "~", "pts/0", "pts/1"]);
  });

  it("btmp: two records per invalid user (getpwnamallow and auth_log), one per wrong password", async () => {
    const recs = await clean("breach", "btmp");
    sameAsUtmpdump(recs, oracle("breach", "btmp.utmpdump.txt"));
    expect(f(recs, "ut_user")).toEqual(["admin", "admin", "oracle", "oracle", "deploy", "deploy", "deploy", "ubuntu", "ubuntu"]);
    expect(f(recs, "ut_pid")).toEqual([4101, 4101, 4107, 4107, 4113, 4113, 4121, 4302, 4302]);
    expect(new Set(f(recs, "ut_line"))).toEqual(new Set(["ssh:notty"]));
  });

  it("lastlog: deploy's login and alice's last, on pts/1 (as lastlog -R prints them)", async () => {
    const recs = await clean("breach", "lastlog");
    expect(recs.map((r) => [field(r, "ut_user"), field(r, "ut_line"), field(r, "ut_host"), field(r, "ts")])).toEqual([
      ["alice", "pts/1", "198.51.100.23", "2026-11-17T10:02:11+00:00"],
      ["deploy", "pts/0", "203.0.113.77", "2026-11-17T09:03:09+00:00"],
    ]);
    const text = oracle("breach", "lastlog.txt");
    expect(text).toMatch(/^alice +pts\/1 +198\.51\.100\.23 +Tue Nov 17 10:02:11 \+0000 2026$/m);
    expect(text).toMatch(/^deploy +pts\/0 +203\.0\.113\.77 +Tue Nov 17 09:03:09 \+0000 2026$/m);
  });

  it("lastlog2: the same two logins, tty 'ssh' as pam_lastlog2 sees PAM_TTY (as sqlite3 shows the rows)", async () => {
    const recs = await clean("breach", "lastlog2");
    const rows = oracle("breach", "lastlog2.rows.txt").trim().split("\n").slice(1).map((l) => l.split("|"));
    const mine = recs.map((r) => [field(r, "ut_user"), String(micros(field(r, "ts") as string) / 1e6), field(r, "ut_line"), field(r, "ut_host"), field(r, "service")]);
    expect(mine.sort()).toEqual(rows.sort());
    expect(rows.map((r) => r[0])).toEqual(["alice", "deploy"]);
  });

  it("journal: two boots, every entry as journalctl -o json has it", async () => {
    const { recs } = await sameAsJournalctl("breach");
    expect(recs.length).toBe(64);
    expect(new Set(f(recs, "boot_id"))).toEqual(new Set(["7c1e9b2a4d6f48e0a1b2c3d4e5f60718", "e2a4c6e8f0b24d6f8a9b0c1d2e3f4a5b"]));
    const msgs = f(recs, "message") as string[];
    expect(msgs.filter((m) => m.startsWith("Accepted "))).toHaveLength(4);
    expect(msgs.filter((m) => m.startsWith("Failed password "))).toHaveLength(6);
    expect(msgs.filter((m) => m.startsWith("Invalid user "))).toHaveLength(3);
    expect(msgs.filter((m) => / : TTY=pts\/0 ; PWD=.* ; USER=root ; COMMAND=/.test(m))).toHaveLength(4);
    expect(msgs.filter((m) => m === "System is rebooting.")).toHaveLength(1);
    // the session's processes carry the audit session that logind named the session after
    const disc = recs.find((r) => field(r, "message") === "Disconnected from user deploy 203.0.113.77 port 50076")!;
    expect([field(disc, "pid"), field(disc, "audit_session"), field(disc, "systemd_unit")]).toEqual([4124, 7, "session-7.scope"]);
  });

  it("authlog: the journal's forwarding, second by second in Europe/Berlin", async () => {
    const { entries } = await sameAsJournalctl("breach");
    const recs = await authlogIsTheJournal("breach", entries);
    expect(recs.length).toBe(Number(oracle("breach", "auth.log.lines.txt").trim()));
    expect(new Set(f(recs, "ts_zone"))).toEqual(new Set(["Europe/Berlin"]));
    // the three unknown users' pam_unix lines end in a blank: journald kept those datagrams whole
    expect(entries.filter((e) => e.SYSLOG_RAW !== undefined).map((e) => e._PID)).toEqual(["4101", "4107", "4302"]);
    expect(fs.readFileSync(path.join(scenarioDir("breach"), "var/log/auth.log"), "utf8")).toContain("bastion sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/sbin/reboot\n");
    expect(count(recs, is("action", "accepted authentication"))).toBe(4);
    expect(count(recs, is("action", "failed authentication"))).toBe(6);
    expect(count(recs, is("action", "invalid user"))).toBe(3);
    expect(recs.filter(is("service", "sudo")).map((r) => field(r, "command")).filter((c) => c !== null)).toEqual([
      "/usr/sbin/useradd -m -s /bin/bash sysbackup",
      "/usr/bin/passwd sysbackup",
      "/usr/bin/tee -a /root/.ssh/authorized_keys",
      "/usr/sbin/reboot",
    ]);
    const alice = recs.find((r) => field(r, "user") === "alice" && field(r, "action") === "accepted authentication")!;
    expect([field(alice, "authentication_type"), field(alice, "hash_algorithm"), field(alice, "key_hash")]).toEqual(["publickey", "SHA256", "wguuJvUoOBrq+rwyOs//fsx1CvycUr0o+/qKxVBZsJM"]);
  });

  it("audit: every line as ausearch -i lists it; the sessions' ses are logind's ids", async () => {
    const recs = await sameAsAusearch("breach");
    expect(recs.length).toBe(71);
    const logins = recs.filter((r) => field(r, "audit_type") === "USER_LOGIN" && field(r, "res") === "success");
    expect(logins.map((r) => [field(r, "pid"), field(r, "ses"), field(r, "terminal")])).toEqual([
      [4121, 7, "/dev/pts/0"],
      [4388, 8, "/dev/pts/0"],
      [702, 1, "/dev/pts/0"],
      [731, 2, "/dev/pts/1"],
    ]);
    expect(count(recs, (r) => field(r, "audit_type") === "USER_AUTH" && field(r, "res") === "failed")).toBe(6);
    expect(count(recs, is("audit_type", "USER_CMD"))).toBe(4);
    expect(recs.filter(is("audit_type", "USER_CMD")).map((r) => field(r, "cmd"))).toEqual([
      "/usr/sbin/useradd -m -s /bin/bash sysbackup",
      "/usr/bin/passwd sysbackup",
      "/usr/bin/tee -a /root/.ssh/authorized_keys",
      "/usr/sbin/reboot",
    ]);
    expect(count(recs, is("audit_type", "SYSTEM_SHUTDOWN"))).toBe(1);
    expect(count(recs, is("audit_type", "SYSTEM_BOOT"))).toBe(1);
  });
});

describe("scenario wiped: every source alone", () => {
  it("wtmp is gone: the function says absent, with no error", async () => {
    const r = await runScenario("wiped", "wtmp");
    expect(r.records).toEqual([]);
    expect(r.outcome.errors).toEqual([]);
    expect(r.outcome.status).toBe("absent");
  });

  it("btmp ends 232 bytes into its third record: two records and a warning naming the file and offset 768", async () => {
    const r = await runScenario("wiped", "btmp");
    expect(r.outcome.errors).toEqual([]);
    expect(r.outcome.warnings).toHaveLength(1);
    expect(r.outcome.warnings[0]).toMatchObject({ file: "/var/log/btmp", offset: 768 });
    sameAsUtmpdump(r.records, oracle("wiped", "btmp.utmpdump.txt"));
    expect(f(r.records, "ut_user")).toEqual(["test", "test"]);
    // the lost third record is backup's failure, as the file held it before the truncate
    expect(utmpdumpRows(oracle("wiped", "btmp.before-truncate.utmpdump.txt")).map((x) => x.user)).toEqual(["test", "test", "backup"]);
  });

  it("lastlog still has both logins; there is no lastlog2", async () => {
    const recs = await clean("wiped", "lastlog");
    expect(recs.map((r) => [field(r, "ut_user"), field(r, "ut_host"), field(r, "ts")])).toEqual([
      ["carol", "198.51.100.60", "2026-11-24T14:40:12+00:00"],
      ["backup", "192.0.2.45", "2026-11-24T14:10:35+00:00"],
    ]);
    expect((await runScenario("wiped", "lastlog2")).outcome.status).toBe("absent");
  });

  it("journal, auth.log and audit still hold every login, the wiping commands among them", async () => {
    const { recs, entries } = await sameAsJournalctl("wiped");
    expect(recs.length).toBe(30);
    const auth = await authlogIsTheJournal("wiped", entries);
    expect(new Set(f(auth, "ts_zone"))).toEqual(new Set(["Etc/UTC"]));
    expect(auth.filter((r) => field(r, "command") !== null).map((r) => field(r, "command"))).toEqual(["/usr/bin/rm -f /var/log/wtmp", "/usr/bin/truncate -s 1000 /var/log/btmp"]);
    expect(count(auth, is("action", "accepted authentication"))).toBe(2);
    const audit = await sameAsAusearch("wiped");
    expect(audit.length).toBe(33);
    expect(audit.filter((r) => field(r, "audit_type") === "USER_LOGIN" && field(r, "res") === "success").map((r) => field(r, "ses"))).toEqual([4, 5]);
  });
});
