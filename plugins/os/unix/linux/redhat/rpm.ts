// rpm's package database. RHEL 9, Fedora 33+ and openSUSE's newer releases keep it in SQLite, rpmdb.sqlite
// (lib/backend/sqlite.c): table Packages(hnum INTEGER PRIMARY KEY, blob BLOB), one header blob (header.ts) per
// installed package; the other tables are indexes of it. It is read as the other SQLite artefacts are: whole,
// read-only, untrusted schema, one bounded scan. Older RHEL (≤ 8) keep the same blobs in a Berkeley DB hash
// file, Packages (key: the header number, native-endian uint32; key 0 holds rpm's next number), read page by
// page by bdb.ts. SUSE's ndb Packages.db is not read (a warning names the file), nor is a -wal file's content
// (SQLite's write-ahead log: transactions not yet checkpointed into the database).
import { absent, definePlugin, loadSqlJs, ok, openDatabase, readFully, tableRows, Timestamp, type FunctionContext, type Target } from "quarry";
import { PackageRecord } from "../../packages/records.js";
import { bdbHashPairs, BdbError, isBdbHash } from "./bdb.js";
import { decodeHeader, HeaderError, TAG, type HeaderValue } from "./header.js";

export const RPMDB_SQLITE = ["/var/lib/rpm/rpmdb.sqlite", "/usr/lib/sysimage/rpm/rpmdb.sqlite"];
export const RPMDB_BDB = "/var/lib/rpm/Packages";
const UNREAD: [string, string][] = [
  ["/var/lib/rpm/Packages.db", "an ndb rpm database (SUSE)"],
  ["/usr/lib/sysimage/rpm/Packages.db", "an ndb rpm database (SUSE)"],
];
/** A few thousand packages make 100–300 MiB; sql.js holds the file in memory. */
export const MAX_RPMDB_BYTES = 1024 ** 3;
const MAX_ROW_WARNINGS = 50;

export function rpmDatabases(t: Target): { sqlite: string[]; bdb: string[]; unread: [string, string][] } {
  const seen = new Set<string>();
  const sqlite: string[] = [];
  for (const p of RPMDB_SQLITE) {
    if (!t.fs.isFile(p)) continue;
    const real = t.fs.realpath(p);
    if (!seen.has(real)) sqlite.push(p);
    seen.add(real);
  }
  const bdb = t.fs.isFile(RPMDB_BDB) && !seen.has(t.fs.realpath(RPMDB_BDB)) ? [RPMDB_BDB] : [];
  const unread = UNREAD.filter(([p]) => t.fs.isFile(p) && !seen.has(t.fs.realpath(p)));
  return { sqlite, bdb, unread };
}

function readWhole(t: Target, path: string, ctx: FunctionContext): Buffer | null {
  try {
    const h = t.fs.open(path);
    try {
      if (h.size > MAX_RPMDB_BYTES) {
        ctx.error({ message: `rpm database of ${h.size} bytes is larger than ${MAX_RPMDB_BYTES}: refused`, file: path });
        return null;
      }
      const data = Buffer.allocUnsafe(h.size);
      const got = readFully(h, data, 0);
      return data.subarray(0, got);
    } finally {
      h.close();
    }
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: path });
    return null;
  }
}

const str = (v: HeaderValue | undefined): string | null => (typeof v === "string" ? v : null);
const num = (v: HeaderValue | undefined): number | null => (typeof v === "number" ? v : null);

function recordOf(v: Map<number, HeaderValue>, path: string) {
  const installed = num(v.get(TAG.INSTALLTIME));
  const size = v.get(TAG.LONGSIZE) ?? v.get(TAG.SIZE);
  return PackageRecord.create({
    ts: installed === null ? null : Timestamp.fromUnixInRange(installed),
    ts_source: installed === null ? null : "INSTALLTIME",
    package_manager: "rpm",
    package_name: str(v.get(TAG.NAME)),
    package_version: str(v.get(TAG.VERSION)),
    package_release: str(v.get(TAG.RELEASE)),
    package_epoch: num(v.get(TAG.EPOCH)),
    package_arch: str(v.get(TAG.ARCH)),
    package_status: null,
    package_vendor: str(v.get(TAG.VENDOR)),
    package_source: str(v.get(TAG.SOURCERPM)),
    package_summary: str(v.get(TAG.SUMMARY)),
    package_size: typeof size === "number" || typeof size === "bigint" ? size : null,
    filepath: path,
  });
}

/** The headers of a Berkeley DB Packages, in page order. */
function* bdbPackages(path: string, data: Buffer, ctx: FunctionContext) {
  let bad = 0;
  const warn = (message: string, offset?: number): void => {
    if (++bad <= MAX_ROW_WARNINGS) ctx.warn({ message, file: path, offset });
  };
  if (!isBdbHash(data)) {
    ctx.warn({ message: "not a Berkeley DB hash file (an ndb or other rpm database?): not read", file: path });
    return;
  }
  try {
    for (const { key, value, page } of bdbHashPairs(data, warn, 0x0fffffff + 8 + 0xffff * 16)) {
      if (key.length !== 4) {
        warn(`page ${page}: a key of ${key.length} bytes, not a 4-byte header number; skipped`);
        continue;
      }
      const le = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(12, true) === 0x061561;
      const hnum = new DataView(key.buffer, key.byteOffset, 4).getUint32(0, le);
      if (hnum === 0) continue; // rpm's own record: the next header number
      let h;
      try {
        h = decodeHeader(value);
      } catch (e) {
        warn(`header ${hnum} (page ${page}): ${e instanceof HeaderError ? `header byte ${e.offset}: ` : ""}${(e as Error).message}; skipped`);
        continue;
      }
      for (const p of h.problems) warn(`header ${hnum}: header byte ${p.offset}: ${p.message}`);
      yield recordOf(h.values, path);
    }
  } catch (e) {
    if (e instanceof BdbError) ctx.error({ message: `${e.message}`, file: path, offset: e.offset });
    else throw e;
  }
  if (bad > MAX_ROW_WARNINGS) ctx.warn({ message: `${bad - MAX_ROW_WARNINGS} more damaged items (not reported one by one)`, file: path });
}

export async function rpmPackages(t: Target, ctx: FunctionContext): Promise<Iterable<ReturnType<typeof PackageRecord.create>>> {
  const { sqlite, bdb, unread } = rpmDatabases(t);
  for (const [p, what] of unread) ctx.warn({ message: `${what}: not read by quarry (rpmdb.sqlite and Berkeley DB Packages are); query it with rpm --dbpath on a copy`, file: p });
  const bdbData: [string, Buffer][] = [];
  for (const p of bdb) {
    const data = readWhole(t, p, ctx);
    if (data) bdbData.push([p, data]);
  }
  const dbs: [string, Buffer][] = [];
  for (const p of sqlite) {
    const data = readWhole(t, p, ctx);
    if (data) dbs.push([p, data]);
    const wal = `${p}-wal`;
    if (t.fs.isFile(wal) && t.fs.stat(wal).size > 0) ctx.warn({ message: `a write-ahead log of ${t.fs.stat(wal).size} bytes: transactions in it (not yet checkpointed) are not read`, file: wal });
  }
  if (dbs.length === 0) return (function* () {
    for (const [p, data] of bdbData) yield* bdbPackages(p, data, ctx);
  })();
  const SQL = await loadSqlJs();
  return (function* () {
    for (const [p, data] of bdbData) yield* bdbPackages(p, data, ctx);
    for (const [path, data] of dbs) {
      let db;
      try {
        db = openDatabase(SQL, data);
      } catch (e) {
        ctx.error({ message: `cannot open: ${(e as Error).message}`, file: path });
        continue;
      }
      let bad = 0;
      const warn = (message: string): void => {
        if (++bad <= MAX_ROW_WARNINGS) ctx.warn({ message, file: path });
      };
      try {
        for (const row of tableRows(db, "Packages", ["hnum", "blob"], data.length)) {
          const [hnum, blob] = row;
          if (!(blob instanceof Uint8Array)) {
            warn(`Packages row ${String(hnum)}: blob is not a BLOB; skipped`);
            continue;
          }
          let h;
          try {
            h = decodeHeader(blob);
          } catch (e) {
            warn(`Packages row ${String(hnum)}: ${e instanceof HeaderError ? `header byte ${e.offset}: ` : ""}${(e as Error).message}; skipped`);
            continue;
          }
          for (const p of h.problems) warn(`Packages row ${String(hnum)}: header byte ${p.offset}: ${p.message}`);
          yield recordOf(h.values, path);
        }
      } catch (e) {
        ctx.error({ message: `cannot read the Packages table: ${(e as Error).message}`, file: path });
      } finally {
        db.close();
      }
      if (bad > MAX_ROW_WARNINGS) ctx.warn({ message: `${bad - MAX_ROW_WARNINGS} more damaged rows (not reported one by one)`, file: path });
    }
  })();
}

export default definePlugin({
  name: "rpm",
  path: "os.unix.linux.redhat.rpm",
  namespace: "rpm",
  description: "rpm's package database (rpmdb.sqlite of RHEL 9 / Fedora, the Berkeley DB Packages of older RHEL; SUSE's ndb is named, not read)",
  paths: [...RPMDB_SQLITE, RPMDB_BDB, ...UNREAD.map(([p]) => p)],
  checkCompatible(t) {
    const { sqlite, bdb, unread } = rpmDatabases(t);
    return sqlite.length + bdb.length + unread.length > 0 ? ok() : absent("no rpm database (/var/lib/rpm/rpmdb.sqlite, /usr/lib/sysimage/rpm/rpmdb.sqlite, /var/lib/rpm/Packages)");
  },
  functions: {
    "rpm.packages": {
      output: "records",
      description: "One record per package header (rpmdb.sqlite's Packages table, or the Berkeley DB Packages file): name, epoch, version, release, arch, install time, size, vendor, summary, source rpm",
      records: [PackageRecord],
      run: (t, ctx) => rpmPackages(t, ctx),
    },
  },
});
