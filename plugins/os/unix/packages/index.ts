// Every package manager at once, as dissect's packagemanager namespace: `packages` chains the installed
// packages of dpkg, rpm and snap, `packages.logs` the logged actions of dpkg.log, apt's history and dnf's history.
// Each manager's own functions (dpkg.packages, rpm.packages, dpkg.logs, apt.history, dnf.history) give the
// same records one manager at a time.
import { absent, definePlugin, ok, type FunctionContext, type Target } from "quarry";
import { aptHistory, APT_HISTORY, hasAptHistory } from "../linux/debian/apt.js";
import { DPKG_LOG, DPKG_STATUS, dpkgLogs, dpkgPackages, hasDpkg } from "../linux/debian/dpkg.js";
import { DNF_HISTORY, dnfHistory } from "../linux/redhat/dnf.js";
import { rpmDatabases, rpmPackages, RPMDB_SQLITE } from "../linux/redhat/rpm.js";
import { hasSnaps, snapPackages } from "../linux/snap.js";
import { yumHistory, yumHistoryFiles } from "../linux/redhat/yum.js";
import { PackageLogRecord, PackageRecord } from "./records.js";

type Source<R> = (t: Target, ctx: FunctionContext) => Iterable<R> | Promise<Iterable<R>>;

function chain<R>(sources: [(t: Target) => boolean, Source<R>][]) {
  return async function* (t: Target, ctx: FunctionContext): AsyncGenerator<R> {
    for (const [has, source] of sources) if (has(t)) yield* await source(t, ctx);
  };
}

const hasRpm = (t: Target): boolean => {
  const d = rpmDatabases(t);
  return d.sqlite.length + d.bdb.length + d.unread.length > 0;
};
const hasDnf = (t: Target): boolean => t.fs.isFile(DNF_HISTORY);

export default definePlugin({
  name: "packages",
  path: "os.unix.packages",
  namespace: "packages",
  description: "Installed packages and package-manager logs of every manager the target has (dpkg, apt, rpm, dnf, snap)",
  paths: [DPKG_STATUS, `${DPKG_LOG}*`, `${APT_HISTORY}*`, ...RPMDB_SQLITE, DNF_HISTORY],
  checkCompatible: (t) => (hasDpkg(t) || hasRpm(t) || hasSnaps(t) || hasAptHistory(t) || hasDnf(t) || yumHistoryFiles(t).length > 0 ? ok() : absent("no package manager database or log (dpkg, apt, rpm, dnf, yum, snap)")),
  functions: {
    packages: {
      output: "records",
      description: "Installed packages of every package manager (dpkg's status, rpm's database, snaps), with their install times",
      records: [PackageRecord],
      run: chain([
        [(t) => t.fs.isFile(DPKG_STATUS), dpkgPackages],
        [hasRpm, rpmPackages],
        [hasSnaps, snapPackages],
      ]),
    },
    "packages.logs": {
      output: "records",
      description: "Logged package actions of every package manager (dpkg.log, apt's history.log, dnf's and yum's history), each manager's oldest first",
      records: [PackageLogRecord],
      run: chain([
        [hasDpkg, dpkgLogs],
        [hasAptHistory, aptHistory],
        [hasDnf, dnfHistory],
        [(t) => yumHistoryFiles(t).length > 0, yumHistory],
      ]),
    },
  },
});
