// Opening a zip for random access: its central directory is read once into the same member index a tar
// gets (src/fs/tar/header.ts RawMember), over a ZipSource (./source.ts) in which each member's "data
// offset" is its place in one address space of member bytes. The tar tree and the collection layouts then
// serve it unchanged. Nothing is extracted; a deflated member is inflated on its first read.
import { memoryLimitFromEnv, type TarArchive } from "../tar/archive.js";
import type { RawMember } from "../tar/header.js";
import { sanitizeMemberName } from "../tar/names.js";
import { FdSource } from "../tar/source.js";
import { FsError } from "../types.js";
import { WarningLog } from "../../util/warnings.js";
import { readCentralDirectory, ZipFormatError } from "./directory.js";
import { recoverEntries } from "./recover.js";
import { PATH_MAX, readEntries, type ZipEntry } from "./entries.js";
import { zipNameProblem } from "./names.js";
import { ZipSource } from "./source.js";

/** Deflate's best ratio is 1032:1 (258-byte matches at about two bits each); a claim beyond it is a lie. */
export const DEFLATE_MAX_RATIO = 1032;

export interface OpenZipOptions {
  memoryLimit?: number;
  maxInflate?: number;
}

export interface ZipArchive extends TarArchive {
  readonly zip: { entries: number; zip64: boolean; prependedBytes: number };
}

const ZIP_MAGIC = [0x504b0304, 0x504b0506, 0x504b0708]; // local header, empty archive, spanned marker (big-endian view)

/** Does the file start like a zip? (A self-extractor starts with its stub: then only the name tells.) */
export function looksLikeZip(head: Buffer): boolean {
  return head.length >= 4 && ZIP_MAGIC.includes(head.readUInt32BE(0));
}

/** Entries whose local records overlap an earlier one's (a zip bomb that shares one deflate stream): skipped. */
function overlapping(entries: readonly ZipEntry[]): Map<ZipEntry, ZipEntry> {
  const byOffset = entries.filter((e) => e.type !== "dir" || e.compressedSize > 0).sort((a, b) => a.localOffset - b.localOffset);
  const out = new Map<ZipEntry, ZipEntry>();
  let last: ZipEntry | undefined;
  let lastEnd = 0;
  for (const e of byOffset) {
    if (last && e.localOffset < lastEnd) {
      out.set(e, last);
      continue;
    }
    last = e;
    lastEnd = e.localOffset + 30 + e.compressedSize;
  }
  return out;
}

/** The central directory's entries; for a zip cut short (no end record), those its local headers still give. */
function index(file: FdSource, label: string, log: WarningLog): { entries: ZipEntry[]; zip64: boolean; shift: number } {
  let cd;
  try {
    cd = readCentralDirectory(file, label);
  } catch (e) {
    const head = Buffer.alloc(4);
    if (!(e instanceof ZipFormatError && e.noEnd) || file.read(head, 0, 4, 0) < 4 || !looksLikeZip(head)) throw e;
    const r = recoverEntries(file);
    if (r.entries.length === 0) throw e;
    log.add(
      "truncated zips",
      `no end of central directory record: the zip is cut short; ${r.entries.length} members recovered by walking the local headers up to offset ${r.stoppedAt} ` +
        `(stopped at ${r.reason}); file modes, owners and symlinks are only in the central directory: recovered members read as plain files and directories`,
    );
    return { entries: r.entries, zip64: false, shift: 0 };
  }
  if (cd.shift !== 0) log.add("prepended data", `${cd.shift} bytes precede the zip (a self-extractor stub?); offsets are read past them`);
  return { entries: readEntries(file, cd, log).entries, zip64: cd.zip64, shift: cd.shift };
}

export function openZipArchive(path: string, opts: OpenZipOptions = {}): ZipArchive {
  const label = path.split("/").pop() ?? path;
  const file = FdSource.open(path);
  const source = new ZipSource(file, { memoryLimit: opts.memoryLimit ?? memoryLimitFromEnv(), maxInflate: opts.maxInflate, label });
  try {
    const log = new WarningLog();
    const { entries, zip64, shift } = index(file, label, log);
    const overlaps = overlapping(entries);
    const members: RawMember[] = [];
    const names: string[] = [];
    for (const e of entries) {
      const at = `member ${JSON.stringify(e.name)} at central directory offset ${e.entryOffset}`;
      const earlier = overlaps.get(e);
      if (earlier) {
        log.add("overlapping members", `${at}: its data at ${e.localOffset} overlaps member ${JSON.stringify(earlier.name)} at ${earlier.localOffset} (a zip bomb shares one stream so); skipped`, e.entryOffset);
        continue;
      }
      const problem = zipNameProblem(e.name);
      if (problem) {
        log.add("unsafe member names", `${at}: ${problem}; skipped`, e.entryOffset);
        continue;
      }
      if (e.method === 8 && e.type === "file" && e.size > DEFLATE_MAX_RATIO * e.compressedSize + 1024) {
        log.add("impossible sizes", `${at}: claims ${e.size} bytes from ${e.compressedSize} compressed bytes, more than deflate's ${DEFLATE_MAX_RATIO}:1; skipped`, e.entryOffset);
        continue;
      }
      const m = toMember(e, source, log, at);
      if (!m) continue;
      members.push(m);
      const r = sanitizeMemberName(m.name);
      if (r.ok && r.path !== "") names.push(r.path);
    }
    return {
      path,
      src: source,
      members,
      names,
      warnings: log,
      // A zip's members carry their own compression; the archive itself is read in place.
      compression: "none",
      storage: "file",
      zip: { entries: entries.length, zip64, prependedBytes: shift },
      close: () => source.close(),
    };
  } catch (e) {
    source.close();
    throw e;
  }
}

function toMember(e: ZipEntry, source: ZipSource, log: WarningLog, at: string): RawMember | null {
  const type: RawMember["type"] = e.type === "socket" ? "other" : e.type;
  const base: RawMember = { name: e.name, type, size: 0, dataOffset: 0, linkname: "", headerOffset: e.entryOffset, flag: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, atime: e.atime, ctime: null };
  if (e.type === "file") {
    base.size = e.size;
    base.dataOffset = source.add(e);
    return base;
  }
  if (e.type !== "symlink") return base;
  if (e.size > PATH_MAX) {
    log.add("unsafe member names", `${at}: symlink target of ${e.size} bytes, longer than PATH_MAX (${PATH_MAX}); skipped`, e.entryOffset);
    return null;
  }
  const where = source.add(e);
  try {
    const target = source.head(e, where, PATH_MAX).toString("utf8");
    if (target === "" || target.includes("\0")) {
      log.add("broken symlinks", `${at}: symlink with ${target === "" ? "an empty target" : "a NUL in its target"}; skipped`, e.entryOffset);
      return null;
    }
    base.linkname = target;
    base.size = target.length;
    return base;
  } catch (err) {
    if (!(err instanceof FsError)) throw err;
    log.add("broken symlinks", `${at}: symlink target unreadable: ${err.message}; skipped`, e.entryOffset);
    return null;
  }
}
