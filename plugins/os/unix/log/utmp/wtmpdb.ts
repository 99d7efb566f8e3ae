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
import { createRequire } from "node:module";
import type { Database, SqlJsStatic, SqlValue } from "sql.js";

let sqlJs: Promise<SqlJsStatic> | null = null;

/** sql.js, initialised once per process (its WASM binary comes from the package, not the network). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!sqlJs) {
    const require = createRequire(import.meta.url);
    const init = require("sql.js") as (config?: { locateFile?: (f: string) => string }) => Promise<SqlJsStatic>;
    const wasm = require.resolve("sql.js/dist/sql-wasm.wasm");
    sqlJs = init({ locateFile: () => wasm });
  }
  return sqlJs;
}

export const WTMPDB_TYPES: Record<number, string> = { 0: "EMPTY", 1: "BOOT_TIME", 2: "RUN_LVL", 3: "USER_PROCESS" };

/** Every row costs at least this many bytes of its file (cell pointer, sizes, rowid, record header). */
const MIN_ROW_BYTES = 4;

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

type GetWithOptions = (params: null, opts: { useBigInt: boolean }) => SqlValue[];

function num(v: SqlValue | bigint | undefined): bigint | number | null {
  if (typeof v === "bigint" || typeof v === "number") return v;
  return null;
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

function text(v: SqlValue | bigint | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("latin1");
  return String(v);
}

/** A plain `CREATE TABLE wtmp (…)`, as SQLite stores it; anything else in sqlite_master's text is refused. */
const PLAIN_TABLE = /^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"wtmp"|`wtmp`|\[wtmp\]|'wtmp'|wtmp)\s*\(/i;

/**
 * Throws unless `wtmp` is a real table whose scan costs what its file holds: not a view (its SELECT may never
 * end), not a virtual table (a module's code, not the file), no generated columns (an expression per row, e.g.
 * zeroblob(1e9)). The schema's own text is checked too: with writable_schema a row of type 'table' can hold the
 * text of a view, and SQLite builds what the text says.
 */
function checkTable(db: Database): void {
  const found = db.exec("SELECT type, sql FROM sqlite_master WHERE lower(name) = 'wtmp'")[0]?.values ?? [];
  if (found.length === 0) throw new Error("no wtmp table");
  for (const [type, sql] of found) {
    const def = typeof sql === "string" ? sql : "";
    if (type === "view" || /^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\b/i.test(def)) throw new Error("wtmp is a view, not a table: refused");
    if (/^\s*CREATE\s+VIRTUAL\s+TABLE\b/i.test(def)) throw new Error("wtmp is a virtual table, not a table: refused");
    if (type !== "table") throw new Error(`wtmp is a ${String(type)}, not a table: refused`);
    if (!PLAIN_TABLE.test(def)) throw new Error("wtmp's schema is not a plain CREATE TABLE: refused");
  }
  const cols = db.exec("SELECT name, hidden FROM pragma_table_xinfo('wtmp')")[0]?.values ?? [];
  const generated = cols.filter((c) => c[1] === 2 || c[1] === 3).map((c) => String(c[0]));
  if (generated.length) throw new Error(`wtmp has generated columns (${generated.join(", ")}): refused`);
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
  const db = new SQL.Database(data);
  try {
    // Defence in depth: schema objects may not call functions with side effects; nothing is written.
    db.exec("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;");
    checkTable(db);
    const maxRows = Math.max(1, Math.floor(data.length / MIN_ROW_BYTES));
    const stmt = db.prepare(
      `SELECT ID, Type, User, Login, Logout, TTY, RemoteHost, Service FROM wtmp ORDER BY rowid ${opts.backward ? "DESC" : "ASC"}`,
    );
    try {
      const get = stmt.get.bind(stmt) as unknown as GetWithOptions;
      let rows = 0;
      while (stmt.step()) {
        if (++rows > maxRows) throw new Error(`more than ${maxRows} rows in a ${data.length}-byte file (a corrupt b-tree): stopped`);
        const r = get(null, { useBigInt: true }) as (SqlValue | bigint)[];
        const id = num(r[0]);
        const type = num(r[1]);
        yield {
          id: typeof id === "bigint" ? id : 0n,
          type: smallInt(type),
          user: text(r[2]),
          login: time(r[3]),
          logout: time(r[4]),
          tty: text(r[5]),
          remoteHost: text(r[6]),
          service: text(r[7]),
        };
      }
    } finally {
      stmt.free();
    }
  } finally {
    db.close();
  }
}
