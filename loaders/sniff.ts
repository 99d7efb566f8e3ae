// What a loose file is, from its first bytes (--direct): the artefacts whose name says little (a journal
// copied out as `host1.journal`, `atop_20240301`, `wtmp-web01`) are told by content. Each kind says where its
// plugin looks for it; the placement (./direct.ts) keeps a kind only if a selected function reads that place.
import fs from "node:fs";

/** How much of a file is read to tell what it is. */
export const SNIFF_BYTES = 64 * 1024;

export interface Kind {
  /** What the file looks like, for messages ("a systemd journal file"). */
  what: string;
  /** The target directory its plugin reads, and the name pattern there (`prefix*` or exactly `fixed`). */
  dir: string;
  prefix?: string;
  fixed?: string;
  /** Name suffixes the plugin needs (a journal file must end in .journal or .journal~). */
  suffixes?: readonly string[];
  /** Read as a log and its rotations: the name must be `prefix` or `prefix.N` (rotations.ts). */
  rotated?: boolean;
}

const UTMP_RECORD = 384;
const SYSLOG_LINE = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*) \S+ \S+/;
const AUTH_PROGRAMS = /^\S+(?: \S+){2,3} (?:sshd|sudo|su|login|passwd|useradd|usermod|userdel|groupadd|chpasswd|systemd-logind|unix_chkpwd|polkitd|CRON|cron)(?:\[\d+\])?:/m;

/** The first bytes of a file (up to SNIFF_BYTES) and its size, or null when it cannot be read. */
export function readHead(file: string): { head: Buffer; size: number } {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    let got = 0;
    while (got < head.length) {
      const n = fs.readSync(fd, head, got, head.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { head: head.subarray(0, got), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** The kind of a loose file from its content and (for utmp, whose records carry no magic) its name; or null. */
export function sniff(head: Buffer, size: number, name: string): Kind | null {
  if (head.length >= 8 && head.toString("latin1", 0, 8) === "LPKSHHRH") {
    return { what: "a systemd journal file", dir: "/var/log/journal/direct", suffixes: [".journal", ".journal~"] };
  }
  if (head.length >= 4 && (head.readUInt32LE(0) === 0xfeedbeef || head.readUInt32BE(0) === 0xfeedbeef)) {
    return { what: "an atop raw log", dir: "/var/log/atop", prefix: "" };
  }
  if (head.length >= 16 && head.toString("latin1", 0, 16) === "SQLite format 3\0") {
    const text = head.toString("latin1");
    if (/CREATE TABLE\s+"?wtmp"?\s*\(/i.test(text)) return { what: "a wtmpdb database", dir: "/var/lib/wtmpdb", prefix: "wtmp", suffixes: [".db"] };
    if (/CREATE TABLE\s+"?lastlog2"?\s*\(/i.test(text)) return { what: "a lastlog2 database", dir: "/var/lib/lastlog", fixed: "lastlog2.db" };
    return null;
  }
  if (size > 0 && size % UTMP_RECORD === 0 && looksLikeUtmp(head)) {
    if (/btmp/i.test(name)) return { what: "a btmp file (utmp records)", dir: "/var/log", prefix: "btmp" };
    if (/^utmp/i.test(name)) return { what: "a utmp file", dir: "/run", prefix: "utmp" };
    return { what: "a wtmp file (utmp records)", dir: "/var/log", prefix: "wtmp" };
  }
  const text = head.toString("latin1");
  const first = text.split("\n", 1)[0] ?? "";
  if (/^type=[A-Z_]+ msg=audit\(\d+\.\d+:\d+\)/.test(first) || /^node=\S+ type=[A-Z_]+ msg=audit\(/.test(first)) {
    return { what: "an auditd log", dir: "/var/log/audit", prefix: "audit.log", rotated: true };
  }
  if (SYSLOG_LINE.test(first)) {
    if (AUTH_PROGRAMS.test(text)) return { what: "a syslog file of logins (auth.log/secure)", dir: "/var/log", prefix: "auth.log", rotated: true };
    return { what: "a syslog file", dir: "/var/log", prefix: "syslog", rotated: true };
  }
  return null;
}

/** utmp records carry no magic: the first record's ut_type must be a known type and its pid plausible. */
function looksLikeUtmp(head: Buffer): boolean {
  if (head.length < UTMP_RECORD) return false;
  for (const le of [true, false]) {
    const type = le ? head.readInt16LE(0) : head.readInt16BE(0);
    const pid = le ? head.readInt32LE(4) : head.readInt32BE(4);
    if (type >= 1 && type <= 9 && pid >= 0 && pid < 1 << 23) return true;
  }
  return false;
}
