// sudoers against sudo's own reading of the same files: `sudo -l -U USER` (sudo 1.9.13p3, run in the target's
// /etc by fixtures/accounts/sudo_l.sh) lists what each user may run on the host, aliases expanded, with the
// run-as and NOPASSWD of every command. The test expands the records' aliases, users and groups the way
// sudoers(5) defines them and must reach sudo's list: every (run-as, command, password or not) of every user.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, hostFromEtc, readFixture, runPath, WEB01 } from "../triage-helpers.js";

type Entry = string; // "runas | command | NOPASSWD or PASSWD"

/** sudo -l's "may run" list: "    (runas) [OPTIONS] [TAGS:] cmd, cmd" with wrapped lines joined. */
function sudoList(text: string): Set<Entry> {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes("may run the following commands"));
  const out = new Set<Entry>();
  if (at < 0) return out;
  const entries: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (/^ {4}\(/.test(l)) entries.push(l.trim());
    else if (/^ {8}/.test(l) && entries.length) entries[entries.length - 1] += " " + l.trim();
  }
  for (const e of entries) {
    const m = /^\(([^)]*)\)\s*(.*)$/.exec(e)!;
    let nopasswd = false;
    for (let item of m[2]!.split(", ")) {
      for (;;) {
        const tag = /^([A-Z_]+): /.exec(item) ?? /^([A-Z_]+)=\S+ /.exec(item);
        if (!tag) break;
        if (tag[1] === "NOPASSWD") nopasswd = true;
        if (tag[1] === "PASSWD") nopasswd = false;
        item = item.slice(tag[0].length);
      }
      out.add(`${m[1]} | ${item} | ${nopasswd ? "NOPASSWD" : "PASSWD"}`);
    }
  }
  return out;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** What the records say USER may run on HOST, expanded as sudoers(5) says (last matching rule order is kept). */
function fromRecords(records: Record<string, unknown>[], user: Account, groups: Map<string, { gid: number; members: string[] }>, host: string): Set<Entry> {
  const aliases = new Map<string, string[]>();
  for (const r of records) if (r.alias_name) aliases.set(`${r.alias_type}:${r.alias_name}`, r.members as string[]);
  const expand = (kind: string, items: string[]): string[] => items.flatMap((i) => {
    const neg = i.startsWith("!") ? "!" : "";
    const name = neg ? i.slice(1) : i;
    const a = aliases.get(`${kind}:${name}`);
    return a ? expand(kind, a).map((x) => neg + x) : [i];
  });
  const inGroup = (g: string): boolean => {
    const byGid = g.startsWith("#") ? Number(g.slice(1)) : null;
    for (const [name, grp] of groups) {
      if ((byGid !== null ? grp.gid === byGid : name === g) && (grp.gid === user.gid || grp.members.includes(user.name))) return true;
    }
    return byGid !== null && byGid === user.gid;
  };
  const userMatches = (u: string): boolean => u === "ALL" || u === user.name || u === `#${user.uid}` || (u.startsWith("%") && inGroup(u.slice(1)));
  const out = new Set<Entry>();
  for (const r of records) {
    if (!r.commands) continue;
    if (!expand("User_Alias", r.users as string[]).some(userMatches)) continue;
    if (!expand("Host_Alias", r.hosts as string[]).some((h) => h === "ALL" || h === host)) continue;
    const ru = expand("Runas_Alias", r.runas_users as string[]);
    const rg = expand("Runas_Alias", r.runas_groups as string[]);
    // no run-as list: sudo's runas_default, root
    const runas = ru.length || rg.length ? `${ru.join(", ")}${rg.length ? ` : ${rg.join(", ")}` : ""}`.trim() : "root";
    for (const c of expand("Cmnd_Alias", r.commands as string[])) out.add(`${runas} | ${c} | ${r.nopasswd ? "NOPASSWD" : "PASSWD"}`);
  }
  return out;
}

function accounts(passwd: string, group: string): { users: Map<string, Account>; groups: Map<string, { gid: number; members: string[] }> } {
  const users = new Map<string, Account>();
  for (const l of passwd.split("\n").filter(Boolean)) {
    const f = l.split(":");
    users.set(f[0]!, { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) });
  }
  const groups = new Map<string, { gid: number; members: string[] }>();
  for (const l of group.split("\n").filter(Boolean)) {
    const f = l.split(":");
    groups.set(f[0]!, { gid: Number(f[2]), members: f[3] ? f[3].split(",") : [] });
  }
  return { users, groups };
}

describe("sudoers as sudo -l reads it", () => {
  it("the grammar fixture: every user's commands, run-as and NOPASSWD", async () => {
    const host = hostFromEtc(path.join(FIXTURES, "accounts/sudoers"));
    fs.writeFileSync(path.join(host, "etc/hostname"), "web01\n");
    const { records } = await runPath("sudoers", host);
    const { users, groups } = accounts(
      `root:x:0:0::/root:/bin/bash\n${readFixture("accounts/sudoers/accounts.passwd")}`,
      `root:x:0:\n${readFixture("accounts/sudoers/accounts.group")}`,
    );
    const dir = path.join(FIXTURES, "accounts/sudoers/sudo-l");
    const checked = fs.readdirSync(dir).map((f) => /^sudo-l-(.*)\.txt$/.exec(f)![1]!);
    expect(checked.length).toBe(12);
    for (const u of checked) {
      const want = sudoList(fs.readFileSync(path.join(dir, `sudo-l-${u}.txt`), "utf8"));
      expect([u, [...fromRecords(records, users.get(u)!, groups, "web01")].sort()]).toEqual([u, [...want].sort()]);
    }
  });

  it("the sample host: www-data may run anything as anyone without a password", async () => {
    const { records } = await runPath("sudoers", WEB01);
    const { users, groups } = accounts(readFixture("hosts/web01/etc/passwd"), readFixture("hosts/web01/etc/group"));
    for (const u of ["root", "alice", "bob", "www-data"]) {
      const want = sudoList(readFixture(`ssh/web01/sudo-l-${u}.txt`));
      expect([u, [...fromRecords(records, users.get(u)!, groups, "web01")].sort()]).toEqual([u, [...want].sort()]);
    }
    expect([...sudoList(readFixture("ssh/web01/sudo-l-www-data.txt"))]).toEqual(["ALL : ALL | ALL | NOPASSWD"]);
  });
});
