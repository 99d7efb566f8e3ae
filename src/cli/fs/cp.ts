// cp PATH... -o DIR (the shell's save): copy files out of the target onto the host, modes and mtimes kept.
// Nothing is ever written outside DIR, whatever the evidence's names: each name component is made safe
// (see safeName), directories are created one at a time and must be real directories, files are created
// with O_EXCL|O_NOFOLLOW (an existing name is a clear error, never overwritten or followed). Links inside a
// copied directory are NOT recreated (a link could point out of DIR): each is skipped with a note naming its
// target. FIFOs, devices and sockets are never opened. The paths given are followed (as `cp -H`).
import nodeFs from "node:fs";
import nodePath from "node:path";
import type { FileStat } from "../../fs/types.js";
import type { Timestamp } from "../../records/timestamp.js";
import { printableName } from "../../util/escape.js";
import { UsageError } from "../common.js";
import { absolute, expandOperands, parseFlags, type FsContext, warn } from "./context.js";
import { forEachChunk } from "./read.js";

/**
 * One host file name for one target name component: bytes that could change where a file lands or how a
 * terminal shows it are %-escaped (`/`, NUL, control bytes, DEL, and `%` itself); `.` and `..` become `%2E`
 * and `%2E%2E`; an over-long name is cut (with its hash-free length kept under 255 bytes, the common limit).
 */
export function safeName(name: string): string {
  if (name === "" ) return "%00";
  if (name === ".") return "%2E";
  if (name === "..") return "%2E%2E";
  let out = "";
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (ch === "/" || ch === "%" || ch === "\\" || c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0xdc80 && c <= 0xdcff)) {
      // \udc80-\udcff: an undecodable evidence byte, kept as that byte's escape
      const byte = c >= 0xdc80 && c <= 0xdcff ? c - 0xdc00 : c;
      out += byte < 0x100 ? "%" + byte.toString(16).toUpperCase().padStart(2, "0") : ch;
    } else out += ch;
  }
  while (Buffer.byteLength(out) > 255) out = [...out].slice(0, -1).join("");
  return out;
}

export interface CopyReport {
  files: number;
  dirs: number;
  bytes: number;
  skipped: number;
  failed: number;
}

const O_FLAGS = nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL | nodeFs.constants.O_NOFOLLOW;

function seconds(t: Timestamp | null): number | null {
  return t ? t.seconds + t.micros / 1e6 : null;
}

export async function cp(ctx: FsContext, argv: readonly string[], cmd = "cp"): Promise<number> {
  const { values, operands } = parseFlags(cmd, argv, "", {}, { "-o": "o", "--output": "o" });
  const outDir = values.get("o");
  if (outDir === undefined) throw new UsageError(`${cmd}: -o DIR is needed (where the copies go)`);
  if (operands.length === 0) throw new UsageError(`${cmd} needs a path`);
  const st = nodeFs.statSync(outDir, { throwIfNoEntry: false });
  if (!st) nodeFs.mkdirSync(outDir, { recursive: true });
  else if (!st.isDirectory()) throw new UsageError(`${cmd}: -o ${outDir}: not a directory`);
  const report: CopyReport = { files: 0, dirs: 0, bytes: 0, skipped: 0, failed: 0 };
  const copier = new Copier(ctx, cmd, report);
  for (const p of expandOperands(ctx, operands)) {
    const abs = absolute(ctx, p);
    let real: string;
    let fst: FileStat;
    try {
      real = ctx.fs.realpath(abs);
      fst = ctx.fs.stat(abs);
    } catch (e) {
      warn(ctx, `${cmd}: ${(e as Error).message}`);
      report.failed++;
      continue;
    }
    const base = real === "/" ? "root" : real.slice(real.lastIndexOf("/") + 1);
    await copier.entry(real, p, fst, nodePath.join(outDir, safeName(base)));
  }
  await ctx.out.write(`${cmd}: ${report.files} file${report.files === 1 ? "" : "s"} (${report.bytes} bytes), ${report.dirs} director${report.dirs === 1 ? "y" : "ies"} to ${printableName(outDir)}` + (report.skipped ? `, ${report.skipped} skipped` : "") + (report.failed ? `, ${report.failed} failed` : "") + "\n");
  return report.failed;
}

class Copier {
  constructor(
    private readonly ctx: FsContext,
    private readonly cmd: string,
    private readonly report: CopyReport,
  ) {}

  private note(shown: string, why: string): void {
    warn(this.ctx, `${this.cmd}: ${printableName(shown)}: ${why}`);
  }

  /** `real` is the target's resolved path (no link on the way), `shown` what the user sees, `dest` the host path. */
  async entry(real: string, shown: string, st: FileStat, dest: string): Promise<void> {
    try {
      if (st.type === "file") await this.file(real, st, dest);
      else if (st.type === "dir") await this.dir(real, shown, st, dest);
      else if (st.type === "symlink") {
        let target = "?";
        try {
          target = this.ctx.fs.readlink(real);
        } catch {
          /* shown as ? */
        }
        this.note(shown, `symbolic link to ${printableName(target)}: not copied (links are never created on the host)`);
        this.report.skipped++;
      } else {
        this.note(shown, `a ${st.type}: not opened, not copied`);
        this.report.skipped++;
      }
    } catch (e) {
      this.note(shown, (e as NodeJS.ErrnoException).code === "EEXIST" ? `${dest} exists already: not overwritten` : (e as Error).message);
      this.report.failed++;
    }
  }

  private async file(real: string, st: FileStat, dest: string): Promise<void> {
    const fd = nodeFs.openSync(dest, O_FLAGS, 0o600);
    try {
      await forEachChunk(this.ctx.fs, real, (c) => {
        let off = 0;
        while (off < c.length) off += nodeFs.writeSync(fd, c, off, c.length - off);
        this.report.bytes += c.length;
      }, Infinity, true);
      // permissions only: setuid, setgid and sticky are not carried onto the host
      nodeFs.fchmodSync(fd, st.mode & 0o777);
      const m = seconds(st.mtime);
      if (m !== null) nodeFs.futimesSync(fd, seconds(st.atime) ?? m, m);
    } finally {
      nodeFs.closeSync(fd);
    }
    this.report.files++;
  }

  private async dir(real: string, shown: string, st: FileStat, dest: string): Promise<void> {
    nodeFs.mkdirSync(dest, { mode: 0o700 });
    this.report.dirs++;
    const seen = new Set<string>();
    for (const e of this.ctx.fs.scandir(real)) {
      const childReal = real === "/" ? "/" + e.name : real + "/" + e.name;
      const childShown = shown.endsWith("/") ? shown + e.name : shown + "/" + e.name;
      const name = safeName(e.name);
      // two evidence names can make one host name only through escaping: say so rather than overwrite
      if (seen.has(name)) {
        this.note(childShown, `its safe name ${name} is taken by another entry: not copied`);
        this.report.failed++;
        continue;
      }
      seen.add(name);
      let cst: FileStat;
      try {
        cst = this.ctx.fs.lstat(childReal);
      } catch (e2) {
        this.note(childShown, (e2 as Error).message);
        this.report.failed++;
        continue;
      }
      await this.entry(childReal, childShown, cst, nodePath.join(dest, name));
    }
    // after the contents: the directory's own mode and mtime (writing into it changed its mtime)
    nodeFs.chmodSync(dest, (st.mode & 0o777) | 0o700);
    const m = seconds(st.mtime);
    if (m !== null) nodeFs.utimesSync(dest, seconds(st.atime) ?? m, m);
  }
}
