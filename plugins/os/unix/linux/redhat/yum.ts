// yum's transaction history (RHEL/CentOS ≤ 7): /var/lib/yum/history/history-YYYY-MM-DD.sqlite, a new file
// whenever `yum history new` starts one. Schema from yum's yum/history.py (the tables libdnf's Transformer
// migrates from): trans_beg(tid, timestamp, rpmdb_version, loginuid), trans_end(tid, timestamp, rpmdb_version,
// return_code), trans_cmdline(tid, cmdline), trans_data_pkgs(tid, pkgtupid, done, state), pkgtups(pkgtupid, name,
// arch, epoch, version, release, checksum). state is yum's word: Install, True-Install, Dep-Install, Update,
// Updated, Downgrade, Downgraded, Erase, Reinstall, Reinstalled, Obsoleting, Obsoleted. Each table is read in one
// bounded rowid scan and joined here, as dnf's history is.
import { absent, definePlugin, loadSqlJs, ok, openDatabase, parsePasswd, readFully, sqlNumber, sqlText, tableRows, Timestamp, type Database, type FunctionContext, type Target } from "quarry";
import { PackageLogRecord } from "../../packages/records.js";

export const YUM_HISTORY = "/var/lib/yum/history";
const FILE = /^history-\d{4}-\d{2}-\d{2}\.sqlite$/;
const MAX_BYTES = 1024 ** 3;
const MAX_FILES = 1000;

const int = (v: unknown): number | null => {
  const n = sqlNumber(v as never);
  if (typeof n === "bigint") return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : null;
};

export function yumHistoryFiles(t: Target): string[] {
  if (!t.fs.isDir(YUM_HISTORY)) return [];
  return t.fs
    .readdir(YUM_HISTORY)
    .filter((n) => FILE.test(n))
    .sort()
    .slice(0, MAX_FILES)
    .map((n) => `${YUM_HISTORY}/${n}`)
    .filter((p) => t.fs.isFile(p));
}

function* history(db: Database, bytes: number, file: string, users: Map<number, string>, ctx: FunctionContext) {
  const time = (v: unknown, what: string): Timestamp | null => {
    const n = int(v);
    const ts = n === null ? null : Timestamp.fromUnixInRange(n);
    if (n !== null && ts === null) ctx.warn({ message: `${what}: ${n} is no date; null`, file });
    return ts;
  };
  const begin = new Map<number, { ts: Timestamp | null; uid: number | null }>();
  for (const r of tableRows(db, "trans_beg", ["tid", "timestamp", "loginuid"], bytes)) {
    const tid = int(r[0]);
    if (tid !== null) begin.set(tid, { ts: time(r[1], `trans_beg ${tid}`), uid: int(r[2]) });
  }
  const end = new Map<number, { ts: Timestamp | null; rc: number | null }>();
  for (const r of tableRows(db, "trans_end", ["tid", "timestamp", "return_code"], bytes)) {
    const tid = int(r[0]);
    if (tid !== null) end.set(tid, { ts: time(r[1], `trans_end ${tid}`), rc: int(r[2]) });
  }
  const cmd = new Map<number, string>();
  for (const r of tableRows(db, "trans_cmdline", ["tid", "cmdline"], bytes)) {
    const tid = int(r[0]);
    const c = sqlText(r[1]);
    if (tid !== null && c !== null && !cmd.has(tid)) cmd.set(tid, c);
  }
  const pkgs = new Map<number, { name: string | null; arch: string | null; evr: string }>();
  for (const r of tableRows(db, "pkgtups", ["pkgtupid", "name", "arch", "epoch", "version", "release"], bytes)) {
    const id = int(r[0]);
    if (id === null) continue;
    const epoch = sqlText(r[3]) ?? String(int(r[3]) ?? "");
    pkgs.set(id, { name: sqlText(r[1]), arch: sqlText(r[2]), evr: `${epoch && epoch !== "0" ? `${epoch}:` : ""}${sqlText(r[4]) ?? "?"}-${sqlText(r[5]) ?? "?"}` });
  }
  for (const r of tableRows(db, "trans_data_pkgs", ["tid", "pkgtupid", "done", "state"], bytes)) {
    const tid = int(r[0]);
    const b = tid === null ? undefined : begin.get(tid);
    const e = tid === null ? undefined : end.get(tid);
    const p = pkgs.get(int(r[1]) ?? -1);
    if (!b) ctx.warn({ message: `trans_data_pkgs of transaction ${String(r[0])}: no trans_beg row; kept without its start`, file });
    const state = sqlText(r[3]);
    const done = int(r[2]) ?? (sqlText(r[2])?.toUpperCase() === "TRUE" ? 1 : 0);
    yield PackageLogRecord.create({
      ts: b?.ts ?? null,
      ts_end: e?.ts ?? null,
      package_manager: "yum",
      operation: state === null ? null : state.toLowerCase(),
      package_name: p?.name ?? null,
      package_arch: p?.arch ?? null,
      package_version: p?.evr ?? null,
      package_version_old: null,
      package_status: done ? "done" : "not done",
      command: tid === null ? null : (cmd.get(tid) ?? null),
      requested_by_user: b?.uid != null ? (users.get(b.uid) ?? null) : null,
      requested_by_uid: b?.uid ?? null,
      transaction: tid,
      message: e ? (e.rc === 0 ? null : `return code ${String(e.rc)}`) : "no trans_end (yum interrupted)",
      filepath: file,
    });
  }
}

export async function yumHistory(t: Target, ctx: FunctionContext): Promise<Iterable<ReturnType<typeof PackageLogRecord.create>>> {
  const files: [string, Buffer][] = [];
  for (const f of yumHistoryFiles(t)) {
    try {
      const h = t.fs.open(f);
      try {
        if (h.size > MAX_BYTES) {
          ctx.error({ message: `yum history of ${h.size} bytes is larger than ${MAX_BYTES}: refused`, file: f });
          continue;
        }
        const data = Buffer.allocUnsafe(h.size);
        files.push([f, data.subarray(0, readFully(h, data, 0))]);
      } finally {
        h.close();
      }
    } catch (e) {
      ctx.error({ message: `cannot read: ${(e as Error).message}`, file: f });
    }
  }
  if (files.length === 0) return [];
  const SQL = await loadSqlJs();
  const users = new Map<number, string>();
  try {
    if (t.fs.isFile("/etc/passwd")) for (const e of parsePasswd(t.fs.readTextHead("/etc/passwd", 16 * 1024 * 1024).text)) if (e.uid !== null && !users.has(e.uid)) users.set(e.uid, e.name);
  } catch {
    /* names unknown */
  }
  return (function* () {
    for (const [file, data] of files) {
      let db: Database;
      try {
        db = openDatabase(SQL, data);
      } catch (e) {
        ctx.error({ message: `cannot open: ${(e as Error).message}`, file });
        continue;
      }
      try {
        yield* history(db, data.length, file, users, ctx);
      } catch (e) {
        ctx.error({ message: `cannot read the history: ${(e as Error).message}`, file });
      } finally {
        db.close();
      }
    }
  })();
}

export default definePlugin({
  name: "yum",
  path: "os.unix.linux.redhat.yum",
  namespace: "yum",
  description: "yum's transaction history (/var/lib/yum/history/history-*.sqlite, RHEL/CentOS ≤ 7)",
  paths: [`${YUM_HISTORY}/history-*.sqlite`],
  checkCompatible: (t) => (yumHistoryFiles(t).length ? ok() : absent(`no ${YUM_HISTORY}/history-*.sqlite`)),
  functions: {
    "yum.history": {
      output: "records",
      description: "One record per package of each yum transaction: begin and end time, command line, login user, yum's state word (install, dep-install, update, updated, erase, …), return code",
      records: [PackageLogRecord],
      run: (t, ctx) => yumHistory(t, ctx),
    },
  },
});
