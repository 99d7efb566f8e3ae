// login_defs: /etc/login.defs, shadow-utils' settings (login.defs(5)): "NAME value" lines. The ones triage looks at
// are the password aging defaults (PASS_MAX_DAYS …), ENCRYPT_METHOD, UID_MIN/UID_MAX (where "human" accounts
// start), UMASK, and the logging switches (FAILLOG_ENAB, LOG_OK_LOGINS, SYSLOG_SU_ENAB); every setting is given.
import { absent, definePlugin, defineRecord, ok } from "quarry";
import { chompCr, configLines } from "./textconfig.js";

export const LoginDefsRecord = defineRecord("unix/login_defs", {
  setting: "string",
  value: "string",
  lineno: "varint",
  filepath: "path",
});

const FILE = "/etc/login.defs";

export default definePlugin({
  name: "login_defs",
  path: "os.unix.login_defs",
  description: "Settings of /etc/login.defs (password aging, ENCRYPT_METHOD, UID ranges, logging)",
  paths: [FILE],
  checkCompatible: (t) => (t.fs.lexists(FILE) ? ok() : absent(`no ${FILE}`)),
  functions: {
    login_defs: {
      output: "records",
      description: "One record per setting of /etc/login.defs, in file order (shadow-utils uses the last of a repeated name)",
      records: [LoginDefsRecord],
      *run(t, ctx) {
        for (const line of configLines(t, FILE, ctx)) {
          const text = chompCr(line.text).trim();
          if (!text || text.startsWith("#")) continue;
          const m = /^([A-Za-z0-9_]+)(?:[ \t]+(.*))?$/.exec(text);
          if (!m) {
            ctx.warn({ message: `line ${line.lineno}: no setting name; skipped`, file: FILE, offset: line.offset });
            continue;
          }
          // getdef.c: the value may be double-quoted
          let value = (m[2] ?? "").trim();
          if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
          yield LoginDefsRecord.create({ setting: m[1]!, value, lineno: line.lineno, filepath: FILE });
        }
      },
    },
  },
});
