// cronjobs: what cron, anacron and atd will run, from every place they read (dissect's cronjobs, unix/cronjob).
import { absent, definePlugin, ok, Timestamp, type FunctionContext, type Target } from "quarry";
import { configLines, filesIn, lineWarning, shown, statOrNull } from "../configlines.js";
import { accountNames } from "../homes.js";
import { parseAnacronLine } from "./anacron.js";
import { parseAtJobName, parseAtScript } from "./atjob.js";
import { parseCrontabLine } from "./crontab.js";
import { CronjobRecord, EnvironmentVariableRecord } from "./records.js";

const RUN_PARTS = ["hourly", "daily", "weekly", "monthly"] as const;
const AT_SPOOLS = ["/var/spool/cron/atjobs", "/var/spool/at"];
// An at job's script is the saved environment and a few commands: a few KB.
const AT_SCRIPT_BYTES = 1024 * 1024;
// Files run-parts and the spools keep that are no job (Debian's placeholders, at's sequence file).
const NOT_A_JOB = new Set([".placeholder", ".SEQ"]);

interface Crontab {
  path: string;
  kind: string;
  /** System crontabs have a user field; a user's crontab runs as its owner (the file's name). */
  owner: string | null;
}

function crontabs(t: Target): Crontab[] {
  const out: Crontab[] = [];
  if (t.fs.isFile("/etc/crontab")) out.push({ path: "/etc/crontab", kind: "crontab", owner: null });
  for (const p of filesIn(t, "/etc/cron.d")) if (!NOT_A_JOB.has(base(p))) out.push({ path: p, kind: "cron.d", owner: null });
  // Debian: /var/spool/cron/crontabs; RHEL (cronie): /var/spool/cron itself; SUSE: /var/spool/cron/tabs.
  for (const dir of ["/var/spool/cron/crontabs", "/var/spool/cron", "/var/spool/cron/tabs"]) {
    for (const p of filesIn(t, dir)) if (!NOT_A_JOB.has(base(p)) && !base(p).startsWith(".")) out.push({ path: p, kind: "spool", owner: base(p) });
  }
  return out;
}

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

function* crontabRecords(t: Target, ctx: FunctionContext, c: Crontab) {
  for (const line of configLines(t, ctx, c.path)) {
    const l = parseCrontabLine(line.text, c.owner === null);
    if (l.type === "none") continue;
    if (l.type === "bad") {
      lineWarning(ctx, c.path, line, `${l.why}: ${shown(line.text)}; skipped`);
      continue;
    }
    if (l.type === "env") {
      yield EnvironmentVariableRecord.create({ key: l.key, value: l.value, lineno: line.lineno, filepath: c.path });
      continue;
    }
    const [minute, hour, day, month, weekday] = l.fields ?? [null, null, null, null, null];
    yield CronjobRecord.create({
      ts: null,
      kind: c.kind,
      schedule: l.schedule,
      minute,
      hour,
      day,
      month,
      weekday,
      user: l.user ?? c.owner,
      command: l.command,
      job_id: null,
      delay: null,
      lineno: line.lineno,
      filepath: c.path,
    });
  }
}

function* anacronRecords(t: Target, ctx: FunctionContext, path: string) {
  for (const line of configLines(t, ctx, path)) {
    const l = parseAnacronLine(line.text);
    if (l.type === "none") continue;
    if (l.type === "bad") {
      lineWarning(ctx, path, line, `${l.why}: ${shown(line.text)}; skipped`);
      continue;
    }
    if (l.type === "env") {
      yield EnvironmentVariableRecord.create({ key: l.key, value: l.value, lineno: line.lineno, filepath: path });
      continue;
    }
    yield CronjobRecord.create({
      ts: null,
      kind: "anacrontab",
      schedule: l.period,
      minute: null,
      hour: null,
      day: null,
      month: null,
      weekday: null,
      user: "root",
      command: l.command,
      job_id: l.jobId,
      delay: l.delay,
      lineno: line.lineno,
      filepath: path,
    });
  }
}

/** A script in /etc/cron.daily etc.: run as root by run-parts (from /etc/crontab or anacron); its mtime says when it came. */
function* runPartsRecords(t: Target) {
  for (const period of RUN_PARTS) {
    for (const p of filesIn(t, `/etc/cron.${period}`)) {
      if (NOT_A_JOB.has(base(p))) continue;
      const mtime = statOrNull(t, p)?.mtime ?? null;
      yield CronjobRecord.create({ ts: mtime, kind: `cron.${period}`, schedule: null, minute: null, hour: null, day: null, month: null, weekday: null, user: "root", command: p, job_id: null, delay: null, lineno: null, filepath: p });
    }
  }
}

function* atRecords(t: Target, ctx: FunctionContext, names: Map<number, string>) {
  for (const dir of AT_SPOOLS) {
    for (const p of filesIn(t, dir)) {
      if (NOT_A_JOB.has(base(p))) continue;
      const job = parseAtJobName(base(p));
      if (!job) {
        ctx.warn({ message: `not an at job name (queue letter, 5 hex digits of job number, 8 of minutes): skipped`, file: p });
        continue;
      }
      let lines: string[];
      try {
        const head = t.fs.readTextHead(p, AT_SCRIPT_BYTES);
        if (head.truncated) ctx.warn({ message: `${head.size}-byte at job: only the first ${head.end} bytes were read`, file: p, offset: head.end });
        lines = head.text.split("\n");
      } catch (e) {
        ctx.error({ message: `unreadable: ${(e as Error).message}`, file: p });
        continue;
      }
      const script = parseAtScript(lines);
      if (script.uid === null) ctx.warn({ message: `no "# atrun uid=" line: the job's user is unknown`, file: p });
      if (script.command === null) ctx.warn({ message: `no commands after at's "cd … || {…}" block`, file: p });
      yield CronjobRecord.create({
        ts: Timestamp.fromUnixInRange(job.runAt),
        kind: "at",
        schedule: job.queue,
        minute: null,
        hour: null,
        day: null,
        month: null,
        weekday: null,
        user: script.uid === null ? null : (names.get(script.uid) ?? String(script.uid)),
        command: script.command,
        job_id: String(job.job),
        delay: null,
        lineno: script.lineno,
        filepath: p,
      });
    }
  }
}

function anyCron(t: Target): boolean {
  return (
    crontabs(t).length > 0 ||
    t.fs.isFile("/etc/anacrontab") ||
    RUN_PARTS.some((p) => t.fs.isDir(`/etc/cron.${p}`)) ||
    AT_SPOOLS.some((d) => t.fs.isDir(d))
  );
}

export default definePlugin({
  name: "cronjobs",
  path: "os.unix.cronjobs",
  description: "Scheduled jobs of cron, anacron and at",
  paths: ["/etc/crontab", "/etc/cron.d/*", "/var/spool/cron/crontabs/*", "/var/spool/cron/*", "/etc/anacrontab", "/etc/cron.{hourly,daily,weekly,monthly}/*", "/var/spool/cron/atjobs/*", "/var/spool/at/*"],
  checkCompatible: (t) => (anyCron(t) ? ok() : absent("no crontab, cron.d, cron spool, anacrontab, cron.daily etc. or at spool")),
  functions: {
    cronjobs: {
      output: "records",
      description:
        "One record per cron, anacron and at job (schedule, user, command; a cron.daily etc. script with its mtime, an at job with its run time) and one per environment line of a crontab",
      records: [CronjobRecord, EnvironmentVariableRecord],
      *run(t, ctx) {
        for (const c of crontabs(t)) yield* crontabRecords(t, ctx, c);
        if (t.fs.isFile("/etc/anacrontab")) yield* anacronRecords(t, ctx, "/etc/anacrontab");
        yield* runPartsRecords(t);
        yield* atRecords(t, ctx, accountNames(t));
      },
    },
  },
});
