// One line of a crontab, as crontab(5) (Debian's cron, cronie, vixie cron) defines it: blank or a "#" comment;
// an environment setting NAME = value (quotes keep blanks); or a job: five time fields (or an @ nickname), the
// user in system crontabs (/etc/crontab, /etc/cron.d), then the command, the rest of the line.

import { shown } from "../configlines.js";

export type CrontabLine =
  | { type: "none" }
  | { type: "env"; key: string; value: string }
  | { type: "job"; schedule: string; fields: [string, string, string, string, string] | null; user: string | null; command: string }
  | { type: "bad"; why: string };

// cron's nicknames (cronie adds none beyond these; "@midnight" = "@daily", "@annually" = "@yearly")
const NICKNAMES = new Set(["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
// A time field: numbers, month and day names, ranges, steps, lists, "*", cronie's "~" (random) and "?".
const TIME_FIELD = /^[0-9A-Za-z*/,~?-]+$/;
// NAME = value: cron tries this first, so a job line never parses as one (its first field is followed by a blank).
const ENV = /^([^\s=]+)[ \t]*=(.*)$/s;

const BLANKS = /[ \t]+/;

// The bounds of each time field, and the names cron takes in the month and weekday fields (crontab(5)).
const BOUNDS: readonly [number, number, readonly string[]][] = [
  [0, 59, []],
  [0, 23, []],
  [1, 31, []],
  [1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]],
  [0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]],
];
const WHAT = ["minute", "hour", "day of month", "month", "day of week"];

/** Why a time field is not one cron takes, or null: lists of values, ranges, steps, "*", names, cronie's "~". */
function fieldProblem(field: string, i: number): string | null {
  const [lo, hi, names] = BOUNDS[i]!;
  for (const element of field.split(",")) {
    const [range, step, extra] = element.split("/");
    if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step))) return `bad step in ${WHAT[i]} ${shown(field)}`;
    if (range === "*" || range === "?") continue;
    for (const v of range!.split(/[-~]/)) {
      if (v === "" && range!.includes("~")) continue; // cronie's "~" alone or "a~b": random in the range
      if (/^\d+$/.test(v)) {
        if (Number(v) < lo || Number(v) > hi) return `${WHAT[i]} ${v} is outside ${lo}-${hi}`;
      } else if (!names.includes(v.toLowerCase())) return `${shown(v)} is no ${WHAT[i]}`;
    }
  }
  return null;
}

/** Split off the first n blank-separated fields; the rest (its blanks kept) is what remains of the line. */
function fieldsOf(s: string, n: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let rest = s;
  for (let i = 0; i < n; i++) {
    rest = rest.replace(/^[ \t]+/, "");
    if (!rest) break;
    const m = BLANKS.exec(rest);
    const end = m ? m.index : rest.length;
    fields.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return { fields, rest: rest.replace(/^[ \t]+/, "") };
}

function unquote(v: string): string {
  const s = v.trim();
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0]) return s.slice(1, -1);
  return s;
}

/** Parse one line; `system` says the crontab has a user field (/etc/crontab, /etc/cron.d/*). */
export function parseCrontabLine(raw: string, system: boolean): CrontabLine {
  const text = raw.replace(/\r$/, "");
  const s = text.replace(/^[ \t]+/, "");
  if (!s || s.startsWith("#")) return { type: "none" };
  const env = ENV.exec(s);
  if (env) return { type: "env", key: unquote(env[1]!), value: unquote(env[2]!) };
  const userFields = system ? 1 : 0;
  if (s.startsWith("@")) {
    const { fields, rest } = fieldsOf(s, 1 + userFields);
    const nick = fields[0]!.toLowerCase();
    if (!NICKNAMES.has(nick)) return { type: "bad", why: `unknown schedule ${shown(fields[0]!)}` };
    if (fields.length < 1 + userFields || !rest) return { type: "bad", why: `no ${fields.length < 1 + userFields ? "user and " : ""}command after ${fields[0]}` };
    return { type: "job", schedule: fields[0]!, fields: null, user: system ? fields[1]! : null, command: rest };
  }
  const { fields, rest } = fieldsOf(s, 5 + userFields);
  const times = fields.slice(0, 5);
  const badField = times.find((f) => !TIME_FIELD.test(f));
  if (badField !== undefined) return { type: "bad", why: `${shown(badField)} is no time field` };
  if (fields.length < 5 + userFields || !rest) return { type: "bad", why: `fewer than ${5 + userFields} fields and a command` };
  for (let i = 0; i < 5; i++) {
    const why = fieldProblem(times[i]!, i);
    if (why) return { type: "bad", why };
  }
  return { type: "job", schedule: times.join(" "), fields: times as [string, string, string, string, string], user: system ? fields[5]! : null, command: rest };
}
