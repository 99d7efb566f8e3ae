// What the record functions share: the artefact globs, the --byte-order argument, and entry → record.
import type { AnyRecord, ArgSpec, FunctionContext, Target } from "quarry";
import { entriesBackward, entriesForward, openAll, type ByteOrderArg, type LoginEntry, type OpenedFile, type Reporter } from "./entries.js";
import type { SqlJsStatic } from "sql.js";
import type { LoginRecord, LoginRecordDescriptor } from "./records.js";

export const WTMP_GLOBS = ["/var/log/wtmp*", "/var/log/wtmp.db", "/var/lib/wtmpdb/wtmp*.db"] as const;
export const BTMP_GLOBS = ["/var/log/btmp*"] as const;
export const UTMP_GLOBS = ["/run/utmp*", "/var/run/utmp*"] as const;

export const BYTE_ORDER_ARG: ArgSpec = {
  name: "byte-order",
  type: "string",
  choices: ["auto", "le", "be"],
  default: "auto",
  help: "byte order of utmp-format files (auto: decided per file by the records' plausibility)",
};

export function byteOrderArg(ctx: FunctionContext): ByteOrderArg {
  const v = ctx.args["byte-order"];
  return v === "le" || v === "be" ? v : "auto";
}

export function hasAny(target: Target, globs: readonly string[]): boolean {
  return globs.some((g) => target.fs.glob(g).some((p) => target.fs.isFile(p)));
}

export function toRecord(desc: LoginRecordDescriptor, e: LoginEntry): LoginRecord {
  return desc.create({
    ts: e.ts,
    ut_type: e.typeName,
    ut_user: e.user,
    ut_pid: e.pid,
    ut_line: e.line,
    ut_id: e.id,
    ut_host: e.host,
    ut_addr: e.addr,
    ut_session: e.session,
    ut_exit_termination: e.exitTermination,
    ut_exit_status: e.exitStatus,
    ts_logout: e.tsLogout,
    ut_service: e.service,
    offset: e.offset,
    filepath: e.file,
  });
}

export interface OpenedFiles {
  files: OpenedFile[];
  SQL: SqlJsStatic | null;
}

export function openFiles(target: Target, globs: readonly string[], ctx: FunctionContext): Promise<OpenedFiles> {
  return openAll(target.fs, globs, { byteOrder: byteOrderArg(ctx) }, ctx);
}

/** Every entry: files oldest rotation first, each in file order. */
export function* forward(o: OpenedFiles, rep: Reporter, files = o.files): Generator<LoginEntry> {
  for (const f of files) yield* entriesForward(f, o.SQL, rep);
}

/** Every entry newest appended first: files newest rotation first, each read backwards. */
export function* backward(o: OpenedFiles, rep: Reporter, files = o.files): Generator<LoginEntry> {
  for (let i = files.length - 1; i >= 0; i--) yield* entriesBackward(files[i]!, o.SQL, rep);
}

/** The reporter of a first pass over files that a second pass reads (and reports on) again. */
export const QUIET: Reporter = { warn() {}, error() {} };

/**
 * Open the files, then hand the runner a synchronous generator of the body's records (no promise per record)
 * that closes what is open however the iteration ends (early stop, error).
 */
export async function withOpenFiles(
  target: Target,
  globs: readonly string[],
  ctx: FunctionContext,
  body: (o: OpenedFiles) => Iterable<AnyRecord>,
): Promise<Iterable<AnyRecord>> {
  const o = await openFiles(target, globs, ctx);
  return (function* () {
    try {
      yield* body(o);
    } finally {
      closeAll(o);
    }
  })();
}

/** Close what was opened but not read (a function that stopped early). */
export function closeAll(o: OpenedFiles): void {
  for (const f of o.files) if (f.kind === "utmp") f.source.close();
}
