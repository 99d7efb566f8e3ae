// btmp: failed login attempts (/var/log/btmp*), and the failed_logins analysis.
import { absent, type ArgSpec, definePlugin, ok } from "quarry";
import { countFailed, type CountBy } from "../logins/failed.js";
import { backward, BTMP_GLOBS, BYTE_ORDER_ARG, forward, hasAny, toRecord, withOpenFiles } from "./common.js";
import { BtmpRecord, FailedLoginCountRecord, FailedLoginRecord } from "./records.js";

const BY_ARG: ArgSpec = {
  name: "by",
  type: "string",
  choices: ["addr", "host", "user"],
  help: "count attempts by source address, host name or user instead of listing them",
};

export default definePlugin({
  name: "btmp",
  path: "os.unix.log.utmp.btmp",
  description: "Failed login attempts from btmp",
  paths: BTMP_GLOBS,
  checkCompatible: (t) => (hasAny(t, BTMP_GLOBS) ? ok() : absent("no /var/log/btmp*")),
  functions: {
    btmp: {
      output: "records",
      description: "Every btmp record, in file order, oldest rotation first",
      records: [BtmpRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, BTMP_GLOBS, ctx, function* (o) {
          for (const e of forward(o, ctx)) yield toRecord(BtmpRecord, e);
        }),
    },
    failed_logins: {
      output: "records",
      description: "Failed logins newest appended first (lastb's order); with --by, counts per address, host or user",
      records: [FailedLoginRecord, FailedLoginCountRecord],
      args: [BY_ARG, BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, BTMP_GLOBS, ctx, function* (o) {
          const by = ctx.args.by as CountBy | undefined;
          if (by) {
            const filepath = o.files.length === 1 ? o.files[0]!.path : null;
            for (const c of countFailed(forward(o, ctx), by)) {
              yield FailedLoginCountRecord.create({ by, key: c.key, count: c.count, first_seen: c.firstSeen, last_seen: c.lastSeen, filepath });
            }
            return;
          }
          for (const e of backward(o, ctx)) {
            if (e.implausible) continue;
            yield FailedLoginRecord.create({ ts: e.ts, user: e.user, line: e.line, host: e.host, addr: e.addr, filepath: e.file });
          }
        }),
    },
  },
});
