// dnf's transaction history (RHEL 8/9, Fedora ≤ 40): /var/lib/dnf/history.sqlite, libdnf's "swdb". Schema from
// libdnf's source (libdnf/transaction/sql/create_tables.sql, version 1.1; 1.2 adds trans.comment):
//   trans(id, dt_begin, dt_end, rpmdb_version_begin, rpmdb_version_end, releasever, user_id, cmdline, state)
//   trans_item(id, trans_id, item_id, repo_id, action, reason, state)   one row per package of a transaction
//   rpm(item_id, name, epoch, version, release, arch)   repo(id, repoid)
// Times are epoch seconds; user_id is the login uid of whoever ran dnf (sudo keeps it). action is libdnf's
// TransactionItemAction (Types.hpp): an upgrade is two rows, UPGRADE of the new package and UPGRADED of the
// old. Each table is read in one bounded rowid scan (no joins run on an untrusted schema), then joined here.
import { absent, definePlugin, loadSqlJs, ok, openDatabase, parsePasswd, readFully, sqlNumber, sqlText, tableRows, Timestamp, type Database, type FunctionContext, type Target } from "quarry";
import { PackageLogRecord } from "../../packages/records.js";

export const DNF_HISTORY = "/var/lib/dnf/history.sqlite";
export const MAX_DNF_BYTES = 1024 ** 3;
const ACTIONS = ["unknown", "install", "downgrade", "downgraded", "obsolete", "obsoleted", "upgrade", "upgraded", "remove", "reinstall", "reinstalled", "reason-change"];
const REASONS = ["unknown", "dependency", "user", "clean", "weak-dependency", "group"];
const STATES = ["unknown", "done", "error"];

const int = (v: unknown): number | null => {
  // tableRows gives integers as bigint
  const n = sqlNumber(v as never);
  if (typeof n === "bigint") return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : null;
};

function names(t: Target): Map<number, string> {
  const out = new Map<number, string>();
  try {
    if (t.fs.isFile("/etc/passwd")) for (const e of parsePasswd(t.fs.readTextHead("/etc/passwd", 16 * 1024 * 1024).text)) if (e.uid !== null && !out.has(e.uid)) out.set(e.uid, e.name);
  } catch {
    /* names unknown: the uid is still there */
  }
  return out;
}

interface Trans {
  begin: Timestamp | null;
  end: Timestamp | null;
  uid: number | null;
  cmdline: string | null;
  state: number | null;
}

function* history(db: Database, bytes: number, users: Map<number, string>, ctx: FunctionContext) {
  const warn = (message: string): void => ctx.warn({ message, file: DNF_HISTORY });
  const time = (v: unknown, what: string): Timestamp | null => {
    const n = int(v);
    if (n === null) return null;
    const ts = Timestamp.fromUnixInRange(n);
    if (ts === null) warn(`${what}: ${n} is no date; null`);
    return ts;
  };
  const trans = new Map<number, Trans>();
  for (const r of tableRows(db, "trans", ["id", "dt_begin", "dt_end", "user_id", "cmdline", "state"], bytes)) {
    const id = int(r[0]);
    if (id === null) continue;
    trans.set(id, { begin: time(r[1], `trans ${id} dt_begin`), end: time(r[2], `trans ${id} dt_end`), uid: int(r[3]), cmdline: sqlText(r[4]), state: int(r[5]) });
  }
  const rpms = new Map<number, { name: string | null; evr: string; arch: string | null }>();
  for (const r of tableRows(db, "rpm", ["item_id", "name", "epoch", "version", "release", "arch"], bytes)) {
    const id = int(r[0]);
    if (id === null) continue;
    const epoch = int(r[2]);
    rpms.set(id, { name: sqlText(r[1]), evr: `${epoch ? `${epoch}:` : ""}${sqlText(r[3]) ?? "?"}-${sqlText(r[4]) ?? "?"}`, arch: sqlText(r[5]) });
  }
  const repos = new Map<number, string>();
  for (const r of tableRows(db, "repo", ["id", "repoid"], bytes)) {
    const id = int(r[0]);
    const name = sqlText(r[1]);
    if (id !== null && name !== null) repos.set(id, name);
  }
  for (const r of tableRows(db, "trans_item", ["id", "trans_id", "item_id", "repo_id", "action", "reason", "state"], bytes)) {
    const tid = int(r[1]);
    const t = tid === null ? undefined : trans.get(tid);
    if (!t) warn(`trans_item ${String(r[0])}: transaction ${String(r[1])} is not in trans; kept without its times`);
    const item = int(r[2]);
    const p = item === null ? undefined : rpms.get(item);
    const action = int(r[4]);
    const reason = int(r[5]);
    const state = int(r[6]);
    const repo = int(r[3]);
    const tstate = t?.state ?? null;
    yield PackageLogRecord.create({
      ts: t?.begin ?? null,
      ts_end: t?.end ?? null,
      package_manager: "dnf",
      operation: action !== null && action >= 0 && action < ACTIONS.length ? ACTIONS[action]! : `action ${String(r[4])}`,
      package_name: p?.name ?? null,
      package_arch: p?.arch ?? null,
      package_version: p?.evr ?? null,
      package_version_old: null,
      package_status: state !== null && state >= 0 && state < STATES.length ? STATES[state]! : null,
      command: t?.cmdline ?? null,
      requested_by_user: t?.uid != null ? (users.get(t.uid) ?? null) : null,
      requested_by_uid: t?.uid ?? null,
      transaction: tid,
      message: [
        p ? null : `item ${String(r[2])} (not an rpm)`,
        `reason=${reason !== null && reason >= 0 && reason < REASONS.length ? REASONS[reason]! : String(r[5])}`,
        `repo=${repo !== null ? (repos.get(repo) ?? String(repo)) : "?"}`,
        tstate !== null && tstate !== 1 ? `transaction ${STATES[tstate] ?? String(tstate)}` : null,
      ]
        .filter(Boolean)
        .join(" "),
      filepath: DNF_HISTORY,
    });
  }
}

export async function dnfHistory(t: Target, ctx: FunctionContext): Promise<Iterable<ReturnType<typeof PackageLogRecord.create>>> {
  if (!t.fs.isFile(DNF_HISTORY)) return [];
  let data: Buffer;
  try {
    const h = t.fs.open(DNF_HISTORY);
    try {
      if (h.size > MAX_DNF_BYTES) {
        ctx.error({ message: `dnf history of ${h.size} bytes is larger than ${MAX_DNF_BYTES}: refused`, file: DNF_HISTORY });
        return [];
      }
      data = Buffer.allocUnsafe(h.size);
      data = data.subarray(0, readFully(h, data, 0));
    } finally {
      h.close();
    }
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: DNF_HISTORY });
    return [];
  }
  const wal = `${DNF_HISTORY}-wal`;
  if (t.fs.isFile(wal) && t.fs.stat(wal).size > 0) ctx.warn({ message: `a write-ahead log of ${t.fs.stat(wal).size} bytes: transactions in it (not yet checkpointed) are not read`, file: wal });
  const SQL = await loadSqlJs();
  const users = names(t);
  return (function* () {
    let db: Database;
    try {
      db = openDatabase(SQL, data);
    } catch (e) {
      ctx.error({ message: `cannot open: ${(e as Error).message}`, file: DNF_HISTORY });
      return;
    }
    try {
      yield* history(db, data.length, users, ctx);
    } catch (e) {
      ctx.error({ message: `cannot read the history: ${(e as Error).message}`, file: DNF_HISTORY });
    } finally {
      db.close();
    }
  })();
}

export default definePlugin({
  name: "dnf",
  path: "os.unix.linux.redhat.dnf",
  namespace: "dnf",
  description: "dnf's transaction history (/var/lib/dnf/history.sqlite)",
  paths: [DNF_HISTORY],
  checkCompatible: (t) => (t.fs.isFile(DNF_HISTORY) ? ok() : absent(`no ${DNF_HISTORY}`)),
  functions: {
    "dnf.history": {
      output: "records",
      description: "One record per package of each dnf transaction: begin and end time, command line, login user, action (install, upgrade/upgraded, remove, …), reason, repository",
      records: [PackageLogRecord],
      run: (t, ctx) => dnfHistory(t, ctx),
    },
  },
});
