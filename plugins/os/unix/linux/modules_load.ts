// Kernel modules loaded at boot: /etc/modules (Debian's, read by systemd-modules-load through
// modules-load.d/modules.conf or by kmod's init script) and modules-load.d(5): one module name per line, "#" and
// ";" comments; a file of the same name in a higher directory replaces a lower one, a link to /dev/null masks it.
import { absent, definePlugin, defineRecord, ok, type Target } from "quarry";
import { configLines, filesIn, isDevNullLink, lineWarning, shown, statOrNull } from "../configlines.js";

export const ModulesLoadRecord = defineRecord("linux/modules_load", {
  // the file's mtime
  ts: "datetime",
  module: "string",
  // what follows the name on an /etc/modules line (module parameters); modules-load.d takes none
  arguments: "string",
  lineno: "varint",
  filepath: "path",
});

// modules-load.d(5), highest precedence first.
const DIRS = ["/etc/modules-load.d", "/run/modules-load.d", "/usr/local/lib/modules-load.d", "/usr/lib/modules-load.d", "/lib/modules-load.d"];
const MODULE = /^[A-Za-z0-9_-]+$/;

/** The files systemd-modules-load reads, in its order (by file name), each name once, then /etc/modules. */
export function modulesLoadFiles(t: Target): string[] {
  const byName = new Map<string, string>();
  const dirs = new Set<string>();
  for (const d of DIRS) {
    if (!t.fs.isDir(d)) continue;
    const real = t.fs.realpath(d);
    if (dirs.has(real)) continue; // /lib → /usr/lib on merged /usr
    dirs.add(real);
    for (const p of filesIn(t, d).concat(masks(t, d))) {
      const name = p.slice(p.lastIndexOf("/") + 1);
      if (name.endsWith(".conf") && !byName.has(name)) byName.set(name, p);
    }
  }
  const out = [...byName.keys()].sort().map((k) => byName.get(k)!).filter((p) => !isMask(t, p));
  if (t.fs.isFile("/etc/modules") && !out.some((p) => t.fs.realpath(p) === t.fs.realpath("/etc/modules"))) out.push("/etc/modules");
  return out;
}

function masks(t: Target, dir: string): string[] {
  try {
    return t.fs.readdir(dir).map((n) => `${dir}/${n}`).filter((p) => isMask(t, p));
  } catch {
    return [];
  }
}

function realpathOrSelf(t: Target, p: string): string {
  try {
    return t.fs.realpath(p);
  } catch {
    return p;
  }
}

const isMask = (t: Target, p: string): boolean => isDevNullLink(t, p);

export default definePlugin({
  name: "modules_load",
  path: "os.unix.linux.modules_load",
  description: "Kernel modules loaded at boot (/etc/modules, modules-load.d)",
  paths: ["/etc/modules", ...DIRS.map((d) => `${d}/*.conf`)],
  checkCompatible: (t) => (modulesLoadFiles(t).length ? ok() : absent("no /etc/modules or modules-load.d/*.conf")),
  functions: {
    modules_load: {
      output: "records",
      description: "One record per kernel module named in /etc/modules and modules-load.d/*.conf (the files systemd-modules-load reads, a masked or replaced one left out)",
      records: [ModulesLoadRecord],
      *run(t, ctx) {
        for (const p of modulesLoadFiles(t)) {
          const ts = statOrNull(t, p)?.mtime ?? null;
          // modules(5): /etc/modules takes parameters after the name (kmod's boot script passes them on)
          const withArgs = realpathOrSelf(t, p) === "/etc/modules";
          for (const line of configLines(t, ctx, p)) {
            const s = line.text.trim();
            if (!s || s.startsWith("#") || s.startsWith(";")) continue;
            const [module, ...rest] = s.split(/[ \t]+/);
            if (!MODULE.test(module!) || (!withArgs && rest.length > 0)) {
              lineWarning(ctx, p, line, `not a module name: ${shown(line.text)}; skipped`);
              continue;
            }
            yield ModulesLoadRecord.create({ ts, module: module!, arguments: rest.length ? rest.join(" ") : null, lineno: line.lineno, filepath: p });
          }
        }
      },
    },
  },
});
