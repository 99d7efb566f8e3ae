// Local accounts from /etc/passwd (and its backup /etc/passwd-), one unix/user record each.
import { absent, definePlugin, defineRecord, FsError, ok, PASSWD_FILE_LIMIT, parsePasswd, type Target, type TextHead } from "quarry";

export const UnixUserRecord = defineRecord("unix/user", {
  name: "string",
  passwd: "string",
  uid: "varint",
  gid: "varint",
  gecos: "string",
  home: "path",
  shell: "path",
  filepath: "path",
});

const FILES = ["/etc/passwd", "/etc/passwd-"];

export default definePlugin({
  name: "users",
  path: "os.unix.users",
  description: "Local user accounts",
  paths: FILES,
  // lexists: a passwd that is there but cannot be read (a link loop, a path past PATH_MAX) is an error, not absent.
  checkCompatible: (t) => (FILES.some((f) => t.fs.lexists(f)) ? ok() : absent("no /etc/passwd")),
  functions: {
    users: {
      output: "records",
      description: "Accounts from /etc/passwd and /etc/passwd- (deduplicated on name, home and shell)",
      records: [UnixUserRecord],
      *run(t, ctx) {
        const seen = new Set<string>();
        for (const file of FILES) {
          if (!t.fs.lexists(file)) continue;
          let head: TextHead;
          try {
            head = t.fs.readTextHead(file, PASSWD_FILE_LIMIT);
          } catch (e) {
            // A link to nothing inside the target (e.g. to the acquiring host's path) is no account file: worth
            // telling, not an error. A loop or a path past PATH_MAX is damage: an error.
            if (e instanceof FsError && e.code === "ENOENT") ctx.warn({ message: `a symbolic link to ${danglingTarget(t, file)}, which is not in the target; skipped`, file });
            else ctx.error({ message: `unreadable: ${(e as Error).message}`, file });
            continue;
          }
          for (const e of parsePasswd(head.text, (p) => ctx.warn({ ...p, file }))) {
            const key = `${e.name}\0${e.home}\0${e.shell}`;
            if (seen.has(key)) continue;
            seen.add(key);
            yield UnixUserRecord.create({
              name: e.name,
              passwd: e.passwd,
              uid: e.uid,
              gid: e.gid,
              gecos: e.gecos,
              home: e.home,
              shell: e.shell,
              filepath: file,
            });
          }
          if (head.truncated) {
            const message = `${head.size} bytes, more than an account file holds: only the first ${head.end} were read (at most ${PASSWD_FILE_LIMIT}, in whole lines)`;
            ctx.warn({ message, file, offset: head.end });
          }
        }
      },
    },
  },
});

function danglingTarget(t: Target, file: string): string {
  try {
    return JSON.stringify(t.fs.readlink(file));
  } catch {
    return "a missing path";
  }
}
