// wtmp: the login history (/var/log/wtmp*, rotated and gzip'd copies, and wtmpdb databases), and the login
// analysis on it: sessions and uptime windows.
import { absent, definePlugin, ok } from "quarry";
import { BootIndex } from "../logins/boots.js";
import { sessionsFromRows, sessionsNewestFirst } from "../logins/sessions.js";
import { uptimeWindows } from "../logins/uptime.js";
import { backward, BYTE_ORDER_ARG, forward, hasAny, QUIET, toRecord, WTMP_GLOBS, withOpenFiles } from "./common.js";
import { SessionRecord, UptimeRecord, WtmpRecord } from "./records.js";

export default definePlugin({
  name: "wtmp",
  path: "os.unix.log.utmp.wtmp",
  description: "Login history from wtmp (utmp format, rotated, gzip'd) and wtmpdb",
  paths: WTMP_GLOBS,
  checkCompatible: (t) => (hasAny(t, WTMP_GLOBS) ? ok() : absent("no /var/log/wtmp*, /var/lib/wtmpdb/wtmp*.db")),
  functions: {
    wtmp: {
      output: "records",
      description: "Every wtmp record (and wtmpdb row), in file order, oldest rotation first",
      records: [WtmpRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, WTMP_GLOBS, ctx, function* (o) {
          for (const e of forward(o, ctx)) yield toRecord(WtmpRecord, e);
        }),
    },
    sessions: {
      output: "records",
      description: "Login sessions from wtmp: login, logout and why it ended; newest appended login first",
      records: [SessionRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, WTMP_GLOBS, ctx, function* (o) {
          // wtmpdb databases (newer history) first, then the utmp-format files as one chain of rotations. The
          // boots of every database are indexed first: a session row may end in another (rotated) database.
          const db = o.files.filter((f) => f.kind === "wtmpdb");
          const legacy = o.files.filter((f) => f.kind === "utmp");
          const boots = db.length ? new BootIndex(forward(o, QUIET, db)) : null;
          const histories = [boots ? sessionsFromRows(backward(o, ctx, db), boots) : [], sessionsNewestFirst(backward(o, ctx, legacy))];
          for (const sessions of histories) {
            for (const s of sessions) {
              const e = s.login;
              yield SessionRecord.create({
                user: e.user,
                line: e.line,
                id: e.id,
                host: e.host,
                addr: e.addr,
                pid: e.pid,
                utmp_session: e.session,
                login: e.ts,
                logout: s.logout,
                end_reason: s.endReason,
                duration: s.duration,
                filepath: e.file,
              });
            }
          }
        }),
    },
    uptime: {
      output: "records",
      description: "Uptime windows, one per boot: until shutdown, crash (a boot without shutdown) or still running",
      records: [UptimeRecord],
      args: [BYTE_ORDER_ARG],
      run: (t, ctx) =>
        withOpenFiles(t, WTMP_GLOBS, ctx, function* (o) {
          const db = o.files.filter((f) => f.kind === "wtmpdb");
          const legacy = o.files.filter((f) => f.kind === "utmp");
          for (const files of [legacy, db]) {
            for (const w of uptimeWindows(forward(o, ctx, files))) {
              yield UptimeRecord.create({
                boot: w.boot.ts,
                end: w.end,
                end_reason: w.endReason,
                kernel: w.boot.host,
                duration: w.duration,
                filepath: w.boot.file,
              });
            }
          }
        }),
    },
  },
});
