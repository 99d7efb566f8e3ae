// Hostile wtmpdb databases, built at test time with sql.js: what a SELECT on `wtmp` may cost when the database
// is evidence. Each builder returns the bytes of a database file.
import { loadSqlJs } from "../../plugins/os/unix/log/utmp/wtmpdb.js";

const TABLE = `CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER,
  Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)`;
const COLUMNS = "ID, Type, User, Login, Logout, TTY, RemoteHost, Service";
/** A view whose rows never end: a recursive CTE without a limit. */
const ENDLESS = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
  SELECT x AS ID, 3 AS Type, 'u' || x AS User, 1756713600000000 + x AS Login, NULL AS Logout, 'pts/0' AS TTY,
  NULL AS RemoteHost, 'sshd' AS Service FROM c`;

async function build(statements: string[]): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    for (const s of statements) db.run(s);
    return db.export();
  } finally {
    db.close();
  }
}

export type HostileDb = "recursive-view" | "view" | "virtual-table" | "schema-says-table" | "generated-column" | "dag";

export async function hostileDb(kind: HostileDb): Promise<Uint8Array> {
  switch (kind) {
    case "recursive-view":
      return build([`CREATE VIEW wtmp AS ${ENDLESS}`]);
    case "view":
      return build([`CREATE TABLE t(${COLUMNS})`, `CREATE VIEW wtmp AS SELECT ${COLUMNS} FROM t`]);
    case "virtual-table":
      return build([`CREATE VIRTUAL TABLE wtmp USING fts4(${COLUMNS})`, "INSERT INTO wtmp (User) VALUES ('x')"]);
    case "schema-says-table":
      // writable_schema: sqlite_master says 'table', its text says view — and SQLite builds what the text says
      return build([
        "PRAGMA writable_schema = ON",
        `INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'wtmp', 'wtmp', 0, 'CREATE VIEW wtmp AS ${ENDLESS.replace(/'/g, "''")}')`,
      ]);
    case "generated-column": {
      // every row computes a 200 MB string (hex of a 100 MB blob) before its Login can be read; written with a
      // cheap expression, then the schema's text is changed (a VIRTUAL column is not stored: the file stays valid)
      const cheap = "CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER GENERATED ALWAYS AS (1) VIRTUAL, Logout INTEGER, TTY TEXT, RemoteHost TEXT, Service TEXT)";
      const costly = cheap.replace("AS (1)", "AS (length(hex(zeroblob(100000000))))");
      return build([
        cheap,
        ...Array.from({ length: 200 }, (_, i) => `INSERT INTO wtmp (Type, User, TTY) VALUES (3, 'u${i}', 'pts/${i}')`),
        "PRAGMA writable_schema = ON",
        `UPDATE sqlite_master SET sql = '${costly}' WHERE name = 'wtmp'`,
      ]);
    }
    case "dag":
      return dagDb();
  }
}

/**
 * A table b-tree whose interior pages all point at the next level's one page: a 20 KB file whose table claims
 * 601³ × 3 ≈ 650 million rows (every path from the root reaches the same leaf).
 */
async function dagDb(depth = 4, cells = 600): Promise<Uint8Array> {
  const PS = 4096;
  const base = await build([
    `PRAGMA page_size = ${PS}`,
    TABLE,
    ...[0, 1, 2].map((i) => `INSERT INTO wtmp (Type, User, Login, TTY) VALUES (3, 'u', ${1756713600000000 + i}, 'pts/0')`),
  ]);
  if (base.length !== 2 * PS) throw new Error(`unexpected base database of ${base.length} bytes`);
  const pages: Buffer[] = [Buffer.from(base.subarray(0, PS))];
  for (let level = 0; level < depth - 1; level++) {
    const child = 3 + level; // the table's root stays page 2; each level points at the next page
    const p = Buffer.alloc(PS);
    p[0] = 0x05; // interior table page
    p.writeUInt16BE(cells, 3);
    p.writeUInt32BE(child, 8); // right-most child
    let content = PS;
    for (let i = 0; i < cells; i++) {
      content -= 5;
      p.writeUInt32BE(child, content);
      p[content + 4] = 100; // the key (a one-byte varint)
      p.writeUInt16BE(content, 12 + 2 * i);
    }
    p.writeUInt16BE(content, 5);
    pages.push(p);
  }
  pages.push(Buffer.from(base.subarray(PS, 2 * PS))); // the leaf
  const out = Buffer.concat(pages);
  out.writeUInt32BE(pages.length, 28); // database size in pages
  return out;
}

/** Rows with Login / Logout values no datetime can carry, between sound ones. */
export async function outOfRangeDb(): Promise<Uint8Array> {
  return build([
    TABLE,
    "INSERT INTO wtmp (Type, User, Login, Logout, TTY, Service) VALUES (1, 'reboot', 1756713600000000, 1756749600500000, '~', NULL)",
    "INSERT INTO wtmp (Type, User, Login, Logout, TTY, Service) VALUES (3, 'ok', 1756713600123456, 1756717200000000, 'pts/0', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'real1e300', 1e300, 'pts/1', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'max', 9223372036854775807, 'pts/2', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'min', -9223372036854775808, 'pts/3', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'y10000', 253402300800000000, 'pts/4', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, Logout, TTY, Service) VALUES (3, 'badlogout', 1756720000000000, -1e18, 'pts/5', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'inf', 9e999, 'pts/6', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'nan', 'NaN', 'pts/7', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'y1', -62135596800000000, 'pts/8', 'sshd')",
    "INSERT INTO wtmp (Type, User, Login, TTY, Service) VALUES (3, 'y9999', 253402300799999999, 'pts/9', 'sshd')",
  ]);
}
