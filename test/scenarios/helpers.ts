// The login scenarios (fixtures/scenarios/*): open one as a directory target, run a function on it, read the
// real tools' oracles committed beside it. The join functions' tests (logins, logins.failed, logins.sessions)
// use the same openScenario and compare with expected/*.json, written by hand.
import fs from "node:fs";
import path from "node:path";
import { Target } from "../../src/target.js";
import type { AnyRecord } from "../../src/records/descriptor.js";
import type { Timestamp } from "../../src/records/timestamp.js";
import { run, type RunResult } from "../plugins/os/unix/log/syslog/helpers.js";

export const SCENARIOS = path.resolve(import.meta.dirname, "../../fixtures/scenarios");
export type ScenarioName = "breach" | "wiped";

/**
 * When each host was acquired. auth.log's traditional lines have no year: quarry takes it from the file's
 * mtime (docs/logs.md, "The year rule"), and git keeps no mtimes, so the checkout's auth.log is given the
 * acquisition time before the target is opened (the generator sets the same with utimes).
 */
export const ACQUIRED: Record<ScenarioName, string> = {
  breach: "2026-11-17T10:30:00Z",
  wiped: "2026-11-24T15:00:00Z",
};

export function scenarioDir(name: ScenarioName): string {
  return path.join(SCENARIOS, name);
}

export async function openScenario(name: ScenarioName): Promise<Target> {
  const dir = scenarioDir(name);
  const when = new Date(ACQUIRED[name]);
  fs.utimesSync(path.join(dir, "var/log/auth.log"), when, when);
  return Target.open(dir);
}

export async function runScenario(name: ScenarioName, fn: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  return run(await openScenario(name), fn, args);
}

export function oracle(name: ScenarioName, file: string): string {
  return fs.readFileSync(path.join(scenarioDir(name), "oracles", file), "utf8");
}

export function expected<T = unknown>(name: ScenarioName, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(scenarioDir(name), "expected", file), "utf8")) as T;
}

/** A record's field, as a plain value: Timestamps as ISO text (µs, +00:00), other objects by String(). */
export function field(r: AnyRecord, name: string): unknown {
  const v = (r as unknown as Record<string, unknown>)[name];
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === "object" && "isoformat" in v) return (v as Timestamp).isoformat();
  if (typeof v === "object" && !Array.isArray(v)) return String(v);
  return v;
}

/** A Timestamp as the expected files write times: UTC, always six fraction digits, "Z" (null stays null). */
export function tsZ(ts: Timestamp | null): string | null {
  if (ts === null) return null;
  return `${new Date(ts.seconds * 1000).toISOString().slice(0, 19)}.${String(ts.micros).padStart(6, "0")}Z`;
}

/** The utmpdump text of util-linux: type, pid, user, line, host and the time as ISO with µs and +00:00. */
export function utmpdumpRows(text: string): { type: number; pid: number; user: string; line: string; host: string; ts: string }[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("["))
    .map((l) => {
      const f = [...l.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
      return { type: Number(f[0]), pid: Number(f[1]), user: f[3]!.trim(), line: f[4]!.trim(), host: f[5]!.trim(), ts: f[7]!.replace(",", ".") };
    });
}

/** An entry of journalctl -o json: the fields every entry of the scenarios has, and the rest. */
export interface JournalEntry {
  [name: string]: string | undefined;
  MESSAGE: string;
  __REALTIME_TIMESTAMP: string;
  _PID: string;
  _BOOT_ID: string;
  SYSLOG_IDENTIFIER: string;
  SYSLOG_FACILITY: string;
}

/** journalctl -o json, one object per line. */
export function journalJson(text: string): JournalEntry[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as JournalEntry);
}

/** ausearch -i: the events between "----" lines, each line's type, time (ms, UTC) and serial. */
export function ausearchRecords(text: string): { type: string; ms: string; serial: number; body: string }[] {
  const out: { type: string; ms: string; serial: number; body: string }[] = [];
  for (const l of text.split("\n")) {
    const m = /^type=(\S+) msg=audit\((\d\d)\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d\.\d{3}):(\d+)\) : (.*)$/.exec(l);
    if (!m) continue;
    out.push({ type: m[1]!, ms: `20${m[4]}-${m[2]}-${m[3]}T${m[5]}`, serial: Number(m[6]), body: m[7]! });
  }
  return out;
}

/** The µs instant of an ISO text (Z or +00:00) as a number, for comparing to __REALTIME_TIMESTAMP. */
export function micros(iso: string): number {
  const m = /^(.*?)(?:\.(\d{1,6}))?(?:Z|\+00:00)$/.exec(iso);
  if (!m) throw new Error(`not a UTC ISO time: ${iso}`);
  return (Date.parse(`${m[1]}Z`) / 1000) * 1e6 + Number((m[2] ?? "0").padEnd(6, "0"));
}
