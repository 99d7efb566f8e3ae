// One login entry, whatever file it came from (a utmp-format record or a wtmpdb row), and how the files of a
// target are found, ordered, opened and read, forwards (file order) or backwards (newest appended first).
// Damage is reported through the function's context: every issue names the file and the byte offset.
import { canonicalIp, type Issue, readFully, type RootFilesystem, Timestamp } from "quarry";
import { utmpAddress } from "./address.js";
import { detectLayout } from "./detect.js";
import { BOOT_TIME, decodeRaw, EMPTY, isBad, RUN_LVL, typeName, USER_PROCESS, type ByteOrder, type Layout } from "./layout.js";
import { inflateBudget, type InflateBudget } from "./inflate.js";
import { ChunkReader, openSource, type ByteSource } from "./source.js";
import { offsetsBackward, segmentsOf, walkForward, type Damage } from "./walk.js";
import { loadSqlJs, WTMPDB_TYPES, wtmpdbRows, type WtmpdbRow } from "./wtmpdb.js";
import type { SqlJsStatic } from "sql.js";

export interface LoginEntry {
  /** utmp ut_type (wtmpdb types mapped onto it; an unknown wtmpdb type is -1). */
  type: number;
  typeName: string;
  user: string | null;
  pid: number | null;
  line: string | null;
  id: string | null;
  host: string | null;
  addr: string | null;
  session: number | bigint | null;
  exitTermination: number | null;
  exitStatus: number | null;
  ts: Timestamp | null;
  tsLogout: Timestamp | null;
  service: string | null;
  /** Byte offset of a utmp record; null for a wtmpdb row. */
  offset: number | null;
  file: string;
  /** An implausible record: emitted by the record functions, skipped by the analysis. */
  implausible: boolean;
  /** The wtmpdb row ID (null for utmp records). */
  rowId: bigint | null;
}

export interface Reporter {
  warn(issue: Issue): void;
  error(issue: Issue): void;
}

export type ByteOrderArg = "auto" | "le" | "be";

export interface ReadOptions {
  byteOrder?: ByteOrderArg;
}

/** Per-record warnings kept per file; the rest are counted in the file's summary. */
const MAX_RECORD_WARNINGS = 50;
/**
 * A wtmpdb is read whole (sql.js holds the database in memory): past this size it is refused. A row takes ~100
 * bytes, so this is ~10 million logins; wtmpdb rotates old rows out (wtmpdb rotate). QUARRY_WTMPDB_MAX_BYTES.
 */
export const DEFAULT_MAX_WTMPDB_BYTES = 1024 ** 3;

function maxWtmpdbBytes(): number {
  const raw = process.env.QUARRY_WTMPDB_MAX_BYTES;
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= 0 ? v : DEFAULT_MAX_WTMPDB_BYTES;
}

// ---- which files ----

const SIDE_FILES = /-(journal|wal|shm)$/;

/**
 * Regular files matching the globs, each real file once (a file reached through /var/run → ../run, or a
 * wtmp.db symlinked from /var/lib/wtmpdb, is read once), by its real path, oldest rotation first:
 * wtmp.3.gz, wtmp.2, wtmp.1, wtmp-20240301, wtmp.
 */
export function findFiles(fs: RootFilesystem, patterns: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pattern of patterns) {
    for (const p of fs.glob(pattern)) {
      if (SIDE_FILES.test(p) || !fs.isFile(p)) continue;
      let real: string;
      try {
        real = fs.realpath(p);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(real);
    }
  }
  return out.sort(byRotation);
}

/** Rotation age: larger is older. "wtmp" 0; "wtmp-20240301" by date (older than the live file); "wtmp.2.gz" 2. */
function rotationKey(path: string): [number, string] {
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/\.(gz|xz|bz2|zst)$/, "");
  const num = /\.(\d+)$/.exec(base);
  if (num) return [1e9 + Number(num[1]), base.slice(0, num.index)];
  const dated = /[-_.](\d{8})(\.db)?$/.exec(base);
  if (dated) return [1e9 - Number(dated[1]) / 1e9, base.slice(0, dated.index)];
  return [0, base];
}

function byRotation(a: string, b: string): number {
  const [ka, na] = rotationKey(a);
  const [kb, nb] = rotationKey(b);
  if (na !== nb) return a < b ? -1 : 1;
  return kb - ka || (a < b ? -1 : a > b ? 1 : 0);
}

// ---- opened files ----

export type OpenedFile =
  | { kind: "utmp"; path: string; reader: ChunkReader; source: ByteSource; layout: Layout; order: ByteOrder }
  | { kind: "wtmpdb"; path: string; data: Uint8Array };

/** Open and identify one file; reports and returns null when it cannot be read as either format. */
export async function openLoginFile(fs: RootFilesystem, path: string, opts: ReadOptions, rep: Reporter, budget: InflateBudget = inflateBudget()): Promise<OpenedFile | null> {
  let src;
  try {
    src = await openSource(fs, path, budget);
  } catch (e) {
    rep.error({ message: `cannot read: ${(e as Error).message}`, file: path });
    return null;
  }
  if (src.shrunk) rep.warn({ message: `file shrank while it was read: ${src.shrunk.from} bytes at open, ${src.shrunk.to} read`, file: path, offset: src.shrunk.to });
  if (src.damage) rep.error({ message: src.damage, file: path });
  if (src.magic === "sqlite") return readWtmpdb(path, src.source, rep);
  const reader = new ChunkReader(src.source);
  if (src.source.size === 0) {
    src.source.close();
    return null;
  }
  const forced = opts.byteOrder && opts.byteOrder !== "auto" ? opts.byteOrder : undefined;
  const det = detectLayout(reader, forced);
  if (det.foreign) {
    rep.error({ message: `${det.foreign}, not a Linux utmp file: refused`, file: path, offset: 0 });
    src.source.close();
    return null;
  }
  if (!forced && det.sampled > 0 && det.withData === 0 && !det.blank) {
    rep.error({
      message: `not a utmp file: none of the first ${det.sampled} records holds plausible login data in either byte order or record size`,
      file: path,
      offset: det.sampledFrom,
    });
    src.source.close();
    return null;
  }
  return { kind: "utmp", path, reader, source: src.source, layout: det.layout, order: det.order };
}

/** The whole database, bounded in size (sql.js needs it in memory); a short read is a file that shrank. */
function readWtmpdb(path: string, source: ByteSource, rep: Reporter): OpenedFile | null {
  try {
    const max = maxWtmpdbBytes();
    if (source.size > max) {
      rep.error({ message: `wtmpdb of ${source.size} bytes is larger than ${max} (QUARRY_WTMPDB_MAX_BYTES): refused`, file: path });
      return null;
    }
    const data = Buffer.allocUnsafe(source.size);
    const got = readFully(source, data, 0);
    if (got < data.length) {
      rep.warn({ message: `file shrank while it was read: ${data.length} bytes at open, ${got} read`, file: path, offset: got });
    }
    return { kind: "wtmpdb", path, data: data.subarray(0, got) };
  } finally {
    source.close();
  }
}

export function needsSql(files: readonly OpenedFile[]): boolean {
  return files.some((f) => f.kind === "wtmpdb");
}

/** Damage of one file → per-record warnings (capped), and one error when the file is corrupt. */
class DamageLog {
  private warned = 0;
  implausible = 0;
  skipped = 0;
  skippedBytes = 0;

  constructor(
    private readonly file: string,
    private readonly rep: Reporter,
  ) {}

  add = (d: Damage): void => {
    if (d.kind === "implausible") this.implausible++;
    if (d.kind === "skipped") {
      this.skipped++;
      this.skippedBytes += d.length;
    }
    // once per file: a tail, a file that shrank, a file of EMPTY records
    const once = d.kind === "tail" || d.kind === "shrunk" || d.kind === "blank";
    if (once || this.warned < MAX_RECORD_WARNINGS) {
      if (!once) this.warned++;
      this.rep.warn({ message: d.message, file: this.file, offset: d.offset });
    }
  };

  finish(): void {
    if (this.implausible || this.skipped) {
      const parts: string[] = [];
      if (this.implausible) parts.push(`${this.implausible} implausible record${this.implausible > 1 ? "s" : ""}`);
      if (this.skipped) parts.push(`${this.skippedBytes} bytes skipped to realign (${this.skipped} place${this.skipped > 1 ? "s" : ""})`);
      this.rep.error({ message: `corrupt file: ${parts.join(", ")}`, file: this.file });
    }
  }
}

// ---- entries ----

function utmpEntry(f: Extract<OpenedFile, { kind: "utmp" }>, index: number, offset: number, bad: boolean): LoginEntry {
  const r = decodeRaw(f.reader.buf, index, f.layout, f.order);
  const usecOk = r.tvUsec >= 0 && r.tvUsec < 1_000_000;
  const secOk = r.tvSec >= 0 && Timestamp.secondsInRange(r.tvSec); // uint32 always is; an int64 may not be
  return {
    type: r.type,
    typeName: typeName(r.type),
    user: r.user,
    pid: r.pid,
    line: r.line,
    id: r.id,
    host: r.host,
    addr: utmpAddress(f.reader.buf, r.host, r.addrAt),
    session: r.session,
    exitTermination: r.exitTermination,
    exitStatus: r.exitStatus,
    ts: secOk ? Timestamp.fromUnix(r.tvSec, usecOk ? r.tvUsec : 0) : null,
    tsLogout: null,
    service: null,
    offset,
    file: f.path,
    implausible: bad,
    rowId: null,
  };
}

/** A wtmpdb time (µs) as a Timestamp; a value outside years 1 … 9999 is null, with a warning naming the row. */
function dbTime(path: string, row: WtmpdbRow, column: "Login" | "Logout", rep: Reporter): Timestamp | null {
  const v = column === "Login" ? row.login : row.logout;
  if (v === null) return null;
  if (typeof v === "string") {
    rep.warn({ message: `row ID ${row.id}: ${column} ${JSON.stringify(v)} is not a number: null`, file: path });
    return null;
  }
  const ts = Timestamp.fromMicrosInRange(v);
  if (!ts) rep.warn({ message: `row ID ${row.id}: ${column} ${String(v)} µs is outside years 1 … 9999: null`, file: path });
  return ts;
}

function dbEntry(path: string, row: WtmpdbRow, rep: Reporter): LoginEntry {
  const t = row.type;
  const ts = dbTime(path, row, "Login", rep);
  const mapped = t === 1 ? BOOT_TIME : t === 2 ? RUN_LVL : t === 3 ? USER_PROCESS : t === 0 ? EMPTY : -1;
  const host = row.remoteHost;
  return {
    type: mapped,
    typeName: t !== null && WTMPDB_TYPES[t] ? WTMPDB_TYPES[t] : `UNKNOWN(${t === null ? "NULL" : t})`,
    user: row.user,
    pid: null,
    line: row.tty,
    id: null,
    host,
    addr: host !== null ? canonicalIp(host) : null,
    session: null,
    exitTermination: null,
    exitStatus: null,
    ts,
    tsLogout: dbTime(path, row, "Logout", rep),
    service: row.service,
    offset: null,
    file: path,
    implausible: mapped < 0 || ts === null,
    rowId: row.id,
  };
}

function* dbEntries(f: Extract<OpenedFile, { kind: "wtmpdb" }>, SQL: SqlJsStatic | null, backward: boolean, rep: Reporter): Generator<LoginEntry> {
  if (!SQL) throw new Error("sql.js not loaded");
  try {
    for (const row of wtmpdbRows(SQL, f.data, { backward })) yield dbEntry(f.path, row, rep);
  } catch (e) {
    rep.error({ message: `cannot read wtmpdb: ${(e as Error).message}`, file: f.path });
  }
}

/** Entries of one opened file in file order. Closes the file at the end. */
export function* entriesForward(f: OpenedFile, SQL: SqlJsStatic | null, rep: Reporter): Generator<LoginEntry> {
  if (f.kind === "wtmpdb") {
    yield* dbEntries(f, SQL, false, rep);
    return;
  }
  const log = new DamageLog(f.path, rep);
  try {
    for (const step of walkForward(f.reader, f.layout, f.order, log.add)) {
      yield utmpEntry(f, step.index, step.offset, step.bad);
    }
    log.finish();
  } finally {
    f.source.close();
  }
}

/** Entries of one opened file, newest appended first (a forward scan finds the record boundaries first). */
export function* entriesBackward(f: OpenedFile, SQL: SqlJsStatic | null, rep: Reporter): Generator<LoginEntry> {
  if (f.kind === "wtmpdb") {
    yield* dbEntries(f, SQL, true, rep);
    return;
  }
  const log = new DamageLog(f.path, rep);
  try {
    const segments = segmentsOf(f.reader, f.layout, f.order, log.add);
    log.finish();
    const S = f.layout.size;
    const sizeAfterScan = f.reader.size;
    for (const off of offsetsBackward(segments, S)) {
      if (off + S > f.reader.size) continue; // the file shrank after the forward scan: warned below
      const index = f.reader.at(off, S, true);
      if (off + S > f.reader.size) continue;
      yield utmpEntry(f, index, off, isBad(f.reader.buf, index, f.layout, f.order));
    }
    if (f.reader.size < sizeAfterScan) {
      rep.warn({
        message: `file shrank while it was read: data ends at offset ${f.reader.size}; the records after it, found by the first pass, are left out`,
        file: f.path,
        offset: f.reader.size,
      });
    }
  } finally {
    f.source.close();
  }
}

/** Open every file of the globs; loads sql.js only when a wtmpdb file is among them. */
export async function openAll(
  fs: RootFilesystem,
  patterns: readonly string[],
  opts: ReadOptions,
  rep: Reporter,
): Promise<{ files: OpenedFile[]; SQL: SqlJsStatic | null }> {
  const files: OpenedFile[] = [];
  const budget = inflateBudget(); // one bound for all the rotations this function opens
  try {
    for (const p of findFiles(fs, patterns)) {
      const f = await openLoginFile(fs, p, opts, rep, budget);
      if (f) files.push(f);
    }
  } catch (e) {
    for (const f of files) if (f.kind === "utmp") f.source.close();
    throw e;
  }
  return { files, SQL: needsSql(files) ? await loadSqlJs() : null };
}
