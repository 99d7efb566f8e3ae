// wtmpdb (specs/utmp.md §6): an SQLite database, read from the target's bytes with sql.js (SQLite compiled to
// WebAssembly: no native build, never the host's files). One table:
//   wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER, Logout INTEGER, TTY TEXT,
//        RemoteHost TEXT, Service TEXT)
// Type 1 boot, 2 runlevel, 3 user (not the utmp numbers); Login/Logout in microseconds since the epoch; one row
// per session (Logout NULL while open) and one per boot (Logout = shutdown). RemoteHost is any string: an IP
// becomes ut_addr too, anything else (a kernel release, a host name) stays in ut_host only.
import { createRequire } from "node:module";
import type { SqlJsStatic, SqlValue } from "sql.js";

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

export interface WtmpdbRow {
  id: bigint;
  /** wtmpdb's own type number (1 boot, 2 runlevel, 3 user). */
  type: number | null;
  user: string | null;
  login: bigint | null;
  logout: bigint | null;
  tty: string | null;
  remoteHost: string | null;
  service: string | null;
}

type GetWithOptions = (params: null, opts: { useBigInt: boolean }) => SqlValue[];

function int(v: SqlValue | bigint | undefined): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return null;
}

function text(v: SqlValue | bigint | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("latin1");
  return String(v);
}

/**
 * The rows of a wtmpdb database in ID order (newest first when `backward`). Throws when the bytes are not an
 * SQLite database with a `wtmp` table; a row with odd values is returned as it is (never an exception).
 */
export function* wtmpdbRows(SQL: SqlJsStatic, data: Uint8Array, backward = false): Generator<WtmpdbRow> {
  const db = new SQL.Database(data);
  try {
    const stmt = db.prepare(
      `SELECT ID, Type, User, Login, Logout, TTY, RemoteHost, Service FROM wtmp ORDER BY ID ${backward ? "DESC" : "ASC"}`,
    );
    try {
      const get = stmt.get.bind(stmt) as unknown as GetWithOptions;
      while (stmt.step()) {
        const r = get(null, { useBigInt: true }) as (SqlValue | bigint)[];
        const type = int(r[1]);
        yield {
          id: int(r[0]) ?? 0n,
          type: type === null ? null : Number(type),
          user: text(r[2]),
          login: int(r[3]),
          logout: int(r[4]),
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
