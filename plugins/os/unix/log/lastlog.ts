// /var/log/lastlog: each account's latest login (time, terminal, remote host), one fixed-size slot per uid.
// The worked example of docs/writing-plugins.md: like any plugin written outside quarry, it imports only from
// the package root, "quarry".
import {
  absent,
  cString,
  definePlugin,
  defineRecord,
  ok,
  parsePasswd,
  readFully,
  Timestamp,
  type ArgSpec,
  type FileHandle,
  type FunctionContext,
  type Target,
} from "quarry";

export const LastLogRecord = defineRecord("linux/log/lastlog", {
  ts: "datetime",
  uid: "varint",
  // the name of the uid's account in /etc/passwd (dissect's ut_user); null when no account has the uid
  ut_user: "string",
  ut_line: "string",
  ut_host: "string",
  // byte offset of the slot in the file (uid × slot size)
  offset: "varint",
  filepath: "path",
});

const LASTLOG = "/var/log/lastlog";

type ByteOrder = "le" | "be";

interface Layout {
  /** Bytes per slot: the slot of uid N is at N × size. */
  size: 292 | 296;
  /** ll_time: int32 (read unsigned) or int64. ll_line (32 bytes) and ll_host (256) follow it. */
  timeSize: 4 | 8;
  order: ByteOrder;
}

// glibc <bits/utmp.h>: struct lastlog { ll_time; char ll_line[32]; char ll_host[256]; }. ll_time is int32_t
// where glibc defines __WORDSIZE_TIME64_COMPAT32 (x86_64) and on 32-bit ports: 292 bytes. It is a 64-bit time_t
// on aarch64 and loongarch64 (macro 0) and on s390x (its own header): 296 bytes. Integers are native-endian
// (s390x, sparc64 and ppc64 write big-endian); the strings are the same everywhere. login, pam_lastlog and
// shadow's lastlog seek to uid × size and write one slot, so the file is as long as the highest uid that ever
// logged in, and sparse: a uid that never logged in is a hole of zeros.
const LAYOUTS: readonly Layout[] = [
  { size: 292, timeSize: 4, order: "le" },
  { size: 292, timeSize: 4, order: "be" },
  { size: 296, timeSize: 8, order: "le" },
  { size: 296, timeSize: 8, order: "be" },
];
const LINE_SIZE = 32;
const HOST_SIZE = 256;

// Read about a megabyte at a time, a multiple of both slot sizes (292 × 296 / 4 × 48), so a chunk holds whole
// slots in either layout; a chunk of zeros (a hole) is skipped with one native compare.
const CHUNK = 21608 * 48;
const ZEROS = Buffer.alloc(CHUNK);

// Login times a layout guess takes as plausible; the largest time a 64-bit ll_time may hold to be a date.
const EARLIEST = Date.UTC(1990, 0, 1) / 1000;
const LATEST = 2 ** 31 - 1;
const MAX_TIME = BigInt(Timestamp.MAX_SECONDS); // 9999-12-31 23:59:59, what every output carries

// Slots with bytes but no usable time: warned about one by one up to this many, then counted.
const MAX_SLOT_WARNINGS = 10;

const ARGS: ArgSpec[] = [
  {
    name: "byte-order",
    type: "string",
    choices: ["auto", "le", "be"],
    default: "auto",
    help: "byte order of ll_time (auto: decided with the slot size from the first used slots)",
  },
  {
    name: "slot-size",
    type: "string",
    choices: ["auto", "292", "296"],
    default: "auto",
    help: "bytes per slot: 292 (32-bit ll_time: x86_64, i386) or 296 (64-bit ll_time: aarch64, s390x)",
  },
  {
    name: "scan-limit",
    type: "number",
    default: 65536,
    help: "MiB of the file read slot by slot (0: no limit); past it only the slots of /etc/passwd accounts are read (a directory uid such as 1234500000 makes a sparse lastlog of hundreds of GB)",
  },
];

/** uid → account name from the target's /etc/passwd; the first line with a uid wins, as with getpwuid(3). */
function accountNames(t: Target, ctx: FunctionContext): Map<number, string> {
  const names = new Map<number, string>();
  if (!t.fs.isFile("/etc/passwd")) return names;
  let text: string;
  try {
    text = t.fs.readText("/etc/passwd");
  } catch (e) {
    ctx.warn({ message: `cannot read, user names unknown: ${(e as Error).message}`, file: "/etc/passwd" });
    return names;
  }
  // Malformed lines are the users function's to report; here they just name no one.
  for (const e of parsePasswd(text)) if (e.uid !== null && !names.has(e.uid)) names.set(e.uid, e.name);
  return names;
}

/**
 * ll_time of the slot at `at` in epoch seconds, or -1 when it is not a date (a negative or huge int64).
 * A 32-bit ll_time is read unsigned: glibc 2.40 made it __uint32_t (good until 2106); no login predates 1970.
 */
function timeAt(buf: Buffer, at: number, l: Layout): number {
  if (l.timeSize === 4) return l.order === "le" ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  const t = l.order === "le" ? buf.readBigInt64LE(at) : buf.readBigInt64BE(at);
  return t >= 0n && t <= MAX_TIME ? Number(t) : -1;
}

/** A string field as writers leave it: its text, then only NULs (they zero the slot, then strncpy). */
function padded(buf: Buffer, at: number, size: number): boolean {
  const nul = buf.indexOf(0, at);
  if (nul < 0 || nul >= at + size) return true;
  return buf.compare(ZEROS, 0, at + size - nul, nul, at + size) === 0;
}

/**
 * The layout in which the used slots of buf[0, length) read best: +1 for a slot with a plausible time
 * (1990 … 2038) and NUL-padded strings, −1 for any other (a wrong size cuts slots in two and misplaces every
 * field; a wrong byte order scrambles the time). Ties go to a slot size the file size is a multiple of
 * (writers write whole slots), then to the reading whose newest login is nearer the file's mtime (each login
 * rewrites the file: this tells apart logins seconds apart, which read plausibly in both orders), then to the
 * first candidate (292 bytes, little-endian: x86). The mtime only breaks ties, so a file touched back
 * (timestomped) cannot turn its logins into another layout.
 */
function guessLayout(buf: Buffer, length: number, candidates: readonly Layout[], fileSize: number, mtime: number | null): Layout {
  let best: { l: Layout; key: number[] } | null = null;
  for (const l of candidates) {
    let score = 0;
    let latest = 0;
    for (let at = 0; at + l.size <= length; at += l.size) {
      if (buf.compare(ZEROS, 0, l.size, at, at + l.size) === 0) continue;
      const time = timeAt(buf, at, l);
      const plausible = time >= EARLIEST && time <= LATEST && padded(buf, at + l.timeSize, LINE_SIZE) && padded(buf, at + l.timeSize + LINE_SIZE, HOST_SIZE);
      score += plausible ? 1 : -1;
      if (plausible) latest = Math.max(latest, time);
    }
    const near = mtime !== null && mtime > EARLIEST && latest > 0 ? -Math.abs(mtime - latest) : -Infinity;
    const key = [score, fileSize % l.size === 0 ? 1 : 0, near];
    if (!best || greater(key, best.key)) best = { l, key };
  }
  return best!.l;
}

/** Lexicographic a > b. */
function greater(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

export default definePlugin({
  name: "lastlog",
  path: "os.unix.log.lastlog",
  description: "Latest login of each account from /var/log/lastlog",
  paths: [LASTLOG],
  checkCompatible: (t) => (t.fs.isFile(LASTLOG) ? ok() : absent("no /var/log/lastlog")),
  functions: {
    lastlog: {
      output: "records",
      description: "One record per used lastlog slot: the uid's latest login time, terminal and remote host, with its account name from /etc/passwd",
      records: [LastLogRecord],
      args: ARGS,
      *run(t, ctx) {
        const names = accountNames(t, ctx);
        let h: FileHandle;
        let mtime: number | null = null;
        try {
          mtime = t.fs.stat(LASTLOG).mtime?.seconds ?? null;
          h = t.fs.open(LASTLOG);
        } catch (e) {
          ctx.error({ message: `cannot read: ${(e as Error).message}`, file: LASTLOG });
          return;
        }
        const size = h.size;
        const order = ctx.args["byte-order"] ?? "auto";
        const slotSize = ctx.args["slot-size"] ?? "auto";
        const candidates = LAYOUTS.filter((l) => (order === "auto" || l.order === order) && (slotSize === "auto" || String(l.size) === slotSize));
        // Decided on the first chunk with used slots; a file without any by its size alone.
        let layout: Layout | null = candidates.length === 1 ? candidates[0]! : null;
        let odd = 0;
        const buf = Buffer.allocUnsafe(CHUNK);

        // The records of the used slots in buf[0, length), read from `position`.
        function* decode(l: Layout, length: number, position: number) {
          for (let at = 0; at + l.size <= length; at += l.size) {
            // All zeros: a uid that never logged in (a hole), or a slot cleared by `lastlog -C`. Not a login.
            if (buf.compare(ZEROS, 0, l.size, at, at + l.size) === 0) continue;
            const offset = position + at;
            const uid = offset / l.size;
            const time = timeAt(buf, at, l);
            // No time (0), or a 64-bit one that is no date, but other bytes: no login program writes that (a
            // wiped time, damage). The line and host are evidence, so the slot is kept, with ts null.
            if (time <= 0 && ++odd <= MAX_SLOT_WARNINGS) {
              ctx.warn({ message: `slot of uid ${uid} has ${time === 0 ? "no login time" : "a time that is no date"} but is not empty (kept, ts null)`, file: LASTLOG, offset });
            }
            yield LastLogRecord.create({
              ts: time > 0 ? Timestamp.fromUnix(time) : null,
              uid,
              ut_user: names.get(uid) ?? null,
              ut_line: cString(buf, at + l.timeSize, LINE_SIZE),
              ut_host: cString(buf, at + l.timeSize + LINE_SIZE, HOST_SIZE),
              offset,
              filepath: LASTLOG,
            });
          }
        }

        try {
          const limitMiB = Number(ctx.args["scan-limit"] ?? 0);
          const scanEnd = limitMiB > 0 ? Math.min(size, Math.max(1, Math.floor((limitMiB * 2 ** 20) / CHUNK)) * CHUNK) : size;
          for (let pos = 0; pos < scanEnd; pos += CHUNK) {
            const want = Math.min(CHUNK, scanEnd - pos);
            const got = readFully(h, buf, pos, want);
            if (buf.compare(ZEROS, 0, got, 0, got) !== 0) {
              layout ??= guessLayout(buf, got, candidates, size, mtime);
              yield* decode(layout, got, pos);
            }
            if (got < want) {
              ctx.warn({ message: `short read: data ends at byte ${pos + got} of ${size}`, file: LASTLOG, offset: pos + got });
              return;
            }
          }
          layout ??= candidates.find((l) => size % l.size === 0) ?? candidates[0]!;
          const whole = size - (size % layout.size);
          if (scanEnd < size) {
            // A huge sparse file: past the limit, the slots of the accounts /etc/passwd knows, by ascending uid.
            const S = layout.size;
            const uids = [...names.keys()].filter((uid) => uid * S >= scanEnd && (uid + 1) * S <= whole).sort((a, b) => a - b);
            for (const uid of uids) {
              if (readFully(h, buf, uid * S, S) === S) yield* decode(layout, S, uid * S);
            }
            ctx.warn({
              message: `${size}-byte lastlog: past byte ${scanEnd} only the slots of the ${uids.length} /etc/passwd accounts there were read (--scan-limit 0 reads all)`,
              file: LASTLOG,
              offset: scanEnd,
            });
          }
          if (odd > MAX_SLOT_WARNINGS) {
            ctx.warn({ message: `${odd - MAX_SLOT_WARNINGS} more slots with no usable time but not empty`, file: LASTLOG });
          }
          // A partial slot at the end (a copy cut short, a write cut off): the complete slots before it were read.
          if (whole < size) {
            ctx.warn({ message: `truncated: the last ${size - whole} bytes are not a whole ${layout.size}-byte slot; not decoded`, file: LASTLOG, offset: whole });
          }
        } finally {
          h.close();
        }
      },
    },
  },
});
