// dpkg: the installed packages of /var/lib/dpkg/status and the actions of /var/log/dpkg.log* (rotations and
// .gz oldest first). Status paragraphs as dpkg's lib/dpkg/parse.c reads them; the install time is the mtime of
// /var/lib/dpkg/info/<pkg>.list (or <pkg>:<arch>.list for a Multi-Arch: same package), which dpkg rewrites
// when it unpacks the package: the time of its last install or upgrade, not its first. dpkg.log lines are
// dpkg's log_message() (src/main/…): "YYYY-MM-DD HH:MM:SS " + "startup <type> <command>", "status <state>
// <pkg> <version>", "<action> <pkg> <old> <new>" (install, upgrade, remove, purge, configure, trigproc; "<none>"
// for no version) or "conffile <path> <install|keep>", in the host's local time.
import { absent, definePlugin, ok, Timestamp, type FunctionContext, type Target } from "quarry";
import { closeAll, findRotations, openRotations } from "../../log/rotations.js";
import { localClock } from "../../packages/localtime.js";
import { PackageLogRecord, PackageRecord } from "../../packages/records.js";
import { paragraphs, type Paragraph } from "./control.js";

export const DPKG_STATUS = "/var/lib/dpkg/status";
export const DPKG_INFO = "/var/lib/dpkg/info";
export const DPKG_LOG = "/var/log/dpkg.log";
/** A status file of every Debian package ever made is ~100 MiB: more is not read. */
export const MAX_STATUS_BYTES = 256 * 1024 * 1024;
const MAX_LINE_BYTES = 64 * 1024;
/** Malformed lines reported one by one per file; the rest are counted in one warning. */
const MAX_LINE_WARNINGS = 50;

const WANTS = new Set(["unknown", "install", "hold", "deinstall", "purge"]);
const EFLAGS = new Set(["ok", "reinstreq"]);
const STATES = new Set(["not-installed", "config-files", "half-installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending", "installed"]);

export function hasDpkg(t: Target): boolean {
  return t.fs.isFile(DPKG_STATUS) || findRotations(t.fs, [DPKG_LOG]).length > 0;
}

/** A capped warner: the first MAX_LINE_WARNINGS of a file one by one, then a count. */
function lineWarner(ctx: FunctionContext, file: string) {
  let n = 0;
  return {
    warn(message: string, offset: number) {
      if (++n <= MAX_LINE_WARNINGS) ctx.warn({ message, file, offset });
    },
    done() {
      if (n > MAX_LINE_WARNINGS) ctx.warn({ message: `${n - MAX_LINE_WARNINGS} more malformed lines (not reported one by one)`, file });
    },
  };
}

/** The install time: the mtime of the package's file list, and which one it was. */
function listTime(t: Target, name: string, arch: string | null): Timestamp | null {
  for (const p of arch ? [`${DPKG_INFO}/${name}:${arch}.list`, `${DPKG_INFO}/${name}.list`] : [`${DPKG_INFO}/${name}.list`]) {
    if (name.includes("/") || !t.fs.isFile(p)) continue;
    return t.fs.stat(p).mtime;
  }
  return null;
}

/** Every paragraph of the status file, as a package record. */
export function* dpkgPackages(t: Target, ctx: FunctionContext): Generator<ReturnType<typeof PackageRecord.create>> {
  if (!t.fs.isFile(DPKG_STATUS)) return;
  let size: number;
  try {
    size = t.fs.stat(DPKG_STATUS).size;
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: DPKG_STATUS });
    return;
  }
  if (size > MAX_STATUS_BYTES) ctx.warn({ message: `${size} bytes, more than a status file holds: only the first ${MAX_STATUS_BYTES} are read`, file: DPKG_STATUS, offset: MAX_STATUS_BYTES });
  const w = lineWarner(ctx, DPKG_STATUS);
  const lines = t.fs.readLines(DPKG_STATUS, { maxLineBytes: MAX_LINE_BYTES, limit: MAX_STATUS_BYTES });
  const cut = (function* () {
    for (const l of lines) {
      if (l.cut) w.warn(`line ${l.lineno} is ${l.bytes} bytes long: only its first ${MAX_LINE_BYTES} are kept`, l.offset);
      yield l;
    }
  })();
  try {
    for (const p of paragraphs(cut, (pr) => w.warn(pr.message, pr.offset))) {
      const r = packageOf(t, p, (message) => w.warn(`paragraph of line ${p.line}: ${message}`, p.offset));
      if (r) yield r;
    }
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: DPKG_STATUS });
  }
  w.done();
}

function packageOf(t: Target, p: Paragraph, warn: (m: string) => void) {
  const f = p.fields;
  const name = f.get("package");
  if (!name) {
    warn("no Package field; skipped");
    return null;
  }
  const status = f.get("status") ?? null;
  if (status === null) warn(`package ${name}: no Status field`);
  else {
    const [want, eflag, state, more] = status.split(/\s+/);
    if (more !== undefined || !WANTS.has(want!) || !EFLAGS.has(eflag ?? "") || !STATES.has(state ?? "")) warn(`package ${name}: Status ${JSON.stringify(status)} is not "want eflag state"`);
  }
  const arch = f.get("architecture") ?? null;
  const version = f.get("version") ?? null;
  const kib = f.get("installed-size");
  let size: number | null = null;
  if (kib !== undefined) {
    if (/^\d{1,15}$/.test(kib)) size = Number(kib) * 1024;
    else warn(`package ${name}: Installed-Size ${JSON.stringify(kib)} is not a number of KiB`);
  }
  // [epoch:]upstream[-revision]: the revision is after the last hyphen
  const colon = version?.indexOf(":") ?? -1;
  const epoch = version && colon > 0 && /^\d{1,9}$/.test(version.slice(0, colon)) ? Number(version.slice(0, colon)) : null;
  const hyphen = version?.lastIndexOf("-") ?? -1;
  const ts = listTime(t, name, arch);
  return PackageRecord.create({
    ts,
    ts_source: ts ? "info/<pkg>.list mtime" : null,
    package_manager: "dpkg",
    package_name: name,
    package_version: version,
    package_release: version && hyphen > colon ? version.slice(hyphen + 1) : null,
    package_epoch: epoch,
    package_arch: arch,
    package_status: status,
    package_vendor: f.get("maintainer") ?? null,
    package_source: f.get("source") ?? null,
    package_summary: f.get("description")?.split("\n")[0] ?? null,
    package_size: size,
    filepath: DPKG_STATUS,
  });
}

const LOG_LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (\S+) (.*)$/;
const ACTIONS = new Set(["install", "upgrade", "remove", "purge", "configure", "trigproc"]);

/** "pkg:arch" → [pkg, arch]; dpkg logs the arch-qualified name. */
function splitName(s: string): [string, string | null] {
  const i = s.indexOf(":");
  return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
}
const version = (v: string | undefined): string | null => (v === undefined || v === "<none>" ? null : v);

/** Every line of dpkg.log and its rotations, oldest first. */
export async function dpkgLogs(t: Target, ctx: FunctionContext): Promise<Iterable<ReturnType<typeof PackageLogRecord.create>>> {
  const clock = localClock(t, ctx);
  const logs = await openRotations(t.fs, findRotations(t.fs, [DPKG_LOG]), ctx, { maxLineBytes: MAX_LINE_BYTES });
  return (function* () {
    try {
      for (const log of logs) {
        const file = log.rotation.path;
        const w = lineWarner(ctx, file);
        for (const l of log) {
          if (l.text === "") continue;
          const m = LOG_LINE.exec(l.text);
          if (!m) {
            w.warn(`line ${l.lineNumber}: not a dpkg log line (no "YYYY-MM-DD HH:MM:SS operation"); skipped`, l.offset);
            continue;
          }
          const { ts, why } = clock.parse(m[1]!);
          if (why) w.warn(`line ${l.lineNumber}: ${why}; ts null`, l.offset);
          const op = m[2]!;
          const args = m[3]!.split(" ");
          const rec = {
            ts,
            ts_end: null,
            package_manager: "dpkg",
            operation: op,
            package_name: null as string | null,
            package_arch: null as string | null,
            package_version: null as string | null,
            package_version_old: null as string | null,
            package_status: null as string | null,
            command: null as string | null,
            requested_by_user: null,
            requested_by_uid: null,
            transaction: null,
            message: `${op} ${m[3]!}`,
            filepath: file,
          };
          if (op === "status" && args.length === 3) {
            rec.package_status = args[0]!;
            [rec.package_name, rec.package_arch] = splitName(args[1]!);
            rec.package_version = version(args[2]);
          } else if (ACTIONS.has(op) && args.length === 3) {
            [rec.package_name, rec.package_arch] = splitName(args[0]!);
            rec.package_version_old = version(args[1]);
            rec.package_version = version(args[2]);
          } else if (op === "startup" && args.length === 2) {
            rec.command = args.join(" ");
          } else if (op !== "conffile" || args.length < 2) {
            w.warn(`line ${l.lineNumber}: ${op} with ${args.length} arguments is no dpkg log entry dpkg writes; kept as a message`, l.offset);
          }
          yield PackageLogRecord.create(rec);
        }
        w.done();
      }
    } finally {
      closeAll(logs);
    }
  })();
}

export default definePlugin({
  name: "dpkg",
  path: "os.unix.linux.debian.dpkg",
  namespace: "dpkg",
  description: "dpkg's package database (/var/lib/dpkg/status) and log (/var/log/dpkg.log*)",
  paths: [DPKG_STATUS, `${DPKG_INFO}/*.list`, `${DPKG_LOG}*`],
  checkCompatible: (t) => (hasDpkg(t) ? ok() : absent(`no ${DPKG_STATUS} nor ${DPKG_LOG}*`)),
  functions: {
    "dpkg.packages": {
      output: "records",
      description: "One record per package paragraph of /var/lib/dpkg/status (its Status says installed, config-files, …), install time from info/<pkg>.list",
      records: [PackageRecord],
      run: (t, ctx) => dpkgPackages(t, ctx),
    },
    "dpkg.logs": {
      output: "records",
      description: "One record per line of /var/log/dpkg.log and its rotations (oldest first): install, upgrade, remove, purge, configure, status, startup, conffile",
      records: [PackageLogRecord],
      run: (t, ctx) => dpkgLogs(t, ctx),
    },
  },
});
