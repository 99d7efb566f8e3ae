// The record of cron, anacron and at jobs: dissect's unix/cronjob, with where each came
// from (kind, line) and, where the artefact has one, a time (a run-parts script's mtime, an at job's run time).
import { defineRecord } from "quarry";

export const CronjobRecord = defineRecord("unix/cronjob", {
  // a cron.{hourly,daily,weekly,monthly} script's mtime; an at job's scheduled run; null for crontab lines
  ts: "datetime",
  // crontab (/etc/crontab), cron.d, spool (a user's crontab), anacrontab, cron.hourly … cron.monthly, at
  kind: "string",
  // the schedule as written: "*/5 * * * *", "@reboot", anacron's period ("1", "@monthly"), at's queue letter
  schedule: "string",
  minute: "string",
  hour: "string",
  day: "string",
  month: "string",
  weekday: "string",
  // who it runs as: the user field of /etc/crontab and cron.d, a spool file's name, an at job's uid's name
  user: "string",
  // the command as written (cron turns an unescaped % into a newline and the rest into stdin: kept as is)
  command: "string",
  // anacron's job identifier; an at job's number
  job_id: "string",
  // anacron's delay in minutes
  delay: "varint",
  lineno: "varint",
  filepath: "path",
});

export { EnvironmentVariableRecord } from "../envvar.js";
