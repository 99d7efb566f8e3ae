// apt's /var/log/apt/history.log* (rotations and .gz oldest first): one stanza per apt run, as apt-pkg's
// deb/dpkgpm.cc writes it: a blank line, "Start-Date: YYYY-MM-DD  HH:MM:SS" (local time), "Commandline:",
// "Requested-By: user (uid)" when run through sudo or pkexec, one line per action ("Install:", "Upgrade:",
// "Downgrade:", "Remove:", "Purge:", "Reinstall:") listing "name:arch (version[, automatic])" or, for an
// upgrade or downgrade, "name:arch (old, new)", "Error:" when dpkg failed, and "End-Date:". One record per
// package of a stanza, carrying the stanza's times, command and requester; a stanza without packages (an apt
// run that failed before dpkg) is one record with no package.
import { absent, definePlugin, ok, type FunctionContext, type Target, type Timestamp } from "quarry";
import { closeAll, findRotations, openRotations } from "../../log/rotations.js";
import { localClock, type LocalClock } from "../../packages/localtime.js";
import { PackageLogRecord } from "../../packages/records.js";

export const APT_HISTORY = "/var/log/apt/history.log";
/** A full upgrade of a large system lists a few thousand packages on one line (~200 KiB): 4 MiB is no apt line. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Packages of one stanza held until its End-Date: more than any apt run touches. */
const MAX_ITEMS = 100_000;
const MAX_LINE_WARNINGS = 50;
const ACTIONS: Record<string, string> = { install: "install", upgrade: "upgrade", downgrade: "downgrade", remove: "remove", purge: "purge", reinstall: "reinstall" };
const ITEM = /([^\s(),]+) \(([^()]*)\)(?:, |$)/y;

export function hasAptHistory(t: Target): boolean {
  return findRotations(t.fs, [APT_HISTORY]).length > 0;
}

interface Item {
  operation: string;
  name: string;
  arch: string | null;
  version: string | null;
  old: string | null;
  automatic: boolean;
}

interface Stanza {
  line: number;
  offset: number;
  start: Timestamp | null;
  end: Timestamp | null;
  command: string | null;
  user: string | null;
  uid: number | null;
  error: string | null;
  items: Item[];
}

/** The packages of one action line, or the offset in the line where it stops making sense. */
export function parseItems(operation: string, list: string): { items: Item[]; badAt: number | null } {
  const items: Item[] = [];
  ITEM.lastIndex = 0;
  let at = 0;
  while (at < list.length) {
    ITEM.lastIndex = at;
    const m = ITEM.exec(list);
    if (!m) return { items, badAt: at };
    at = ITEM.lastIndex;
    const colon = m[1]!.indexOf(":");
    const parts = m[2]!.split(", ");
    const automatic = parts[parts.length - 1] === "automatic";
    if (automatic) parts.pop();
    const two = operation === "upgrade" || operation === "downgrade";
    items.push({
      operation,
      name: colon < 0 ? m[1]! : m[1]!.slice(0, colon),
      arch: colon < 0 ? null : m[1]!.slice(colon + 1),
      version: (two ? parts[1] : parts[0]) ?? null,
      old: two ? (parts[0] ?? null) : null,
      automatic,
    });
    if (items.length >= MAX_ITEMS) return { items, badAt: at < list.length ? at : null };
  }
  return { items, badAt: null };
}

function* recordsOf(s: Stanza, file: string) {
  const base = {
    ts: s.start,
    ts_end: s.end,
    package_manager: "apt",
    package_status: null,
    command: s.command,
    requested_by_user: s.user,
    requested_by_uid: s.uid,
    transaction: s.line,
    filepath: file,
  };
  if (s.items.length === 0) {
    yield PackageLogRecord.create({ ...base, operation: s.error ? "error" : "none", package_name: null, package_arch: null, package_version: null, package_version_old: null, message: s.error });
    return;
  }
  for (const i of s.items) {
    yield PackageLogRecord.create({
      ...base,
      operation: i.operation,
      package_name: i.name,
      package_arch: i.arch,
      package_version: i.version,
      package_version_old: i.old,
      message: s.error ? `Error: ${s.error}` : i.automatic ? "automatic" : null,
    });
  }
}

function* stanzas(lines: Iterable<{ text: string; lineNumber: number; offset: number; cut: boolean; bytes: number }>, clock: LocalClock, file: string, ctx: FunctionContext) {
  let warned = 0;
  const warn = (message: string, offset: number): void => {
    if (++warned <= MAX_LINE_WARNINGS) ctx.warn({ message, file, offset });
  };
  let s: Stanza | null = null;
  const time = (v: string, line: number, offset: number): Timestamp | null => {
    const { ts, why } = clock.parse(v.trim());
    if (why) warn(`line ${line}: ${why}; null`, offset);
    return ts;
  };
  for (const l of lines) {
    const text = l.text.endsWith("\r") ? l.text.slice(0, -1) : l.text;
    if (text.trim() === "") continue;
    if (l.cut) warn(`line ${l.lineNumber} is ${l.bytes} bytes long: only its first ${MAX_LINE_BYTES} are read`, l.offset);
    const colon = text.indexOf(": ");
    const key = colon > 0 ? text.slice(0, colon) : text.endsWith(":") ? text.slice(0, -1) : "";
    const value = colon > 0 ? text.slice(colon + 2) : "";
    if (key === "Start-Date") {
      if (s) {
        warn(`line ${s.line}: the stanza has no End-Date (apt was interrupted, or the log cut); ts_end null`, s.offset);
        yield* recordsOf(s, file);
      }
      s = { line: l.lineNumber, offset: l.offset, start: time(value, l.lineNumber, l.offset), end: null, command: null, user: null, uid: null, error: null, items: [] };
      continue;
    }
    if (!s) {
      warn(`line ${l.lineNumber}: ${key ? `${key} line` : "a line"} outside a Start-Date … End-Date stanza; skipped`, l.offset);
      continue;
    }
    const op = ACTIONS[key.toLowerCase()];
    if (key === "End-Date") {
      s.end = time(value, l.lineNumber, l.offset);
      yield* recordsOf(s, file);
      s = null;
    } else if (key === "Commandline") s.command = value;
    else if (key === "Requested-By") {
      const m = /^(.*) \((\d{1,10})\)$/.exec(value);
      s.user = m ? m[1]! : value;
      s.uid = m ? Number(m[2]) : null;
      if (!m) warn(`line ${l.lineNumber}: Requested-By ${JSON.stringify(value)} is not "user (uid)"`, l.offset);
    } else if (key === "Error") s.error = value;
    else if (op) {
      const { items, badAt } = parseItems(op, value);
      const room = MAX_ITEMS - s.items.length;
      s.items.push(...items.slice(0, Math.max(0, room)));
      if (badAt !== null) warn(`line ${l.lineNumber}: ${key} list unreadable from character ${colon + 2 + badAt} on; ${items.length} packages before it kept`, l.offset);
    } else warn(`line ${l.lineNumber}: ${key ? `unknown field ${JSON.stringify(key.slice(0, 40))}` : "not a \"Field: value\" line"}; skipped`, l.offset);
  }
  if (s) {
    warn(`line ${s.line}: the stanza has no End-Date (apt was interrupted, or the log cut); ts_end null`, s.offset);
    yield* recordsOf(s, file);
  }
  if (warned > MAX_LINE_WARNINGS) ctx.warn({ message: `${warned - MAX_LINE_WARNINGS} more malformed lines (not reported one by one)`, file });
}

export async function aptHistory(t: Target, ctx: FunctionContext): Promise<Iterable<ReturnType<typeof PackageLogRecord.create>>> {
  const clock = localClock(t, ctx);
  const logs = await openRotations(t.fs, findRotations(t.fs, [APT_HISTORY]), ctx, { maxLineBytes: MAX_LINE_BYTES });
  return (function* () {
    try {
      for (const log of logs) yield* stanzas(log, clock, log.rotation.path, ctx);
    } finally {
      closeAll(logs);
    }
  })();
}

export default definePlugin({
  name: "apt",
  path: "os.unix.linux.debian.apt",
  namespace: "apt",
  description: "apt's history of runs (/var/log/apt/history.log*)",
  paths: [`${APT_HISTORY}*`],
  checkCompatible: (t) => (hasAptHistory(t) ? ok() : absent(`no ${APT_HISTORY}*`)),
  functions: {
    "apt.history": {
      output: "records",
      description: "One record per package of each apt run in history.log and its rotations: start and end time, command line, requesting user, action, versions",
      records: [PackageLogRecord],
      run: (t, ctx) => aptHistory(t, ctx),
    },
  },
});
