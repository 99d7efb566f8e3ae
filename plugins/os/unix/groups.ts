// groups: /etc/group (group(5): name:password:gid:members) joined with /etc/gshadow (gshadow(5):
// name:password:administrators:members) on the group name; a group only gshadow knows is kept too.
import { absent, definePlugin, defineRecord, ok, type FunctionContext, type Target } from "quarry";
import { chompCr, configLines } from "./textconfig.js";

export const UnixGroupRecord = defineRecord("unix/group", {
  name: "string",
  gid: "varint",
  // the group file's members (secondary members; a user's primary group is the gid in passwd)
  members: "string[]",
  // gshadow: who may change the group's password and members (gpasswd -A)
  admins: "string[]",
  // gshadow's member list (it should equal the group file's; where it does not, both are kept)
  gshadow_members: "string[]",
  // gshadow's password field: "!" or "*" (none), or a crypt(5) hash for newgrp
  gshadow_passwd: "string",
  lineno: "varint",
  filepath: "path",
});

const GROUP = "/etc/group";
const GSHADOW = "/etc/gshadow";

function list(s: string | undefined): string[] {
  return s ? s.split(",").map((x) => x.trim()).filter(Boolean) : [];
}

interface Shadowed {
  passwd: string;
  admins: string[];
  members: string[];
  lineno: number;
}

function gshadow(t: Target, ctx: FunctionContext): Map<string, Shadowed> {
  const out = new Map<string, Shadowed>();
  if (!t.fs.lexists(GSHADOW)) return out;
  for (const line of configLines(t, GSHADOW, ctx)) {
    const text = chompCr(line.text);
    if (!text.trim() || text.startsWith("#")) continue;
    const f = text.split(":");
    if (f.length !== 4 || !f[0]) {
      ctx.warn({ message: `line ${line.lineno}: ${f.length} fields, gshadow(5) has 4; skipped`, file: GSHADOW, offset: line.offset });
      continue;
    }
    if (!out.has(f[0])) out.set(f[0], { passwd: f[1]!, admins: list(f[2]), members: list(f[3]), lineno: line.lineno });
  }
  return out;
}

export default definePlugin({
  name: "groups",
  path: "os.unix.groups",
  description: "Local groups from /etc/group and /etc/gshadow",
  paths: [GROUP, GSHADOW],
  checkCompatible: (t) => (t.fs.lexists(GROUP) || t.fs.lexists(GSHADOW) ? ok() : absent("no /etc/group")),
  functions: {
    groups: {
      output: "records",
      description: "One record per group: gid, members, and gshadow's administrators and members",
      records: [UnixGroupRecord],
      *run(t, ctx) {
        const shadowed = gshadow(t, ctx);
        const done = new Set<string>();
        if (t.fs.lexists(GROUP)) {
          for (const line of configLines(t, GROUP, ctx)) {
            const text = chompCr(line.text);
            if (!text.trim() || text.startsWith("#")) continue;
            const f = text.split(":");
            if (f.length !== 4 || !f[0]) {
              ctx.warn({ message: `line ${line.lineno}: ${f.length} fields, group(5) has 4; skipped`, file: GROUP, offset: line.offset });
              continue;
            }
            const gid = /^\d{1,10}$/.test(f[2]!) ? Number(f[2]) : null;
            if (gid === null) ctx.warn({ message: `line ${line.lineno}: ${f[0]}: gid ${JSON.stringify(f[2]!.slice(0, 20))} is no number`, file: GROUP, offset: line.offset });
            const s = shadowed.get(f[0]);
            done.add(f[0]);
            yield UnixGroupRecord.create({
              name: f[0],
              gid,
              members: list(f[3]),
              admins: s?.admins ?? [],
              gshadow_members: s?.members ?? [],
              gshadow_passwd: s?.passwd ?? null,
              lineno: line.lineno,
              filepath: GROUP,
            });
          }
        }
        for (const [name, s] of shadowed) {
          if (done.has(name)) continue;
          yield UnixGroupRecord.create({ name, gid: null, members: [], admins: s.admins, gshadow_members: s.members, gshadow_passwd: s.passwd, lineno: s.lineno, filepath: GSHADOW });
        }
      },
    },
  },
});
