// The timeline tests' expectations, from the real tools' outputs committed in fixtures/utmp (utmpdump's text of
// each file, and the spec-derived sessions of *.expected.json), never from quarry's own decoders: each source
// record becomes the events the docs promise, in the order the docs promise (docs/timeline.md: Order).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const UTMP = path.join(ROOT, "fixtures/utmp");
export const SAMPLE_HOST = path.join(ROOT, "fixtures/hosts/web01.tar");

/** An expected timeline entry: what the test compares, and its time in µs for ordering. */
export interface Expected {
  us: number;
  ts: string;
  hostname: string;
  source: string;
  ts_description: string;
  /** What identifies the record: utmp records "TYPE user line @offset", sessions "user line". */
  what: string;
}

const TYPES: Record<string, string> = {
  "1": "RUN_LVL",
  "2": "BOOT_TIME",
  "3": "NEW_TIME",
  "4": "OLD_TIME",
  "5": "INIT_PROCESS",
  "6": "LOGIN_PROCESS",
  "7": "USER_PROCESS",
  "8": "DEAD_PROCESS",
};

/** "2024-03-04T08:15:03,220871+00:00" (utmpdump) or "…03.220871Z" (expected.json) → µs and quarry's ISO form. */
export function oracleTime(text: string): { us: number; iso: string } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)[.,](\d{6})(?:\+00:00|Z)$/.exec(text);
  if (!m) throw new Error(`not an oracle time: ${text}`);
  const micros = Number(m[2]);
  return { us: Date.parse(m[1] + "Z") * 1000 + micros, iso: `${m[1]}${micros ? "." + m[2] : ""}+00:00` };
}

/** utmpdump's lines of a fixture: type, pid, id, user, line, host, addr, time. */
export function utmpdump(name: string): { type: string; user: string; line: string; time: string }[] {
  const text = fs.readFileSync(path.join(UTMP, name + ".utmpdump.txt"), "latin1");
  return text
    .split("\n")
    .filter((l) => l.startsWith("["))
    .map((l) => {
      const f = [...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
      return { type: TYPES[f[0]!] ?? f[0]!, user: f[3]!.trimEnd(), line: f[4]!.trimEnd(), time: f[7]! };
    });
}

/** The events of a utmp-format file read by a function (each record: its `ts`). */
export function utmpEvents(name: string, hostname: string, source: string): Expected[] {
  return utmpdump(name).map((r, i) => {
    const t = oracleTime(r.time);
    return { us: t.us, ts: t.iso, hostname, source, ts_description: "ts", what: `${r.type} ${r.user} ${r.line} @${i * 384}` };
  });
}

interface Session {
  user: string;
  line: string;
  login: string;
  logout: string | null;
}

/** The events of `sessions` (login, then logout when there is one) from a fixture's expected.json. */
export function sessionEvents(name: string, hostname: string): Expected[] {
  const s = (JSON.parse(fs.readFileSync(path.join(UTMP, name + ".expected.json"), "utf8")) as { sessions: Session[] }).sessions;
  return sessionsToEvents(s, hostname);
}

export function sessionsToEvents(sessions: readonly Session[], hostname: string): Expected[] {
  const out: Expected[] = [];
  for (const s of sessions) {
    for (const [field, v] of [["login", s.login], ["logout", s.logout]] as const) {
      if (v === null) continue;
      const t = oracleTime(v);
      out.push({ us: t.us, ts: t.iso, hostname, source: "linux/log/wtmp/session", ts_description: field, what: `${s.user} ${s.line}` });
    }
  }
  return out;
}

/**
 * The timeline the docs promise: sources given in target order, each target's functions in -f order, each
 * function's records in the order it yields them, each record's events in field order; then a stable sort by
 * time alone keeps that order among equal times.
 */
export function timelineOf(sources: readonly Expected[][]): Expected[] {
  return sources.flat().sort((a, b) => a.us - b.us);
}

/** The fields of a timeline entry (from -j) in the shape of Expected. */
export function shapeOf(e: Record<string, unknown>): Omit<Expected, "us"> {
  const r = e.record as Record<string, unknown>;
  const what =
    e.source === "linux/log/wtmp/session" ? `${r.user} ${r.line}` : `${r.ut_type} ${r.ut_user} ${r.ut_line} @${String(r.offset)}`;
  return { ts: e.ts as string, hostname: e.hostname as string, source: e.source as string, ts_description: e.ts_description as string, what };
}
