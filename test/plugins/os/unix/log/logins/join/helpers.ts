// Inputs written in the sources' own formats (utmp records byte for byte, auth.log lines, audit.log lines,
// journal entries as the journal plugin's records), the source functions run on an in-memory target, and the
// story of what they give. Expected values in the tests are written by hand.
import { Target } from "../../../../../../../src/target.js";
import type { MemoryTree } from "../../../../../../../src/fs/memory.js";
import type { AnyRecord } from "../../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../../src/records/timestamp.js";
import { JournalRecord } from "../../../../../../../plugins/os/unix/log/journal/record.js";
import type { Assembled } from "../../../../../../../plugins/os/unix/log/logins/join/event.js";
import { storyOfRecords } from "../../../../../../../plugins/os/unix/log/logins/join/story.js";
import { run as runFn, type RunResult } from "../../utmp/helpers.js";

export const BASE = 1709694600; // 2024-03-06T03:10:00Z

const TYPES = { RUN_LVL: 1, BOOT_TIME: 2, LOGIN_PROCESS: 6, USER_PROCESS: 7, DEAD_PROCESS: 8 } as const;

export interface Utmp {
  type: keyof typeof TYPES;
  /** seconds after BASE (fractions give tv_usec) */
  at: number;
  pid?: number;
  line?: string;
  id?: string;
  user?: string;
  host?: string;
  addr?: string;
}

/** One glibc x86_64 utmp record (384 bytes), as utmpdump -r writes it. */
export function utmpRecord(u: Utmp): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt16LE(TYPES[u.type], 0);
  b.writeInt32LE(u.pid ?? 0, 4);
  b.write(u.line ?? "", 8, 32, "latin1");
  b.write(u.id ?? "", 40, 4, "latin1");
  b.write(u.user ?? "", 44, 32, "latin1");
  b.write(u.host ?? "", 76, 256, "latin1");
  const sec = Math.floor(u.at);
  b.writeInt32LE(BASE + sec, 340);
  b.writeInt32LE(Math.round((u.at - sec) * 1e6), 344);
  if (u.addr) {
    const parts = u.addr.split(".").map(Number);
    for (let i = 0; i < 4; i++) b[348 + i] = parts[i]!;
  }
  return b;
}

export function utmpFile(records: Utmp[]): Buffer {
  return Buffer.concat(records.map(utmpRecord));
}

/** An auth.log line with an RFC 3339 stamp in whole seconds (rsyslog's precise format, cut to seconds). */
export function authLine(at: number, tag: string, message: string): string {
  const iso = new Date((BASE + Math.floor(at)) * 1000).toISOString().replace(".000Z", "+00:00");
  return `${iso} web01 ${tag}: ${message}`;
}

export function authLog(lines: string[]): string {
  return lines.join("\n") + "\n";
}

let serial = 100;
/** An audit.log line of a user-space message (pid, uid, auid, ses, then msg='…'). */
export function auditLine(type: string, at: number, head: string, msg: string): string {
  const t = (BASE + at).toFixed(3);
  return `type=${type} msg=audit(${t}:${serial++}): ${head} msg='${msg}'`;
}

export interface Journal {
  at: number;
  ident: string;
  pid?: number;
  message: string;
  boot?: string;
  session?: number;
}

/** A journal entry as the journal plugin gives it (every field it does not set null). */
export function journalRecord(j: Journal, file = "/var/log/journal/m/system.journal"): AnyRecord {
  const v: Record<string, unknown> = {};
  for (const f of JournalRecord.fields) if (f.name !== "hostname" && f.name !== "domain") v[f.name] = null;
  const sec = Math.floor(j.at);
  Object.assign(v, {
    ts: Timestamp.fromUnix(BASE + sec, Math.round((j.at - sec) * 1e6)),
    boot_id: j.boot ?? "b1",
    message: j.message,
    syslog_identifier: j.ident,
    syslog_pid: j.pid ?? null,
    pid: j.pid ?? null,
    audit_session: j.session ?? null,
    fields: [],
    offset: 0,
    filepath: file,
  });
  return JournalRecord.create(v as never);
}

/** The records a source function gives on a tree (UTC, passwd with the accounts the tests use). */
export async function sourceRecords(tree: MemoryTree, fn: string): Promise<AnyRecord[]> {
  return (await runFn(withBase(tree), fn)).records;
}

export function withBase(tree: MemoryTree): MemoryTree {
  return {
    "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n",
    ...tree,
  };
}

/** The story of the given source records. */
export function storyOf(given: { name: string; records: AnyRecord[] }[]): Assembled[] {
  const warnings: string[] = [];
  const out = [...storyOfRecords(given, { warn: (i) => warnings.push(i.message) })];
  return out;
}

/** Run a logins function end to end on a tree. */
export function runLogins(tree: MemoryTree, fn: string, args: Record<string, unknown> = {}): Promise<RunResult> {
  return runFn(withBase(tree), fn, args);
}

/** The fields the tests compare, the time as ISO text. */
export function view(e: Assembled) {
  return {
    ts: e.ts.isoformat(),
    action: e.action,
    user: e.user,
    target_user: e.target_user,
    remote_ip: e.remote_ip,
    remote_port: e.remote_port,
    method: e.method,
    tty: e.tty,
    pid: e.pid,
    session: e.session,
    success: e.success,
    command: e.command,
    sources: e.sources,
    confidence: e.confidence,
  };
}

export { Target };
