// Three targets for the timeline tests: the sample host (fixtures/hosts/web01.tar: wtmp_basic, btmp_basic and
// utmp_live), db01 (a directory whose wtmp is wtmp_basic.be, the same records big-endian: every one of its events
// ties with one of web01's) and mail01 (wtmp_addr_edge, and copies of btmp_basic and utmp_live), and what their
// timeline for -f wtmp,btmp,utmp,sessions must be, from the oracles.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { captureIO } from "../cli/helpers.js";
import { main } from "../../src/cli/target-query.js";
import { SAMPLE_HOST, UTMP, sessionEvents, sessionsToEvents, timelineOf, utmpdump, utmpEvents, type Expected } from "./oracle.js";

export const FUNCTIONS = "wtmp,btmp,utmp,sessions";
export const GENERATED = "2024-06-01T00:00:00Z";

export interface TimelineFleet {
  dir: string;
  /** A folder holding db01 and mail01 (a folder target: expanded one level, by name). */
  folder: string;
  targets: [string, string, string];
  remove(): void;
}

function host(root: string, name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  fs.writeFileSync(path.join(dir, "etc/hostname"), name + "\n");
  for (const [to, from] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(path.join(UTMP, from), path.join(dir, to));
  }
  return dir;
}

export function makeFleet(): TimelineFleet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-timeline-"));
  const folder = path.join(dir, "fleet");
  const db01 = host(folder, "db01", { "var/log/wtmp": "wtmp_basic.be" });
  const mail01 = host(folder, "mail01", { "var/log/wtmp": "wtmp_addr_edge", "var/log/btmp": "btmp_basic", "run/utmp": "utmp_live" });
  return { dir, folder, targets: [SAMPLE_HOST, db01, mail01], remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** mail01's sessions: each of wtmp_addr_edge's nine USER_PROCESS logins, never ended (no DEAD_PROCESS, no boot). */
function addrEdgeSessions(): { user: string; line: string; login: string; logout: null }[] {
  return utmpdump("wtmp_addr_edge")
    .map((r) => ({ user: r.user, line: r.line, login: r.time, logout: null }))
    .reverse(); // newest appended login first (the order of last(1)); no two share a time, so it does not matter here
}

/** The whole expected timeline, in order. */
export function expectedTimeline(): Expected[] {
  return timelineOf([
    utmpEvents("wtmp_basic", "web01", "linux/log/wtmp"),
    utmpEvents("btmp_basic", "web01", "linux/log/btmp"),
    utmpEvents("utmp_live", "web01", "linux/log/utmp"),
    sessionEvents("wtmp_basic", "web01"),
    utmpEvents("wtmp_basic", "db01", "linux/log/wtmp"), // the big-endian copy: the same records
    sessionEvents("wtmp_basic.be", "db01"),
    utmpEvents("wtmp_addr_edge", "mail01", "linux/log/wtmp"),
    utmpEvents("btmp_basic", "mail01", "linux/log/btmp"),
    utmpEvents("utmp_live", "mail01", "linux/log/utmp"),
    sessionsToEvents(addrEdgeSessions(), "mail01"),
  ]);
}

/** target-query in this thread (from the sources). */
export async function query(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: Buffer; err: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const c = captureIO();
    const code = await main(args, c.io);
    return { code, out: c.stdout(), err: c.stderr() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The records of -j output (descriptor lines left out). */
export function jsonRecords(out: Buffer | string): Record<string, unknown>[] {
  return out
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => o._type === "record");
}
