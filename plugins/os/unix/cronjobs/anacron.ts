// One line of /etc/anacrontab (anacrontab(5)): blank, "#" comment, NAME=value, or a job "period delay
// job-identifier command", the period a number of days or @daily / @weekly / @monthly / @yearly.
import { shown } from "../configlines.js";
import { parseCrontabLine } from "./crontab.js";

export type AnacronLine =
  | { type: "none" }
  | { type: "env"; key: string; value: string }
  | { type: "job"; period: string; delay: number; jobId: string; command: string }
  | { type: "bad"; why: string };

const PERIOD = /^(?:\d{1,9}|@(?:daily|weekly|monthly|yearly|annually))$/;

export function parseAnacronLine(raw: string): AnacronLine {
  const text = raw.replace(/\r$/, "");
  const s = text.replace(/^[ \t]+/, "");
  if (!s || s.startsWith("#")) return { type: "none" };
  // anacron takes NAME=value as cron does (its environment lines, START_HOURS_RANGE, RANDOM_DELAY).
  const asCron = parseCrontabLine(s, false);
  if (asCron.type === "env") return asCron;
  const m = /^(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(.+)$/s.exec(s);
  if (!m) return { type: "bad", why: "not period, delay, job identifier and command" };
  if (!PERIOD.test(m[1]!)) return { type: "bad", why: `${shown(m[1]!)} is no period` };
  if (!/^\d{1,9}$/.test(m[2]!)) return { type: "bad", why: `${shown(m[2]!)} is no delay in minutes` };
  return { type: "job", period: m[1]!, delay: Number(m[2]), jobId: m[3]!, command: m[4]! };
}
