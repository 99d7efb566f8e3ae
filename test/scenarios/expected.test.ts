// The hand-written expectations (fixtures/scenarios/*/expected) checked against the real tools' oracles, with
// no quarry code: every time an expected record gives is the time of a line or record the oracles hold, its pid,
// port and session are that line's, and the derived files agree with logins.json. A typo in the hand-written
// story fails here, before the join functions are compared with it.
import { describe, expect, it } from "vitest";
import { ausearchRecords, expected, journalJson, micros, oracle, utmpdumpRows, type ScenarioName } from "./helpers.js";

interface Event {
  ts: string;
  action: string;
  user: string | null;
  remote_ip: string | null;
  remote_port: number | null;
  session: string | null;
  pid: number | null;
  command: string | null;
  key_fingerprint: string | null;
  sources: string[];
  confidence: string;
}
interface Group {
  key: string;
  count: number;
  first_seen: string;
  last_seen: string;
  count_btmp: number;
  count_authlog: number;
  count_journal: number;
  count_audit: number;
}
interface Session {
  login: string;
  logout: string | null;
  duration: number | null;
  commands: string[];
  sources: string[];
  seen_in_wtmp: boolean;
  logind_session: string;
}

/** The naming line of each action, as the journal holds it (README: "One event, its records"). */
const NAMING: Record<string, RegExp> = {
  invalid_user: /^Invalid user /,
  failed: /^Failed (password|publickey) for (?!invalid user )/,
  login: /^Accepted /,
  session_open: /^pam_unix\(sshd:session\): session opened |^New session /,
  sudo: / : TTY=.* ; COMMAND=/,
  logout: /^Disconnected from user /,
  session_close: /^pam_unix\(sshd:session\): session closed |^Session \S+ logged out\./,
  shutdown: /^System is rebooting\.$/,
};

for (const name of ["breach", "wiped"] as ScenarioName[]) {
  describe(`scenario ${name}: the expected story agrees with the oracles`, () => {
    const events = expected<Event[]>(name, "logins.json");
    const journal = journalJson(oracle(name, "system.journal.json"));
    const wtmp = name === "breach" ? utmpdumpRows(oracle(name, "wtmp.utmpdump.txt")) : [];
    const audit = ausearchRecords(oracle(name, "audit.log.ausearch-i.txt"));

    it("every event's ts is its naming journal line's (or wtmp's reboot record), with that line's pid, port and session", () => {
      for (const e of events) {
        const t = micros(e.ts);
        if (e.action === "reboot") {
          expect(wtmp.find((w) => w.type === 2 && micros(w.ts) === t), e.ts).toBeDefined();
          continue;
        }
        const line = journal.find((j) => Number(j.__REALTIME_TIMESTAMP) === t);
        expect(line, `${e.action} ${e.ts}`).toBeDefined();
        expect(line!.MESSAGE, e.ts).toMatch(NAMING[e.action]!);
        if (line!.SYSLOG_IDENTIFIER !== "systemd-logind") expect(Number(line!._PID), e.ts).toBe(e.pid);
        if (e.remote_port !== null) expect(line!.MESSAGE, e.ts).toContain(`port ${e.remote_port}`);
        if (e.user !== null && line!.SYSLOG_IDENTIFIER === "sshd") expect(line!.MESSAGE, e.ts).toContain(e.user);
        if (e.command !== null) expect(line!.MESSAGE.endsWith(`COMMAND=${e.command}`), e.ts).toBe(true);
        if (e.key_fingerprint !== null) expect(line!.MESSAGE.endsWith(e.key_fingerprint), e.ts).toBe(true);
        if (e.session !== null && line!._AUDIT_SESSION !== undefined) expect(line!._AUDIT_SESSION, e.ts).toBe(e.session);
      }
    });

    it("the journal's naming lines are all accounted for: one event each, or joined into one (logind's beside pam's)", () => {
      const named = journal.filter((j) => Object.values(NAMING).some((re) => re.test(j.MESSAGE)));
      const covered = named.filter((j) => events.some((e) => Math.abs(micros(e.ts) - Number(j.__REALTIME_TIMESTAMP)) <= 2e6 && NAMING[e.action]!.test(j.MESSAGE)));
      expect(covered).toEqual(named);
    });

    it("the logins' sessions are audit's USER_LOGIN ses; sources sorted; confidence as the README says", () => {
      const userLogins = audit.filter((a) => a.type === "USER_LOGIN" && / res=success/.test(a.body));
      expect(events.filter((e) => e.action === "login").map((e) => e.session)).toEqual(userLogins.map((a) => /ses=(\d+)/.exec(a.body)![1]));
      for (const e of events) {
        expect([...e.sources].sort()).toEqual(e.sources);
        const weak = e.sources.some((s) => /^(lastlog2?|wtmp):/.test(s)) && e.action !== "logout";
        expect(e.confidence, e.ts).toBe(weak ? "probable" : e.sources.length === 1 ? "single" : "certain");
      }
      expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort());
    });

    it("logins.failed is logins' failures; --by addr counts them", () => {
      const fails = events.filter((e) => e.action === "failed" || e.action === "invalid_user");
      expect(expected(name, "logins.failed.json")).toEqual(fails);
      const groups = expected<Group[]>(name, "logins.failed-by-addr.json");
      expect(groups.map((g) => g.key).sort()).toEqual([...new Set(fails.map((e) => e.remote_ip!))].sort());
      for (const g of groups) {
        const mine = fails.filter((e) => e.remote_ip === g.key);
        expect([g.count, g.first_seen, g.last_seen]).toEqual([mine.length, mine[0]!.ts, mine[mine.length - 1]!.ts]);
        for (const src of ["btmp", "authlog", "journal", "audit"] as const) {
          expect(g[`count_${src}`], `${g.key} ${src}`).toBe(mine.filter((e) => e.sources.some((s) => s.startsWith(`${src}:`))).length);
        }
      }
    });

    it("sessions: durations are logout - login, commands the session's sudo's, seen_in_wtmp as wtmp says", () => {
      const sessions = expected<Session[]>(name, "logins.sessions.json");
      const logins = events.filter((e) => e.action === "login");
      expect(sessions.map((s) => s.login)).toEqual(logins.map((e) => e.ts));
      for (const s of sessions) {
        if (s.logout === null) expect(s.duration).toBeNull();
        else expect(s.duration).toBe((micros(s.logout) - micros(s.login)) / 1e6);
        const sudo = events.filter((e) => e.action === "sudo" && e.session === s.logind_session && micros(e.ts) > micros(s.login) && (s.logout === null || micros(e.ts) < micros(s.logout)));
        expect(s.commands).toEqual(sudo.map((e) => e.command));
        expect(s.seen_in_wtmp).toBe(wtmp.some((w) => w.type === 7 && Math.abs(micros(w.ts) - micros(s.login)) < 2e6));
        expect([...s.sources].sort()).toEqual(s.sources);
      }
    });
  });
}
