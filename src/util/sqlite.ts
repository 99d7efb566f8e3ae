// SQLite artefacts (wtmpdb, lastlog2, …) read from the target's bytes with sql.js (SQLite compiled to
// WebAssembly): the database is opened read-only in memory, its schema is never trusted, and the table read must
// be a plain table whose scan costs what its file holds.
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

export type { Database, SqlJsStatic, SqlValue };

/** Every row costs at least this many bytes of its file (cell pointer, sizes, rowid, record header). */
const MIN_ROW_BYTES = 4;

/** The most rows a table of a `bytes`-long file can hold: past it the b-tree is corrupt (pages that loop). */
export function maxRowsOf(bytes: number): number {
  return Math.max(1, Math.floor(bytes / MIN_ROW_BYTES));
}

/** The database in `data`, opened so that nothing it holds runs with side effects and nothing is written. */
export function openDatabase(SQL: SqlJsStatic, data: Uint8Array): Database {
  const db = new SQL.Database(data);
  try {
    db.exec("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;");
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Throws unless `table` is a real table whose scan costs what its file holds: not a view (its SELECT may never
 * end), not a virtual table (a module's code, not the file), no generated columns (an expression per row, e.g.
 * zeroblob(1e9)). The schema's own text is checked too: with writable_schema a row of type 'table' can hold the
 * text of a view, and SQLite builds what the text says.
 */
export function checkPlainTable(db: Database, table: string): void {
  if (!/^\w+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const plain = new RegExp(`^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:"${table}"|\`${table}\`|\\[${table}\\]|'${table}'|${table})\\s*\\(`, "i");
  const stmt = db.prepare("SELECT type, sql FROM sqlite_master WHERE lower(name) = lower(?)");
  const found: SqlValue[][] = [];
  try {
    stmt.bind([table]);
    while (stmt.step()) found.push(stmt.get());
  } finally {
    stmt.free();
  }
  if (found.length === 0) throw new Error(`no ${table} table`);
  for (const [type, sql] of found) {
    const def = typeof sql === "string" ? sql : "";
    if (type === "view" || /^\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\b/i.test(def)) throw new Error(`${table} is a view, not a table: refused`);
    if (/^\s*CREATE\s+VIRTUAL\s+TABLE\b/i.test(def)) throw new Error(`${table} is a virtual table, not a table: refused`);
    if (type !== "table") throw new Error(`${table} is a ${String(type)}, not a table: refused`);
    if (!plain.test(def)) throw new Error(`${table}'s schema is not a plain CREATE TABLE: refused`);
  }
  const cols = db.exec(`SELECT name, hidden FROM pragma_table_xinfo('${table}')`)[0]?.values ?? [];
  const generated = cols.filter((c) => c[1] === 2 || c[1] === 3).map((c) => String(c[0]));
  if (generated.length) throw new Error(`${table} has generated columns (${generated.join(", ")}): refused`);
}

type GetWithOptions = (params: null, opts: { useBigInt: boolean }) => (SqlValue | bigint)[];

/**
 * The rows of `SELECT columns FROM table ORDER BY rowid` (descending when `backward`), integers as bigint, after
 * checkPlainTable; throws when the table yields more rows than a file of `bytes` can hold.
 */
export function* tableRows(db: Database, table: string, columns: readonly string[], bytes: number, backward = false): Generator<(SqlValue | bigint)[]> {
  checkPlainTable(db, table);
  for (const c of columns) if (!/^\w+$/.test(c)) throw new Error(`not a column name: ${c}`);
  const maxRows = maxRowsOf(bytes);
  const stmt = db.prepare(`SELECT ${columns.join(", ")} FROM ${table} ORDER BY rowid ${backward ? "DESC" : "ASC"}`);
  try {
    const get = stmt.get.bind(stmt) as unknown as GetWithOptions;
    let rows = 0;
    while (stmt.step()) {
      if (++rows > maxRows) throw new Error(`more than ${maxRows} rows in a ${bytes}-byte file (a corrupt b-tree): stopped`);
      yield get(null, { useBigInt: true });
    }
  } finally {
    stmt.free();
  }
}

/** A column's integer as stored (bigint or REAL), else null. */
export function sqlNumber(v: SqlValue | bigint | undefined): bigint | number | null {
  return typeof v === "bigint" || typeof v === "number" ? v : null;
}

/** A text column: its text; a BLOB's bytes as latin1 (one char per byte); a number's digits; NULL → null. */
export function sqlText(v: SqlValue | bigint | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("latin1");
  return String(v);
}
