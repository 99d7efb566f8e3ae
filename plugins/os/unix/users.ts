// Local accounts from /etc/passwd (and its backup /etc/passwd-), one unix/user record each.
import { defineRecord } from "../../../src/records/descriptor.js";
import { absent, definePlugin, ok } from "../../../src/plugin/define.js";

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

function intOrNull(s: string | undefined): number | null {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;
}

export default definePlugin({
  name: "users",
  path: "os.unix.users",
  description: "Local user accounts",
  paths: FILES,
  checkCompatible: (t) => (FILES.some((f) => t.fs.isFile(f)) ? ok() : absent("no /etc/passwd")),
  functions: {
    users: {
      output: "records",
      description: "Accounts from /etc/passwd and /etc/passwd- (deduplicated on name, home and shell)",
      records: [UnixUserRecord],
      *run(t, ctx) {
        const seen = new Set<string>();
        for (const file of FILES) {
          if (!t.fs.isFile(file)) continue;
          const text = t.fs.readText(file);
          let offset = 0;
          for (const line of text.split("\n")) {
            const at = offset;
            offset += Buffer.byteLength(line, "utf8") + 1;
            if (!line.trim() || line.startsWith("#")) continue;
            const f = line.replace(/\r$/, "").split(":");
            if (f.length < 7) {
              ctx.warn({ message: `malformed passwd line (${f.length} fields)`, file, offset: at });
              continue;
            }
            const key = `${f[0]}\0${f[5]}\0${f[6]}`;
            if (seen.has(key)) continue;
            seen.add(key);
            yield UnixUserRecord.create({
              name: f[0]!,
              passwd: f[1]!,
              uid: intOrNull(f[2]),
              gid: intOrNull(f[3]),
              gecos: f[4]!,
              home: f[5] || null,
              shell: f.slice(6).join(":") || null,
              filepath: file,
            });
          }
        }
      },
    },
  },
});
