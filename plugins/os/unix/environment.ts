// Files a login or shell reads at start: /etc/environment (pam_env), /etc/profile and profile.d, the shells'
// system rc files, and each home's .bashrc, .profile, .zshrc …: a line appended to one runs at every login.
// Listed as entries (mtime, size: what changed when); their lines only on request (--lines), since a stock
// .bashrc is a hundred lines. /etc/environment's NAME=value settings are records of their own.
import { absent, definePlugin, defineRecord, ok, type Target } from "quarry";
import { configLines, filesIn, lineWarning, shown, statOrNull } from "./configlines.js";
import { EnvironmentVariableRecord } from "./envvar.js";
import { homes } from "./homes.js";

export const StartupFileRecord = defineRecord("unix/environment/file", {
  ts: "datetime",
  size: "filesize",
  // whose home it lies in; null for the files in /etc
  user: "string",
  filepath: "path",
});

export const StartupLineRecord = defineRecord("unix/environment/line", {
  user: "string",
  line: "string",
  lineno: "varint",
  filepath: "path",
});

const ETC_ENVIRONMENT = "/etc/environment";
const SYSTEM = ["/etc/environment", "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/zsh/zshenv", "/etc/zsh/zprofile", "/etc/zsh/zshrc", "/etc/zsh/zlogin", "/etc/zshenv", "/etc/zprofile", "/etc/zshrc", "/etc/zlogin", "/etc/fish/config.fish"];
const SYSTEM_DIRS = ["/etc/profile.d", "/etc/fish/conf.d"];
const USER = [".profile", ".bash_profile", ".bash_login", ".bashrc", ".bash_logout", ".zshenv", ".zprofile", ".zshrc", ".zlogin", ".pam_environment", ".config/fish/config.fish"];
// pam_env's /etc/environment: NAME=value, the value optionally quoted; some write "export NAME=value".
const ASSIGNMENT = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
// Variables that load code into every program started from the environment.
const LOADER_VARIABLES = new Set(["LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT"]);

export function startupFiles(t: Target): { path: string; user: string | null }[] {
  const out: { path: string; user: string | null }[] = [];
  const seen = new Set<string>();
  // a file reached twice (RHEL's /etc/bashrc and a link to it, a .bash_profile linked to .profile) is listed once
  const add = (path: string, user: string | null): void => {
    if (!t.fs.isFile(path)) return;
    const real = t.fs.realpath(path);
    if (seen.has(real)) return;
    seen.add(real);
    out.push({ path, user });
  };
  for (const p of SYSTEM) add(p, null);
  for (const d of SYSTEM_DIRS) for (const p of filesIn(t, d)) add(p, null);
  for (const h of homes(t)) for (const n of USER) add(`${h.home}/${n}`, h.user);
  return out;
}

function unquote(v: string): string {
  const s = v.trim();
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s;
}

export default definePlugin({
  name: "environment",
  path: "os.unix.environment",
  description: "Shell startup files and /etc/environment",
  paths: [...SYSTEM, "/etc/profile.d/*", ...USER.map((n) => `~/${n}`)],
  checkCompatible: (t) => (startupFiles(t).length ? ok() : absent("no /etc/environment, /etc/profile, profile.d, shell rc file or home startup file")),
  functions: {
    environment: {
      output: "records",
      description:
        "One record per shell startup file (/etc/profile, profile.d/*, bash.bashrc, each home's .bashrc, .profile, .zshrc …) with mtime and size; /etc/environment's settings; with --lines, every line of them",
      records: [StartupFileRecord, EnvironmentVariableRecord, StartupLineRecord],
      args: [{ name: "lines", type: "boolean", default: false, help: "also one record per non-blank, non-comment line of each file" }],
      *run(t, ctx) {
        const withLines = ctx.args.lines === true;
        for (const f of startupFiles(t)) {
          const st = statOrNull(t, f.path);
          yield StartupFileRecord.create({ ts: st?.mtime ?? null, size: st?.size ?? null, user: f.user, filepath: f.path });
          const isEnv = f.path === ETC_ENVIRONMENT;
          if (!isEnv && !withLines) continue;
          for (const line of configLines(t, ctx, f.path)) {
            const s = line.text.trim();
            if (!s || s.startsWith("#")) continue;
            if (withLines) yield StartupLineRecord.create({ user: f.user, line: line.text, lineno: line.lineno, filepath: f.path });
            if (!isEnv) continue;
            const m = ASSIGNMENT.exec(s);
            if (!m) {
              lineWarning(ctx, f.path, line, `not NAME=value: ${shown(line.text)}; pam_env skips it`);
              continue;
            }
            if (LOADER_VARIABLES.has(m[1]!)) lineWarning(ctx, f.path, line, `${m[1]} is set for every login session`);
            yield EnvironmentVariableRecord.create({ key: m[1]!, value: unquote(m[2]!), lineno: line.lineno, filepath: f.path });
          }
        }
      },
    },
  },
});
