// SysV init scripts (/etc/init.d, RHEL's /etc/rc.d/init.d) with the rc?.d links that start them, and rc.local
// (run at boot by systemd's rc-local generator, or by init, when it is executable).
import type { FunctionContext, Target } from "quarry";
import { configLines, filesIn, statOrNull } from "../../configlines.js";
import { ServiceRecord } from "./records.js";

const INIT_DIRS = ["/etc/init.d", "/etc/rc.d/init.d"];
const RC_DIRS = ["/etc", "/etc/rc.d"];
const RUNLEVELS = ["0", "1", "2", "3", "4", "5", "6", "S"];
// Debian's init.d holds these beside the scripts; none is a service.
const NOT_A_SCRIPT = new Set(["README", "skeleton", ".depend.boot", ".depend.start", ".depend.stop", ".legacy-bootordering", "functions", "rc", "rcS"]);
// The LSB header's description, or chkconfig's.
const DESCRIPTION = /^#\s*(?:Short-Description|description):\s*(.*)$/i;
const HEADER_LINES = 60;
const RC_LOCAL_COMMANDS = 1000;

const base = (p: string): string => p.slice(p.lastIndexOf("/") + 1);

/** name → the S links (start) of every runlevel directory that exists. */
function startLinks(t: Target): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const root of RC_DIRS) {
    for (const rl of RUNLEVELS) {
      const dir = `${root}/rc${rl}.d`;
      if (!t.fs.isDir(dir)) continue;
      let names: string[] = [];
      try {
        names = t.fs.readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        const m = /^S\d\d(.+)$/.exec(n);
        if (!m) continue;
        out.set(m[1]!, [...(out.get(m[1]!) ?? []), `${dir}/${n}`]);
      }
    }
  }
  return out;
}

export function* initScripts(t: Target, ctx: FunctionContext) {
  const links = startLinks(t);
  const seen = new Set<string>();
  for (const dir of INIT_DIRS) {
    if (!t.fs.isDir(dir)) continue;
    const real = t.fs.realpath(dir);
    if (seen.has(real)) continue; // RHEL: /etc/init.d → rc.d/init.d
    seen.add(real);
    for (const p of filesIn(t, dir)) {
      const name = base(p);
      if (NOT_A_SCRIPT.has(name) || name.startsWith(".") || name.endsWith(".dpkg-old") || name.endsWith(".dpkg-dist")) continue;
      let description: string | null = null;
      for (const line of configLines(t, ctx, p)) {
        if (line.lineno > HEADER_LINES) break;
        const m = DESCRIPTION.exec(line.text);
        if (m) {
          description = m[1]!.trim();
          break;
        }
      }
      const by = links.get(name) ?? [];
      yield ServiceRecord.create({
        ...EMPTY,
        ts: statOrNull(t, p)?.mtime ?? null,
        type: "sysvinit",
        name,
        state: by.length > 0 ? "enabled" : "disabled",
        enabled: by.length > 0,
        enabled_by: by,
        description,
        filepath: p,
      });
    }
  }
}

export function* rcLocal(t: Target, ctx: FunctionContext) {
  const seen = new Set<string>();
  for (const p of ["/etc/rc.local", "/etc/rc.d/rc.local"]) {
    const st = statOrNull(t, p);
    if (!st || st.type !== "file") continue;
    const real = t.fs.realpath(p); // RHEL: /etc/rc.local → rc.d/rc.local
    if (seen.has(real)) continue;
    seen.add(real);
    const commands: string[] = [];
    for (const line of configLines(t, ctx, p)) {
      const s = line.text.trim();
      if (!s || s.startsWith("#")) continue;
      if (commands.length === RC_LOCAL_COMMANDS) {
        ctx.warn({ message: `more than ${RC_LOCAL_COMMANDS} command lines: the rest are not listed`, file: p, offset: line.offset });
        break;
      }
      commands.push(s);
    }
    const executable = (st.mode & 0o111) !== 0;
    yield ServiceRecord.create({ ...EMPTY, ts: st.mtime, type: "rc.local", name: base(p), state: executable ? "enabled" : "disabled", enabled: executable, exec_start: commands, filepath: p });
  }
}

const EMPTY = {
  scope: "system",
  owner: null,
  enabled_by: [],
  description: null,
  exec_start: [],
  exec_start_pre: [],
  exec_start_post: [],
  exec_stop: [],
  user: null,
  group: null,
  environment: [],
  environment_file: [],
  service_type: null,
  on_calendar: [],
  on_boot_sec: [],
  on_unit_active_sec: [],
  timer_unit: null,
  wanted_by: [],
  required_by: [],
  dropins: [],
  shadowed: [],
  link_target: null,
};
