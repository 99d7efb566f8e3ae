// When was the system installed? No one file says; several kinds of evidence bound it, and they are not equally
// good. In order (the first kind that gives a time wins; within a kind, the earliest time):
//   1. installer: the installer's own files, left when it finished — Debian/Ubuntu's /var/log/installer/*,
//      Red Hat's anaconda (/root/anaconda-ks.cfg, /var/log/anaconda/*): their mtimes.
//   2. packages, from the data: rpm's INSTALLTIME (the first packages are installed by the installer), dnf's
//      or yum's first transaction, the first line of dpkg.log, the first apt history run. dpkg.log and apt's history
//      rotate (logrotate keeps 12 by default), so on an old host these are later than the install: still a
//      bound, but weaker, which the evidence string says.
//   3. packages, from file metadata: the oldest mtime of /var/lib/dpkg/info/*.list (dpkg rewrites a list at
//      each upgrade, so the oldest is a package never upgraded since the install). Metadata survives a
//      collection only where mtimes are kept (a tar, acquire, UAC; not a plain copy).
// A time before 1993 (no Linux distribution) or in the future is no install time: ignored.
import { defineRecord, definePlugin, ok, Timestamp, type FunctionContext, type Target, withSource } from "quarry";
import { aptHistory, hasAptHistory } from "./debian/apt.js";
import { DPKG_INFO, dpkgLogs, hasDpkg } from "./debian/dpkg.js";
import { dnfHistory, DNF_HISTORY } from "./redhat/dnf.js";
import { rpmDatabases, rpmPackages } from "./redhat/rpm.js";
import { yumHistory, yumHistoryFiles } from "./redhat/yum.js";

export const InstallEvidenceRecord = defineRecord("unix/install/evidence", {
  ts: "datetime",
  // installer, package data, package metadata
  kind: "string",
  evidence: "string",
  // the time install_date gives
  chosen: "boolean",
  filepath: "path",
});

export interface Evidence {
  ts: Timestamp;
  kind: "installer" | "package data" | "package metadata";
  evidence: string;
  filepath: string;
}

const EARLIEST = Timestamp.fromParts(1993, 1, 1);
const INSTALLER_FILES = ["/root/anaconda-ks.cfg", "/root/original-ks.cfg", "/root/initial-setup-ks.cfg"];
const INSTALLER_DIRS = ["/var/log/installer", "/var/log/anaconda"];
const quiet: FunctionContext = { args: {}, warn: () => {}, error: () => {} };

function plausible(ts: Timestamp | null): ts is Timestamp {
  return ts !== null && ts.compare(EARLIEST) >= 0 && ts.compare(Timestamp.now()) <= 0;
}

function mtimeOf(t: Target, p: string): Timestamp | null {
  try {
    return t.fs.stat(p).mtime;
  } catch {
    return null;
  }
}

function earliest(list: Evidence[]): Evidence | null {
  return list.reduce<Evidence | null>((a, b) => (a === null || b.ts.compare(a.ts) < 0 ? b : a), null);
}

/** Every candidate, each kind's earliest; the chosen one is the first kind's. Warnings of the readers are not repeated here. */
export async function installEvidence(t: Target): Promise<{ chosen: Evidence | null; candidates: Evidence[] }> {
  const installer: Evidence[] = [];
  for (const p of INSTALLER_FILES) {
    const m = t.fs.isFile(p) ? mtimeOf(t, p) : null;
    if (plausible(m)) installer.push({ ts: m, kind: "installer", evidence: `mtime of ${p}`, filepath: p });
  }
  for (const d of INSTALLER_DIRS) {
    if (!t.fs.isDir(d)) continue;
    for (const n of t.fs.readdir(d).slice(0, 4096)) {
      const p = `${d}/${n}`;
      const m = t.fs.isFile(p) ? mtimeOf(t, p) : null;
      if (plausible(m)) installer.push({ ts: m, kind: "installer", evidence: `mtime of ${p}`, filepath: p });
    }
  }
  const data: Evidence[] = [];
  const d = rpmDatabases(t);
  if (d.sqlite.length + d.bdb.length) {
    for (const r of await rpmPackages(t, quiet)) {
      if (plausible(r.ts)) data.push({ ts: r.ts, kind: "package data", evidence: `rpm INSTALLTIME of ${String(r.package_name)}`, filepath: String(r.filepath) });
    }
  }
  if (t.fs.isFile(DNF_HISTORY)) {
    for (const r of await dnfHistory(t, quiet)) {
      if (plausible(r.ts)) data.push({ ts: r.ts, kind: "package data", evidence: `dnf transaction ${String(r.transaction)} (${String(r.command)})`, filepath: DNF_HISTORY });
    }
  }
  if (yumHistoryFiles(t).length) {
    for (const r of await yumHistory(t, quiet)) {
      if (plausible(r.ts)) data.push({ ts: r.ts, kind: "package data", evidence: `yum transaction ${String(r.transaction)} (${String(r.command)})`, filepath: String(r.filepath) });
    }
  }
  if (hasDpkg(t)) {
    for (const r of await dpkgLogs(t, quiet)) {
      if (!plausible(r.ts)) continue;
      data.push({ ts: r.ts, kind: "package data", evidence: `first line of dpkg.log (${String(r.message)}; rotated logs may have dropped older ones)`, filepath: String(r.filepath) });
      break;
    }
  }
  if (hasAptHistory(t)) {
    for (const r of await aptHistory(t, quiet)) {
      if (!plausible(r.ts)) continue;
      data.push({ ts: r.ts, kind: "package data", evidence: `first apt history run (${String(r.command)}; rotated logs may have dropped older ones)`, filepath: String(r.filepath) });
      break;
    }
  }
  const meta: Evidence[] = [];
  if (t.fs.isDir(DPKG_INFO)) {
    let oldest: Evidence | null = null;
    for (const n of t.fs.readdir(DPKG_INFO)) {
      if (!n.endsWith(".list")) continue;
      const m = mtimeOf(t, `${DPKG_INFO}/${n}`);
      if (plausible(m) && (oldest === null || m.compare(oldest.ts) < 0)) oldest = { ts: m, kind: "package metadata", evidence: `oldest dpkg file list mtime (${n})`, filepath: `${DPKG_INFO}/${n}` };
    }
    if (oldest) meta.push(oldest);
  }
  const firsts = [earliest(installer), earliest(data), earliest(meta)];
  const chosen = firsts.find((e) => e !== null) ?? null;
  return { chosen, candidates: firsts.filter((e): e is Evidence => e !== null) };
}

export default definePlugin({
  name: "install_date",
  path: "os.unix.linux.install_date",
  description: "The best-evidenced install date of the system, and the evidence for it",
  paths: [...INSTALLER_FILES, ...INSTALLER_DIRS.map((d) => `${d}/*`), "/var/lib/rpm/rpmdb.sqlite", DNF_HISTORY, "/var/log/dpkg.log*", "/var/log/apt/history.log*", `${DPKG_INFO}/*.list`],
  checkCompatible: () => ok(),
  functions: {
    install_date: {
      output: "value",
      description: "The install date: installer files' mtimes, else the earliest package time from data (rpm INSTALLTIME, dnf, dpkg.log, apt), else the oldest dpkg file list mtime; null without evidence",
      async value(t, ctx) {
        const { chosen } = await installEvidence(t);
        if (chosen === null) ctx.warn({ message: "no install evidence (installer files, package databases or logs)" });
        return chosen === null ? null : withSource(chosen.ts, chosen.filepath);
      },
    },
    install_evidence: {
      output: "records",
      description: "The earliest time of each kind of install evidence (installer, package data, package metadata), the one install_date gives marked chosen",
      records: [InstallEvidenceRecord],
      async run(t) {
        const { chosen, candidates } = await installEvidence(t);
        return candidates.map((e) => InstallEvidenceRecord.create({ ts: e.ts, kind: e.kind, evidence: e.evidence, chosen: e === chosen, filepath: e.filepath }));
      },
    },
  },
});
