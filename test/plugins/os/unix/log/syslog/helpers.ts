// The text-log fixtures and zone trees; running a function is test/helpers/run.ts's.
import fs from "node:fs";
import path from "node:path";
import { symlink, type MemoryTree } from "../../../../../../src/fs/memory.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";

export { run, type RunResult } from "../../../../../helpers/run.js";

/** The ISO text of a record's ts (µs, UTC), or null. */
export function iso(r: AnyRecord): string | null {
  const ts = (r as unknown as { ts: Timestamp | null }).ts;
  return ts ? ts.isoformat() : null;
}

/** fixtures/logs/… and fixtures/tz/… */
export const LOGS = path.resolve(import.meta.dirname, "../../../../../../fixtures/logs");
export const ZONEINFO = path.resolve(import.meta.dirname, "../../../../../../fixtures/tz/zoneinfo");

/** A Debian-like zone setup: /etc/localtime → /usr/share/zoneinfo/NAME (the real TZif), /etc/timezone. */
export function zoneTree(name: string): MemoryTree {
  return {
    "/etc/timezone": `${name}\n`,
    "/etc/localtime": symlink(`/usr/share/zoneinfo/${name}`),
    [`/usr/share/zoneinfo/${name}`]: fs.readFileSync(path.join(ZONEINFO, name)),
  };
}

/**
 * An RFC 3339 stamp read independently of the code under test (a regular expression and Date.UTC): the
 * instant as epoch seconds and its microseconds.
 */
export function rfc3339(text: string): { seconds: number; micros: number; offset: string } {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|([+-])(\d\d):(\d\d))/.exec(text);
  if (!m) throw new Error(`no RFC 3339 stamp: ${text}`);
  const local = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  const off = m[8] === "Z" ? 0 : (m[9] === "-" ? -1 : 1) * (+m[10]! * 3600 + +m[11]! * 60);
  return { seconds: local - off, micros: m[7] ? Number(m[7].padEnd(6, "0")) : 0, offset: m[8]! };
}

export function lines(file: string): string[] {
  return fs.readFileSync(file, "latin1").split("\n").filter((l) => l !== "");
}
