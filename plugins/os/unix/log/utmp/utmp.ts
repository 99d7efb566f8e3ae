// utmp: who was logged in when the snapshot was taken (/run/utmp, /var/run/utmp: one file read once), and the
// live_users analysis.
import { absent, definePlugin, ok } from "quarry";
import { liveUsers } from "../logins/live.js";
import { BYTE_ORDER_ARG, forward, hasAny, toRecord, UTMP_GLOBS, withOpenFiles } from "./common.js";
import { LiveUserRecord, UtmpRecord } from "./records.js";

export default definePlugin({
  name: "utmp",
  path: "os.unix.log.utmp.utmp",
  description: "Current logins from utmp",
  paths: UTMP_GLOBS,
  checkCompatible: (t) => (hasAny(t, UTMP_GLOBS) ? ok() : absent("no /run/utmp*, /var/run/utmp*")),
  functions: {
    utmp: {
      output: "records",
      description: "Every utmp record, in file order",
      records: [UtmpRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, UTMP_GLOBS, ctx, function* (o) {
          for (const e of forward(o, ctx)) yield toRecord(UtmpRecord, e);
        }),
    },
    live_users: {
      output: "records",
      description: "Users logged in per utmp snapshot: the latest record of each line wins; newest login first",
      records: [LiveUserRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, UTMP_GLOBS, ctx, function* (o) {
          for (const f of o.files) {
            for (const e of liveUsers(forward(o, ctx, [f]))) {
              yield LiveUserRecord.create({
                user: e.user,
                line: e.line,
                id: e.id,
                host: e.host,
                addr: e.addr,
                pid: e.pid,
                login: e.ts,
                filepath: e.file,
              });
            }
          }
        }),
    },
  },
});
