// ssh.known_hosts: the servers each account's ssh client has accepted (~/.ssh/known_hosts, known_hosts2) and the
// system-wide /etc/ssh/ssh_known_hosts(2). sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT": [@cert-authority|@revoked]
// patterns keytype key [comment]. One record per host pattern; a hashed name (|1|salt|hash, HashKnownHosts) stays
// hashed: the host it names is known only to whoever tries a name against it (ssh-keygen -F).
import { absent, definePlugin, defineRecord, ok, type Target } from "quarry";
import { accountHomes, chompCr, configLines } from "../textconfig.js";
import { describeKey, isKeyTypeName } from "./keyblob.js";

export const KnownHostRecord = defineRecord("application/ssh/openssh/known_host", {
  // the account whose ~/.ssh holds the file; null for /etc/ssh/ssh_known_hosts
  user: "string",
  // @cert-authority or @revoked; null for a plain host key
  marker: "string",
  // the pattern without its [ ]:port and ! (hashed: |1|salt|hash as written)
  host: "string",
  port: "varint",
  hashed: "boolean",
  // a !pattern: the key is never accepted for these hosts
  negated: "boolean",
  key_type: "string",
  public_key: "string",
  comment: "string",
  fingerprint: "string",
  bits: "varint",
  lineno: "varint",
  filepath: "path",
});

const SYSTEM_FILES = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];
const HASHED = /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/;
const MAX_LINE_WARNINGS = 50;

export interface HostPattern {
  host: string;
  port: number | null;
  hashed: boolean;
  negated: boolean;
}

/** One pattern of the comma-separated list: !negation, [host]:port, |1|salt|hash. */
export function parseHostPattern(p: string): HostPattern {
  const negated = p.startsWith("!");
  const body = negated ? p.slice(1) : p;
  if (HASHED.test(body)) return { host: body, port: null, hashed: true, negated };
  const m = /^\[([^\]]*)\]:(\d{1,5})$/.exec(body);
  if (m && Number(m[2]) <= 65535) return { host: m[1]!, port: Number(m[2]), hashed: false, negated };
  return { host: body, port: null, hashed: false, negated };
}

export interface KnownHostLine {
  marker: string | null;
  patterns: string[];
  keyType: string;
  key: string;
  comment: string;
}

/** A known_hosts line (trimmed, not a comment), or why it is none. */
export function parseKnownHostLine(text: string): KnownHostLine | string {
  const parts = text.split(/[ \t]+/);
  let marker: string | null = null;
  if (parts[0]!.startsWith("@")) {
    marker = parts.shift()!;
    if (marker !== "@cert-authority" && marker !== "@revoked") return `unknown marker ${JSON.stringify(marker.slice(0, 32))}`;
  }
  if (parts.length < 3) return "fewer than the host patterns, key type and key";
  const [hosts, keyType, key, ...comment] = parts as [string, string, string, ...string[]];
  if (!isKeyTypeName(keyType)) return `${JSON.stringify(keyType.slice(0, 64))} is no key type`;
  return { marker, patterns: hosts.split(",").filter(Boolean), keyType, key, comment: comment.join(" ") };
}

function files(t: Target): { user: string | null; path: string }[] {
  const out: { user: string | null; path: string }[] = [];
  for (const a of accountHomes(t)) {
    for (const name of ["known_hosts", "known_hosts2"]) {
      const path = `${a.home === "/" ? "" : a.home}/.ssh/${name}`;
      if (t.fs.isFile(path)) out.push({ user: a.user, path });
    }
  }
  for (const path of SYSTEM_FILES) if (t.fs.isFile(path)) out.push({ user: null, path });
  return out;
}

export default definePlugin({
  name: "ssh.known_hosts",
  path: "os.unix.ssh.known_hosts",
  namespace: "ssh",
  description: "OpenSSH known_hosts of every account and the system",
  paths: ["~/.ssh/known_hosts", "~/.ssh/known_hosts2", ...SYSTEM_FILES],
  checkCompatible: (t) => (files(t).length ? ok() : absent("no known_hosts in any home directory or /etc/ssh")),
  functions: {
    "ssh.known_hosts": {
      output: "records",
      description: "One record per host pattern of each known_hosts line: marker, host (hashed names kept hashed), port, key type, bits, SHA256 fingerprint",
      records: [KnownHostRecord],
      *run(t, ctx) {
        for (const { user, path } of files(t)) {
          let odd = 0;
          for (const line of configLines(t, path, ctx)) {
            const text = chompCr(line.text).trim();
            if (!text || text.startsWith("#")) continue;
            const k = parseKnownHostLine(text);
            const described = typeof k === "string" ? null : describeKey(k.key);
            const why = typeof k === "string" ? k : typeof described === "string" ? described : null;
            if (why !== null && ++odd <= MAX_LINE_WARNINGS) ctx.warn({ message: `line ${line.lineno}: ${why}; ssh skips this line`, file: path, offset: line.offset });
            if (typeof k === "string") continue;
            const info = typeof described === "string" ? null : described;
            for (const p of k.patterns) {
              const hp = parseHostPattern(p);
              yield KnownHostRecord.create({
                user,
                marker: k.marker,
                host: hp.host,
                port: hp.port,
                hashed: hp.hashed,
                negated: hp.negated,
                key_type: k.keyType,
                public_key: k.key,
                comment: k.comment,
                fingerprint: info?.fingerprint ?? null,
                bits: info?.bits ?? null,
                lineno: line.lineno,
                filepath: path,
              });
            }
          }
          if (odd > MAX_LINE_WARNINGS) ctx.warn({ message: `${odd - MAX_LINE_WARNINGS} more lines that are no host key`, file: path });
        }
      },
    },
  },
});
