// logins: one login story from every source the target has (wtmp, utmp, btmp, wtmpdb, lastlog, lastlog2,
// auth.log/secure, the journal, audit), each real event once with every source that recorded it; the failed
// attempts counted; the sessions with what every source knows of them (docs/logins.md).
import { definePlugin, ok, absent, ReverseSpill, Timestamp, type AnyRecord, type ArgSpec, type FunctionContext, type Target } from "quarry";
import { TIMEZONE_ARG } from "../../syslog/reader.js";
import { BYTE_ORDER_ARG } from "../../utmp/common.js";
import type { Assembled } from "./event.js";
import { FailedCounter, isFailure, type FailedBy } from "./failed.js";
import { LoginEventRecord, LoginFailedCountRecord, LoginSessionRecord } from "./records.js";
import { MAX_HELD, SessionBuilder, type StorySession } from "./sessions.js";
import { SOURCES } from "./sources.js";
import { story } from "./story.js";

export { LoginEventRecord, LoginFailedCountRecord, LoginSessionRecord };

const ORDER_ARG: ArgSpec = {
  name: "order",
  type: "string",
  choices: ["oldest", "newest"],
  default: "oldest",
  help: "oldest first (as the sources are read), or newest first (spilled to a temp file and read back)",
};

const BY_ARG: ArgSpec = {
  name: "by",
  type: "string",
  choices: ["addr", "user", "host"],
  help: "count attempts by source address, user or remote host (its logged name, else its address) instead of listing them",
};

function eventRecord(a: Assembled): AnyRecord {
  return LoginEventRecord.create({
    ts: a.ts,
    action: a.action,
    user: a.user,
    target_user: a.target_user,
    remote_ip: a.remote_ip,
    remote_port: a.remote_port,
    method: a.method,
    key_fingerprint: a.key_fingerprint,
    service: a.service,
    tty: a.tty,
    session: a.session,
    pid: a.pid,
    success: a.success,
    command: a.command,
    sources: a.sources,
    confidence: a.confidence,
    filepath: a.filepath,
  });
}

type Plain = Omit<Assembled, "ts"> & { sec: number; usec: number };

/** The events in the order asked for: newest first goes through a spill file, one frame in memory. */
function* ordered(events: Iterable<Assembled>, order: unknown): Generator<Assembled> {
  if (order !== "newest") return yield* events;
  const spill = new ReverseSpill<Plain>();
  try {
    for (const e of events) {
      const { ts, ...rest } = e;
      spill.add({ ...rest, sec: ts.seconds, usec: ts.micros });
    }
    for (const p of spill.reversed()) {
      const { sec, usec, ...rest } = p;
      yield { ...rest, ts: Timestamp.fromUnix(sec, usec) };
    }
  } finally {
    spill.dispose();
  }
}

async function logins(t: Target, ctx: FunctionContext): Promise<Iterable<AnyRecord>> {
  const events = await story(t, ctx);
  return (function* () {
    for (const e of ordered(events, ctx.args.order)) yield eventRecord(e);
  })();
}

async function failed(t: Target, ctx: FunctionContext): Promise<Iterable<AnyRecord>> {
  const events = await story(t, ctx);
  const by = ctx.args.by as FailedBy | undefined;
  return (function* () {
    if (!by) {
      const failures = (function* () {
        for (const e of events) if (isFailure(e)) yield e;
      })();
      for (const e of ordered(failures, ctx.args.order)) yield eventRecord(e);
      return;
    }
    const counter = new FailedCounter(by);
    for (const e of events) counter.add(e);
    for (const c of counter.results()) {
      yield LoginFailedCountRecord.create({
        by,
        key: c.key,
        count: c.count,
        first_seen: c.first,
        last_seen: c.last,
        count_btmp: c.perSource.btmp,
        count_authlog: c.perSource.authlog,
        count_journal: c.perSource.journal,
        count_audit: c.perSource.audit,
        filepath: c.files.size === 1 ? [...c.files][0]! : null,
      });
    }
  })();
}

function sessionRecord(s: StorySession): AnyRecord {
  const duration = s.logout ? (s.logoutT - s.loginT) / 1e6 : null;
  const sources = [...s.sources].sort();
  const first = sources[0]!;
  return LoginSessionRecord.create({
    login: s.login,
    logout: s.logout,
    duration,
    end_reason: s.end_reason,
    user: s.user,
    tty: s.tty,
    remote_ip: s.remote_ip,
    remote_port: s.remote_port,
    method: s.method,
    key_fingerprint: s.key_fingerprint,
    logind_session: s.logind_session,
    commands: s.commands,
    sources,
    seen_in_wtmp: s.seen_in_wtmp,
    filepath: first.slice(first.indexOf(":") + 1),
  });
}

async function sessions(t: Target, ctx: FunctionContext): Promise<Iterable<AnyRecord>> {
  const events = await story(t, ctx);
  return (function* () {
    const ready: StorySession[] = [];
    const builder = new SessionBuilder((s) => ready.push(s));
    for (const e of events) {
      builder.add(e);
      if (ready.length) for (const s of ready.splice(0)) yield sessionRecord(s);
    }
    builder.finish();
    for (const s of ready.splice(0)) yield sessionRecord(s);
    if (builder.outOfOrder) ctx.warn({ message: `${builder.outOfOrder} sessions ended while more than ${MAX_HELD} were held behind an older open one: given out as they ended, not in login order` });
  })();
}

async function anySource(t: Target) {
  for (const s of SOURCES) if ((await s.plugin.checkCompatible(t)).ok) return ok();
  return absent("no login source: no wtmp, utmp, btmp, lastlog, lastlog2, auth.log/secure, journal or audit.log");
}

const SOURCE_ARGS = [BYTE_ORDER_ARG, TIMEZONE_ARG];

export default definePlugin({
  name: "logins",
  path: "os.unix.log.logins.join",
  namespace: "logins",
  description: "The login story: every authentication and session event once, joined across wtmp, btmp, utmp, wtmpdb, lastlog, lastlog2, auth.log/secure, the journal and audit",
  paths: ["/var/log/wtmp*", "/var/log/btmp*", "/run/utmp", "/var/lib/wtmpdb/wtmp.db", "/var/log/lastlog", "/var/lib/lastlog/lastlog2.db", "/var/log/auth.log*", "/var/log/secure*", "/var/log/journal", "/var/log/audit/audit.log*"],
  checkCompatible: anySource,
  functions: {
    logins: {
      output: "records",
      description: "Every login, logout, failure, sudo, su, session start and end, reboot and shutdown once, with every source that recorded it and how sure the join is; oldest first",
      records: [LoginEventRecord],
      args: [ORDER_ARG, ...SOURCE_ARGS],
      run: logins,
    },
    "logins.failed": {
      output: "records",
      description: "Failed and invalid-user attempts from btmp, auth.log, the journal and audit, deduplicated; with --by, counted per address, user or host with per-source counts",
      records: [LoginEventRecord, LoginFailedCountRecord],
      args: [BY_ARG, ORDER_ARG, ...SOURCE_ARGS],
      run: failed,
    },
    "logins.sessions": {
      output: "records",
      description: "Login sessions from every source: login, logout and why it ended, with sshd's address, port, method and key, the logind session, the sudo commands run in it, and whether wtmp saw it; in the order they end",
      records: [LoginSessionRecord],
      args: SOURCE_ARGS,
      run: sessions,
    },
  },
});
