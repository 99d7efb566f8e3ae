// ssh.sshd_config: the OpenSSH server's settings as sshd reads them, /etc/ssh/sshd_config with its Includes
// (sshd_config.d/*.conf on Debian and Fedora) expanded in place; each line marked effective or not (sshd keeps
// the first value of most keywords), the Match block it belongs to, and sshd's defaults for the settings triage
// asks about when no line sets them.
import { absent, definePlugin, defineRecord, ok } from "quarry";
import { readSshdConfig, SSHD_CONFIG, SSHD_DEFAULTS } from "./sshdconfig.js";

export const SshdConfigRecord = defineRecord("application/openssh/sshd_config_setting", {
  // as sshd_config(5) spells it (PermitRootLogin) for the keywords quarry knows; else as written
  keyword: "string",
  // the arguments joined by one blank
  value: "string",
  args: "string[]",
  // the criteria of the Match block holding the line ("User deploy-bot Address 10.20.30.0/24"); null: global
  match: "string",
  // sshd uses this line (first value wins within the global part or a Match block; Port, ListenAddress,
  // AcceptEnv, Allow/Deny… add up); false: an earlier line already set it
  effective: "boolean",
  // no line sets it: OpenSSH's compiled-in default (9.x; distributions may patch it)
  is_default: "boolean",
  lineno: "varint",
  // the file holding the line (an Include's file), or sshd_config for a default
  filepath: "path",
});

export default definePlugin({
  name: "ssh.sshd_config",
  path: "os.unix.ssh.sshd_config",
  namespace: "ssh",
  description: "OpenSSH server configuration with its Includes and Match blocks",
  paths: [SSHD_CONFIG, "/etc/ssh/sshd_config.d/*.conf"],
  checkCompatible: (t) => (t.fs.isFile(SSHD_CONFIG) ? ok() : absent(`no ${SSHD_CONFIG}`)),
  functions: {
    "ssh.sshd_config": {
      output: "records",
      description: "One record per setting line of sshd_config and its Includes (effective or overridden, Match criteria), and sshd's default for PermitRootLogin, PasswordAuthentication, PubkeyAuthentication, AuthorizedKeysFile, Port … when unset",
      records: [SshdConfigRecord],
      *run(t, ctx) {
        const set = new Set<string>();
        for (const s of readSshdConfig(t, ctx)) {
          if (s.match === null) set.add(s.keyword.toLowerCase());
          yield SshdConfigRecord.create({
            keyword: s.keyword,
            value: s.args.join(" "),
            args: s.args,
            match: s.match,
            effective: s.effective,
            is_default: false,
            lineno: s.lineno,
            filepath: s.file,
          });
        }
        for (const [keyword, args] of SSHD_DEFAULTS) {
          if (set.has(keyword.toLowerCase())) continue;
          for (const a of keyword === "Port" ? args.map((x) => [x]) : [args]) {
            yield SshdConfigRecord.create({ keyword, value: a.join(" "), args: [...a], match: null, effective: true, is_default: true, lineno: null, filepath: SSHD_CONFIG });
          }
        }
      },
    },
  },
});
