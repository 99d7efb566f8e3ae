// ssh.authorized_keys: the keys that let someone log in as an account, from each home's ~/.ssh/authorized_keys
// and authorized_keys2 (sshd's default AuthorizedKeysFile) and the files the target's sshd_config names instead.
// One record per key line: options as sshd's auth-options.c splits them, the key's type, bits and fingerprint as
// `ssh-keygen -lf` prints them.
import { absent, definePlugin, defineRecord, ok, type FunctionContext, type Target } from "quarry";
import { accountHomes, chompCr, configLines, type AccountHome } from "../textconfig.js";
import { describeKey } from "./keyblob.js";
import { optionValue, parseKeyLine } from "./keyline.js";
import { authorizedKeysPatterns } from "./sshdconfig.js";

export const AuthorizedKeysRecord = defineRecord("application/ssh/openssh/authorized_keys", {
  // the account whose home (or AuthorizedKeysFile pattern) gives the file
  user: "string",
  key_type: "string",
  // base64 of the key blob, as in the file
  public_key: "string",
  comment: "string",
  // each option as written: command="…", from="…", no-pty, restrict …
  options: "string[]",
  // the command= value (unquoted): what runs instead of the user's shell
  forced_command: "string",
  // the from= patterns: the only client addresses or names the key is accepted from
  from_patterns: "string[]",
  // "SHA256:" and the unpadded base64 of the key blob's SHA-256, as ssh-keygen -l prints it
  fingerprint: "string",
  bits: "varint",
  lineno: "varint",
  filepath: "path",
});

/** AuthorizedKeysFile tokens (%h %u %U %%) for one account; relative patterns are below the home. */
export function expandPattern(pattern: string, a: AccountHome): string {
  const p = pattern.replace(/%([%hHuU])/g, (_, c: string) => (c === "%" ? "%" : c === "h" || c === "H" ? a.home : c === "u" ? a.user : String(a.uid ?? "")));
  return p.startsWith("/") ? p : `${a.home}/${p}`;
}

function keyFiles(t: Target, ctx: FunctionContext): { user: string; path: string }[] {
  const quiet: FunctionContext = { args: ctx.args, warn: () => {}, error: () => {} }; // sshd_config tells its own
  const patterns = [...new Set([...authorizedKeysPatterns(t, quiet), ".ssh/authorized_keys", ".ssh/authorized_keys2"])];
  const out: { user: string; path: string }[] = [];
  const seen = new Set<string>();
  for (const a of accountHomes(t)) {
    for (const pattern of patterns) {
      const path = expandPattern(pattern, a).replace(/\/{2,}/g, "/");
      if (seen.has(path) || !t.fs.isFile(path)) continue;
      seen.add(path);
      out.push({ user: a.user, path });
    }
  }
  return out;
}

const MAX_LINE_WARNINGS = 50;

export default definePlugin({
  name: "ssh.authorized_keys",
  path: "os.unix.ssh.authorized_keys",
  namespace: "ssh",
  description: "OpenSSH authorized_keys of every account",
  paths: ["/root/.ssh/authorized_keys", "/root/.ssh/authorized_keys2", "~/.ssh/authorized_keys", "~/.ssh/authorized_keys2", "AuthorizedKeysFile of /etc/ssh/sshd_config"],
  checkCompatible: (t) => (keyFiles(t, { args: {}, warn: () => {}, error: () => {} }).length ? ok() : absent("no authorized_keys in any home directory")),
  functions: {
    "ssh.authorized_keys": {
      output: "records",
      description: "One record per key of each authorized_keys file: options (command=, from= …), key type, bits, SHA256 fingerprint, comment",
      records: [AuthorizedKeysRecord],
      *run(t, ctx) {
        for (const { user, path } of keyFiles(t, ctx)) {
          let odd = 0;
          for (const line of configLines(t, path, ctx)) {
            const text = chompCr(line.text).trim();
            if (!text || text.startsWith("#")) continue;
            const k = parseKeyLine(text);
            const described = typeof k === "string" ? null : describeKey(k.key);
            const why = typeof k === "string" ? k : typeof described === "string" ? described : null;
            if (why !== null && ++odd <= MAX_LINE_WARNINGS) ctx.warn({ message: `line ${line.lineno}: ${why}; sshd skips this line`, file: path, offset: line.offset });
            if (typeof k === "string") continue;
            const info = typeof described === "string" ? null : described;
            if (info && info.type !== k.keyType && !(k.keyType.startsWith("rsa-sha2-") && info.type === "ssh-rsa")) {
              ctx.warn({ message: `line ${line.lineno}: the line says ${k.keyType} but the key is ${info.type}; sshd skips this line`, file: path, offset: line.offset });
            }
            const from = optionValue(k.options, "from");
            yield AuthorizedKeysRecord.create({
              user,
              key_type: k.keyType,
              public_key: k.key,
              comment: k.comment,
              options: k.options,
              forced_command: optionValue(k.options, "command"),
              from_patterns: from === null ? [] : from.split(","),
              fingerprint: info?.fingerprint ?? null,
              bits: info?.bits ?? null,
              lineno: line.lineno,
              filepath: path,
            });
          }
          if (odd > MAX_LINE_WARNINGS) ctx.warn({ message: `${odd - MAX_LINE_WARNINGS} more lines that are no key`, file: path });
        }
      },
    },
  },
});
