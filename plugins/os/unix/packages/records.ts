// The two records every package manager's functions yield (dissect's unix/packagemanager records, widened): one
// installed package, one logged action. dpkg, rpm and snap fill the first; dpkg.log, apt's history.log and
// dnf's history database the second. One shape for all, so `packages` and `packages.logs` mix managers freely.
import { defineRecord } from "quarry";

export const PackageRecord = defineRecord("unix/packagemanager/package", {
  // when the package was installed (or last upgraded); what that time is, is in ts_source
  ts: "datetime",
  // "info/<pkg>.list mtime" (dpkg), "INSTALLTIME" (rpm), null when unknown
  ts_source: "string",
  package_manager: "string",
  package_name: "string",
  // the version as the manager prints it (dpkg: [epoch:]upstream[-revision]; rpm: VERSION-RELEASE, epoch apart)
  package_version: "string",
  package_release: "string",
  package_epoch: "varint",
  package_arch: "string",
  // dpkg: the Status field ("install ok installed"); rpm: null (the database holds installed packages only)
  package_status: "string",
  // dpkg: Maintainer; rpm: VENDOR
  package_vendor: "string",
  // dpkg: the Source field (source package name, and its version when it differs); rpm: SOURCERPM
  package_source: "string",
  package_summary: "string",
  // installed size in bytes (dpkg's Installed-Size is KiB: × 1024)
  package_size: "varint",
  filepath: "path",
});

export const PackageLogRecord = defineRecord("unix/packagemanager/log", {
  ts: "datetime",
  // when the transaction ended (apt End-Date, dnf dt_end); null for a single logged line
  ts_end: "datetime",
  package_manager: "string",
  // install, upgrade, downgrade, remove, purge, reinstall, configure, trigproc, status, startup, conffile, …
  operation: "string",
  package_name: "string",
  package_arch: "string",
  package_version: "string",
  // the version replaced (an upgrade or downgrade) or removed
  package_version_old: "string",
  // dpkg status lines: the package's new state (half-installed, unpacked, installed, config-files, …)
  package_status: "string",
  // the command line that asked for it (apt Commandline, dnf cmdline)
  command: "string",
  // who asked (apt Requested-By, dnf's login user)
  requested_by_user: "string",
  requested_by_uid: "varint",
  // the transaction (apt: the line of its Start-Date; dnf: trans id)
  transaction: "varint",
  message: "string",
  filepath: "path",
});
