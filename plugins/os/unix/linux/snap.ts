// snapd's installed snaps: each revision is a squashfs file /var/lib/snapd/snaps/<name>_<revision>.snap, mounted
// at /snap/<name>/<revision> (/var/lib/snapd/snap on Fedora and RHEL), with /snap/<name>/current a link to the
// active revision. The squashfs itself is not opened: the name and revision come from the file name (a revision
// "x1", "x2", … is a local, unasserted install: `snap install --dangerous`), the version, summary and
// confinement from the mounted revision's meta/snap.yaml when the collection holds it. The install time is the
// .snap file's mtime (snapd writes the file when it installs or refreshes the revision). snapd's state.json (the
// store's view: channels, refresh times) is not read.
import { absent, definePlugin, ok, type FunctionContext, type Target } from "quarry";
import { parseYaml, type YamlValue } from "./network/yaml.js";
import { PackageRecord } from "../packages/records.js";

const BLOBS = "/var/lib/snapd/snaps";
const MOUNTS = ["/snap", "/var/lib/snapd/snap"];
const NAME = /^([a-z0-9][a-z0-9-]{0,39})_(x?\d{1,12})\.snap$/;
const MAX_SNAPS = 10_000;
const MAX_SNAP_YAML = 1024 * 1024;

export function hasSnaps(t: Target): boolean {
  return t.fs.isDir(BLOBS) && t.fs.readdir(BLOBS).some((n) => NAME.test(n));
}

const text = (v: YamlValue | undefined): string | null => (typeof v === "string" ? v : null);

export function* snapPackages(t: Target, ctx: FunctionContext): Generator<ReturnType<typeof PackageRecord.create>> {
  if (!t.fs.isDir(BLOBS)) return;
  const names = t.fs.readdir(BLOBS).filter((n) => n.endsWith(".snap")).sort();
  if (names.length > MAX_SNAPS) ctx.warn({ message: `${names.length} snap files: only the first ${MAX_SNAPS} are read`, file: BLOBS });
  for (const n of names.slice(0, MAX_SNAPS)) {
    const file = `${BLOBS}/${n}`;
    const m = NAME.exec(n);
    if (!m) {
      ctx.warn({ message: "not a <name>_<revision>.snap name: skipped", file });
      continue;
    }
    const [, name, rev] = m as unknown as [string, string, string];
    let size: number | null = null;
    let ts = null;
    try {
      const st = t.fs.stat(file);
      size = st.size;
      ts = st.mtime;
    } catch {
      /* a dangling link: name and revision still say it was there */
    }
    let current: string | null = null;
    let meta: Map<string, YamlValue> | null = null;
    for (const root of MOUNTS) {
      try {
        if (current === null && t.fs.lexists(`${root}/${name}/current`)) current = t.fs.readlink(`${root}/${name}/current`).replace(/\/$/, "").split("/").pop() ?? null;
      } catch {
        /* not a link */
      }
      const yaml = `${root}/${name}/${rev}/meta/snap.yaml`;
      if (meta === null && t.fs.isFile(yaml)) {
        const head = t.fs.readTextHead(yaml, MAX_SNAP_YAML);
        const v = parseYaml(head.text, (p) => ctx.warn({ message: p.message, file: yaml }));
        if (v instanceof Map) meta = v;
        else ctx.warn({ message: "not a YAML mapping: version and summary unknown", file: yaml });
      }
    }
    const status = current === null ? null : current === rev ? "active" : "disabled";
    yield PackageRecord.create({
      ts,
      ts_source: ts ? "snap file mtime" : null,
      package_manager: "snap",
      package_name: name,
      package_version: text(meta?.get("version")),
      package_release: rev,
      package_epoch: null,
      package_arch: null,
      package_status: rev.startsWith("x") ? `${status ?? "unknown"}, local unasserted install (revision ${rev})` : status,
      package_vendor: null,
      package_source: null,
      package_summary: text(meta?.get("summary")),
      package_size: size,
      filepath: file,
    });
  }
}

export default definePlugin({
  name: "snap",
  path: "os.unix.linux.snap",
  namespace: "snap",
  description: "Installed snaps (/var/lib/snapd/snaps/*.snap, with /snap/<name>/<revision>/meta/snap.yaml)",
  paths: [`${BLOBS}/*.snap`, "/snap/*/current", "/snap/*/*/meta/snap.yaml"],
  checkCompatible: (t) => (hasSnaps(t) ? ok() : absent(`no ${BLOBS}/*.snap`)),
  functions: {
    "snap.packages": {
      output: "records",
      description: "One record per snap revision file: name, revision (x… for a local unasserted install), active or disabled, version and summary from its snap.yaml, install time from the file's mtime",
      records: [PackageRecord],
      run: (t, ctx) => snapPackages(t, ctx),
    },
  },
});
