// The target's last activity: the newest modification time among its logs, and which file it is. dissect's
// `activity` answers the same question from /var/log; a log is written while the host runs, so its newest
// mtime is close to when the host was last up (collection tools touch none of them: they copy with times kept).
import { absent, definePlugin, ok, Timestamp, withSource, type RootFilesystem } from "quarry";

export const ACTIVITY_ROOT = "/var/log";
/** Entries looked at before giving up on a bigger tree (a real /var/log holds hundreds). */
export const ACTIVITY_SCAN_LIMIT = 50_000;

export interface Activity {
  ts: Timestamp;
  file: string;
  /** True when the walk stopped at ACTIVITY_SCAN_LIMIT entries. */
  partial: boolean;
}

/** The newest regular file under /var/log by mtime (ties: the first in walk order). */
export function lastActivity(fs: RootFilesystem): Activity | null {
  let best: { ts: Timestamp; file: string } | null = null;
  let seen = 0;
  for (const { path, entry } of fs.walk(ACTIVITY_ROOT)) {
    if (++seen > ACTIVITY_SCAN_LIMIT) return best && { ...best, partial: true };
    if (entry.type !== "file") continue;
    let mtime: Timestamp | null;
    try {
      mtime = fs.lstat(path).mtime;
    } catch {
      continue;
    }
    if (mtime && (!best || mtime.compare(best.ts) > 0)) best = { ts: mtime, file: path };
  }
  return best && { ...best, partial: false };
}

export default definePlugin({
  name: "activity",
  path: "os.unix.activity",
  description: "The last activity of the target: the newest modification time under /var/log",
  paths: [`${ACTIVITY_ROOT}/**`],
  checkCompatible: (t) => (t.fs.isDir(ACTIVITY_ROOT) ? ok() : absent(`no ${ACTIVITY_ROOT}`)),
  functions: {
    activity: {
      output: "value",
      description: "The newest modification time of a file under /var/log (the file it is: the record's filepath)",
      value: (t, ctx) => {
        const a = lastActivity(t.fs);
        if (!a) return null;
        if (a.partial) ctx.warn({ message: `more than ${ACTIVITY_SCAN_LIMIT} entries: the newest of the first ${ACTIVITY_SCAN_LIMIT}`, file: ACTIVITY_ROOT });
        return withSource(a.ts.isoformat(), a.file);
      },
    },
  },
});
