// wtmpdb (specs/utmp.md §6): an SQLite database, read from the target's bytes with sql.js (SQLite compiled to
// WebAssembly: no native build, never the host's files). One table:
//   wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER, Logout INTEGER, TTY TEXT,
//        RemoteHost TEXT, Service TEXT)
// Type 1 boot, 2 runlevel, 3 user (not the utmp numbers); Login/Logout in microseconds since the epoch; one row
// per session (Logout NULL while open) and one per boot (Logout = shutdown). RemoteHost is any string: an IP
// becomes ut_addr too, anything else (a kernel release, a host name) stays in ut_host only.
//
// The database is evidence, so every query is bounded (docs/utmp.md, "wtmpdb"): only a real table is read (a
// view — a recursive one never ends —, a virtual table or generated columns are refused before any row is
// asked for); the one query is a scan in rowid order with no WHERE, ORDER BY on other columns or joins, so each
// step returns one row instead of sorting or filtering inside SQLite; and a table that yields more rows than its
// file could hold (a corrupt b-tree) is stopped.
import { loadSqlJs, openDatabase, sqlNumber as num, sqlText as text, tableRows, type SqlJsStatic, type SqlValue } from "quarry";

export { loadSqlJs };

export const WTMPDB_TYPES: Record<number, string> = { 0: "EMPTY", 1: "BOOT_TIME", 2: "RUN_LVL", 3: "USER_PROCESS" };

export interface WtmpdbRow {
  id: bigint;
  /** wtmpdb's own type number (1 boot, 2 runlevel, 3 user). */
  type: number | null;
  user: string | null;
  /** Microseconds as stored: an integer (bigint), a REAL (number, maybe 1e300), text that is no number, or null. */
  login: bigint | number | string | null;
  logout: bigint | number | string | null;
  tty: string | null;
  remoteHost: string | null;
  service: string | null;
}

/** A time column: a number as stored, or the text of a value that is no number (for the warning), or null. */
function time(v: SqlValue | bigint | undefined): bigint | number | string | null {
  const n = num(v);
  if (n !== null || v === null || v === undefined) return n;
  return (text(v) ?? "").slice(0, 40);
}

/** A type number as a JS number when it is an exact integer of sensible size, else null (shown as UNKNOWN). */
function smallInt(v: bigint | number | null): number | null {
  if (typeof v === "bigint") return v >= -(2n ** 31n) && v < 2n ** 31n ? Number(v) : null;
  return typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? v : null;
}

export interface WtmpdbReadOptions {
  /** Newest appended first (rowid descending). */
  backward?: boolean;
}

/**
 * The rows of a wtmpdb database in ID (rowid) order, newest first when `backward`. Throws when the bytes are not
 * an SQLite database with a plain `wtmp` table, or when the table yields more rows than its file can hold; a row
 * with odd values is returned as it is (never an exception).
 */
export function* wtmpdbRows(SQL: SqlJsStatic, data: Uint8Array, opts: WtmpdbReadOptions = {}): Generator<WtmpdbRow> {
  const db = openDatabase(SQL, data);
  try {
    const columns = ["ID", "Type", "User", "Login", "Logout", "TTY", "RemoteHost", "Service"];
    for (const r of tableRows(db, "wtmp", columns, data.length, opts.backward)) {
      const id = num(r[0]);
      yield {
        id: typeof id === "bigint" ? id : 0n,
        type: smallInt(num(r[1])),
        user: text(r[2]),
        login: time(r[3]),
        logout: time(r[4]),
        tty: text(r[5]),
        remoteHost: text(r[6]),
        service: text(r[7]),
      };
    }
  } finally {
    db.close();
  }
}
