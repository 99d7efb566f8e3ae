// sshd_config(5) as OpenSSH's servconf.c reads it: "Keyword args" or "Keyword=args", keywords case-insensitive,
// arguments split on blanks with double quotes grouping; Include (globs, relative to /etc/ssh, sorted, up to 16
// deep; a Match inside an included file ends with that file); Match blocks up to the next Match or the end.
// For most keywords the first value obtained wins; a few add up over lines (Port, ListenAddress, HostKey,
// AcceptEnv, Allow/DenyUsers, Allow/DenyGroups); a second Subsystem of one name makes sshd refuse to start.
import type { FunctionContext, Target } from "quarry";
import { chompCr, configLines, normalizePath } from "../textconfig.js";

export const SSHD_CONFIG = "/etc/ssh/sshd_config";
const SSH_DIR = "/etc/ssh";
/** servconf.c's SERVCONF_MAX_DEPTH. */
const MAX_INCLUDE_DEPTH = 16;

const ACCUMULATING = new Set(["port", "listenaddress", "hostkey", "hostcertificate", "acceptenv", "allowusers", "denyusers", "allowgroups", "denygroups"]);

/** Canonical spelling of the keywords this plugin's readers look at (the rest keep the file's spelling). */
const CANONICAL = new Map(
  [
    "AcceptEnv", "AllowAgentForwarding", "AllowGroups", "AllowStreamLocalForwarding", "AllowTcpForwarding", "AllowUsers",
    "AuthenticationMethods", "AuthorizedKeysCommand", "AuthorizedKeysCommandUser", "AuthorizedKeysFile",
    "AuthorizedPrincipalsFile", "Banner", "ChallengeResponseAuthentication", "ChrootDirectory", "ClientAliveCountMax",
    "ClientAliveInterval", "DenyGroups", "DenyUsers", "ForceCommand", "GatewayPorts", "HostbasedAuthentication",
    "HostCertificate", "HostKey", "Include", "KbdInteractiveAuthentication", "ListenAddress", "LogLevel",
    "LoginGraceTime", "Match", "MaxAuthTries", "MaxSessions", "PasswordAuthentication", "PermitEmptyPasswords",
    "PermitListen", "PermitOpen", "PermitRootLogin", "PermitTTY", "PermitTunnel", "PermitUserEnvironment",
    "PermitUserRC", "Port", "PrintMotd", "PubkeyAuthentication", "SetEnv", "StrictModes", "Subsystem", "SyslogFacility",
    "TrustedUserCAKeys", "UsePAM", "X11Forwarding",
  ].map((k) => [k.toLowerCase(), k]),
);

/** OpenSSH's compiled-in defaults (9.x) of the settings triage asks about, for a config that does not set them. */
export const SSHD_DEFAULTS: readonly (readonly [string, readonly string[]])[] = [
  ["PermitRootLogin", ["prohibit-password"]],
  ["PasswordAuthentication", ["yes"]],
  ["PubkeyAuthentication", ["yes"]],
  ["KbdInteractiveAuthentication", ["yes"]],
  ["PermitEmptyPasswords", ["no"]],
  ["AuthorizedKeysFile", [".ssh/authorized_keys", ".ssh/authorized_keys2"]],
  ["Port", ["22"]],
];

export interface SshdSetting {
  keyword: string;
  args: string[];
  /** The Match criteria of the block holding the line; null in the global part. */
  match: string | null;
  /** sshd takes this line (first value wins in its part of the config; some keywords add up). */
  effective: boolean;
  file: string;
  lineno: number;
  offset: number;
}

/** sshd's argv_split: blanks separate, double quotes group (a backslash escapes the next character). */
export function splitArgs(text: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
    if (i >= text.length) break;
    let arg = "";
    let quoted = false;
    while (i < text.length && (quoted || (text[i] !== " " && text[i] !== "\t"))) {
      const c = text[i]!;
      if (c === "\\" && i + 1 < text.length) {
        arg += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '"') quoted = !quoted;
      else arg += c;
      i++;
    }
    if (quoted) return null;
    out.push(arg);
  }
  return out;
}

/** "Keyword args", "Keyword=args", "Keyword = args" → [keyword, rest]; null when there is no keyword. */
export function splitKeyword(line: string): [string, string] | null {
  const m = /^([A-Za-z0-9]+)(?:[ \t]*=[ \t]*|[ \t]+|$)(.*)$/s.exec(line);
  return m ? [m[1]!, m[2]!] : null;
}

interface Scope {
  match: string | null;
  seen: Set<string>;
}

/**
 * Every setting line of the target's sshd configuration in the order sshd reads it (Includes expanded where
 * they stand), each marked effective or not. Lines sshd would refuse are warnings with file and line.
 */
export function* readSshdConfig(t: Target, ctx: FunctionContext, main = SSHD_CONFIG): Generator<SshdSetting> {
  const global: Scope = { match: null, seen: new Set() };
  const subsystems = new Set<string>();
  function* file(path: string, depth: number, scope: Scope): Generator<SshdSetting, Scope> {
    for (const line of configLines(t, path, ctx)) {
      const text = chompCr(line.text).trim();
      if (!text || text.startsWith("#")) continue;
      const kw = splitKeyword(text);
      const args = kw ? splitArgs(kw[1]) : null;
      if (!kw || !args) {
        ctx.warn({ message: `line ${line.lineno}: ${kw ? "unbalanced quotes" : "no keyword"}; sshd refuses this configuration`, file: path, offset: line.offset });
        continue;
      }
      const keyword = CANONICAL.get(kw[0].toLowerCase()) ?? kw[0];
      const lower = keyword.toLowerCase();
      if (lower === "match") {
        if (!args.length) ctx.warn({ message: `line ${line.lineno}: Match without criteria`, file: path, offset: line.offset });
        scope = args.length === 1 && args[0]!.toLowerCase() === "all" ? global : { match: args.join(" "), seen: new Set() };
        continue;
      }
      if (lower === "include") {
        for (const pattern of args) {
          const abs = normalizePath(pattern.startsWith("/") ? pattern : `${SSH_DIR}/${pattern}`);
          if (depth + 1 > MAX_INCLUDE_DEPTH) {
            ctx.warn({ message: `line ${line.lineno}: Include ${pattern} nested more than ${MAX_INCLUDE_DEPTH} deep; sshd refuses this configuration`, file: path, offset: line.offset });
            continue;
          }
          // glob resolves inside the target; a pattern matching nothing is no error to sshd either
          for (const inc of /[*?[]/.test(abs) ? t.fs.glob(abs) : [abs]) {
            if (!t.fs.isFile(inc)) continue;
            // a Match begun in the included file ends with it; one around the Include goes on after it
            yield* file(inc, depth + 1, scope);
          }
        }
        continue;
      }
      let effective: boolean;
      if (ACCUMULATING.has(lower)) effective = true;
      else if (lower === "subsystem") {
        // sshd 9 refuses a second Subsystem of one name ("already defined") and does not start
        const name = `${scope.match ?? ""}\0${args[0] ?? ""}`;
        effective = !subsystems.has(name);
        if (!effective) ctx.warn({ message: `line ${line.lineno}: Subsystem ${args[0] ?? ""} already defined; sshd refuses this configuration`, file: path, offset: line.offset });
        subsystems.add(name);
      } else {
        effective = !scope.seen.has(lower);
        scope.seen.add(lower);
      }
      yield { keyword, args, match: scope.match, effective, file: path, lineno: line.lineno, offset: line.offset };
    }
    return scope;
  }
  if (t.fs.isFile(main)) yield* file(main, 0, global);
}

/** The effective AuthorizedKeysFile patterns: the global one (or the default) and those of Match blocks. */
export function authorizedKeysPatterns(t: Target, ctx: FunctionContext): string[] {
  const out: string[] = [];
  let global: string[] | null = null;
  for (const s of readSshdConfig(t, ctx)) {
    if (s.keyword !== "AuthorizedKeysFile" || !s.effective) continue;
    if (s.match === null) global = s.args;
    else out.push(...s.args);
  }
  return [...new Set([...(global ?? SSHD_DEFAULTS.find(([k]) => k === "AuthorizedKeysFile")![1]), ...out])].filter((p) => p.toLowerCase() !== "none");
}
