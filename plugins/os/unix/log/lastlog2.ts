// /var/lib/lastlog/lastlog2.db: util-linux's lastlog2 (2.40+), the Y2038-safe successor of /var/log/lastlog,
// written by pam_lastlog2 and read by lastlog2(8). One SQLite table, one row per account name:
//   Lastlog2(Name TEXT PRIMARY KEY, Time INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)
// Time is epoch seconds (int64); 0 is "**Never logged in**" (a row made by `lastlog2 --import` for an account
// whose lastlog slot was empty). The row is replaced at each login (REPLACE INTO), so a login moves its account
// to the end in rowid order. The database is read as wtmpdb is: read-only, untrusted schema, one bounded scan.
import {
  absent,
  definePlugin,
  defineRecord,
  loadSqlJs,
  ok,
  openDatabase,
  parsePasswd,
  readFully,
  sqlNumber,
  sqlText,
  tableRows,
  Timestamp,
  type FunctionContext,
  type SqlJsStatic,
  type Target,
} from "quarry";

export const LastLog2Record = defineRecord("linux/log/lastlog2", {
  // null for a row that never logged in (Time 0) or whose time is no date
  ts: "datetime",
  ut_user: "string",
  // the account's uid in /etc/passwd; null when no account has the name
  uid: "varint",
  ut_line: "string",
  ut_host: "string",
  // the PAM service that logged the login (sshd, login, gdm-password, …)
  service: "string",
  filepath: "path",
});

export const LASTLOG2 = "/var/lib/lastlog/lastlog2.db";

/** The database is read whole (sql.js keeps it in memory): a row is ~60 bytes, so 1 GiB is ~17 million accounts. */
export const MAX_LASTLOG2_BYTES = 1024 ** 3;

/** Account name → uid from the target's /etc/passwd; the first line with a name wins, as with getpwnam(3). */
function uidsByName(t: Target, ctx: FunctionContext): Map<string, number> {
  const uids = new Map<string, number>();
  if (!t.fs.isFile("/etc/passwd")) return uids;
  try {
    for (const e of parsePasswd(t.fs.readText("/etc/passwd"))) if (e.uid !== null && !uids.has(e.name)) uids.set(e.name, e.uid);
  } catch (e) {
    ctx.warn({ message: `cannot read, uids unknown: ${(e as Error).message}`, file: "/etc/passwd" });
  }
  return uids;
}

function* rows(SQL: SqlJsStatic, data: Uint8Array, uids: Map<string, number>, ctx: FunctionContext) {
  const db = openDatabase(SQL, data);
  try {
    for (const r of tableRows(db, "Lastlog2", ["rowid", "Name", "Time", "TTY", "RemoteHost", "Service"], data.length)) {
      const user = sqlText(r[1]);
      const time = sqlNumber(r[2]);
      let ts: Timestamp | null = null;
      if (time !== null && time !== 0 && time !== 0n) {
        ts = typeof time === "bigint" ? (Timestamp.secondsInRange(time) ? Timestamp.fromUnix(Number(time)) : null) : Timestamp.fromUnixInRange(time);
        if (ts === null) ctx.warn({ message: `row ${String(r[0])} (${JSON.stringify(user)}): Time ${String(time)} is no date; ts null`, file: LASTLOG2 });
      } else if (time === null && r[2] !== null) {
        ctx.warn({ message: `row ${String(r[0])} (${JSON.stringify(user)}): Time is not a number; ts null`, file: LASTLOG2 });
      }
      yield LastLog2Record.create({
        ts,
        ut_user: user,
        uid: user !== null ? (uids.get(user) ?? null) : null,
        ut_line: sqlText(r[3]),
        ut_host: sqlText(r[4]),
        service: sqlText(r[5]),
        filepath: LASTLOG2,
      });
    }
  } finally {
    db.close();
  }
}

export default definePlugin({
  name: "lastlog2",
  path: "os.unix.log.lastlog2",
  description: "Latest login of each account from util-linux's lastlog2 database",
  paths: [LASTLOG2],
  checkCompatible: (t) => (t.fs.isFile(LASTLOG2) ? ok() : absent(`no ${LASTLOG2}`)),
  functions: {
    lastlog2: {
      output: "records",
      description: "One record per lastlog2 row: the account's latest login time, terminal, remote host and PAM service, with its uid from /etc/passwd",
      records: [LastLog2Record],
      async run(t, ctx) {
        let data: Buffer;
        try {
          const h = t.fs.open(LASTLOG2);
          try {
            if (h.size > MAX_LASTLOG2_BYTES) {
              ctx.error({ message: `lastlog2 database of ${h.size} bytes is larger than ${MAX_LASTLOG2_BYTES}: refused`, file: LASTLOG2 });
              return [];
            }
            data = Buffer.allocUnsafe(h.size);
            const got = readFully(h, data, 0);
            if (got < data.length) ctx.warn({ message: `file shrank while it was read: ${data.length} bytes at open, ${got} read`, file: LASTLOG2, offset: got });
            data = data.subarray(0, got);
          } finally {
            h.close();
          }
        } catch (e) {
          ctx.error({ message: `cannot read: ${(e as Error).message}`, file: LASTLOG2 });
          return [];
        }
        const SQL = await loadSqlJs();
        const uids = uidsByName(t, ctx);
        return (function* () {
          try {
            yield* rows(SQL, data, uids, ctx);
          } catch (e) {
            ctx.error({ message: `cannot read the Lastlog2 table: ${(e as Error).message}`, file: LASTLOG2 });
          }
        })();
      },
    },
  },
});
