// sudoers against sudo: every fixture file passes `visudo -c -f`, and `visudo -c` run in the target's own /etc
// (fixtures/accounts/visudo_check.sh) lists the files sudo reads: the includes followed here must be those.
// The rule fields expected are written by hand from the fixture's text.
import { describe, expect, it } from "vitest";
import { symlink } from "../../../../../src/fs/memory.js";
import { asDirTarTgz, FIXTURES, fuzz, hostFromEtc, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

/** The files sudo read, in its order ("/etc/…: parsed OK"). */
const visudo = (f: string): string[] => readFixture(f).split("\n").filter(Boolean).map((l) => l.replace(/: parsed OK$/, ""));
/** The files these records came from, in the order they were read (the main file, then each include's). */
function filesRead(records: Record<string, unknown>[]): string[] {
  const out = ["/etc/sudoers"];
  for (const r of records) if (r.directive) for (const f of r.included as string[]) if (!out.includes(f)) out.push(f);
  return out;
}

describe("sudoers", () => {
  it("follows the includes sudo follows (visudo -c in the target), on a directory, a tar and a tar.gz", async () => {
    const host = hostFromEtc(`${FIXTURES}/accounts/sudoers`);
    const fs = await import("node:fs");
    fs.writeFileSync(`${host}/etc/hostname`, "web01\n");
    for (const p of asDirTarTgz(host)) {
      const r = await runPath("sudoers", p);
      expect(r.warnings).toEqual([]);
      expect(filesRead(r.records)).toEqual(visudo("accounts/sudoers/visudo-c.txt"));
      const dir = r.records.find((x) => x.directive === "#includedir")!;
      expect(dir.skipped).toEqual(["/etc/sudoers.d/30-tmp~", "/etc/sudoers.d/old.conf"]);
      const rules = r.records.filter((x) => x.commands);
      const at = (lineno: number) => rules.filter((x) => x.lineno === lineno && x.filepath === "/etc/sudoers");
      expect(at(18).map((x) => [x.users, x.hosts, x.runas_users, x.tags, x.nopasswd, x.commands])).toEqual([
        [["ADMINS"], ["WEBSERVERS"], ["OP"], ["NOPASSWD"], true, ["PKG"]],
        [["ADMINS"], ["WEBSERVERS"], ["OP"], ["PASSWD"], false, ["SHELLS"]],
      ]);
      expect(at(19).map((x) => [x.users, x.runas_users, x.runas_groups, x.tags, x.commands])).toEqual([
        [["alice", "bob"], ["root"], [], ["NOEXEC", "SETENV"], ["/usr/bin/vi /etc/hosts"]],
        [["alice", "bob"], ["www-data"], ["www-data"], ["NOEXEC", "SETENV"], ["/usr/bin/php"]],
      ]);
      expect(at(20)[0]).toMatchObject({ users: ["#1006"], hosts: ["DBSERVERS"], nopasswd: true });
      expect(at(22).map((x) => [x.hosts, x.nopasswd])).toEqual([[["web01"], true], [["db1"], false]]);
      expect(at(23)[0]).toMatchObject({ rule_options: ["CWD=/srv", "TIMEOUT=1h"], tags: ["NOPASSWD"], commands: ["/usr/bin/rsync"] });
      const aliases = r.records.filter((x) => x.alias_name).map((x) => [x.alias_type, x.alias_name, x.members]);
      expect(aliases).toContainEqual(["User_Alias", "ADMINS", ["alice", "%wheel", "#1005", "%#2000"]]);
      expect(aliases).toContainEqual(["Host_Alias", "DBSERVERS", ["db1", "db2"]]);
      expect(aliases).toContainEqual(["Cmnd_Alias", "PKG", ["/usr/bin/apt update", "/usr/bin/apt upgrade -y", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /usr/local/bin/deploy"]]);
      const defaults = r.records.filter((x) => x.binding_type !== undefined).map((x) => [x.binding_type, x.binding, x.settings]);
      expect(defaults).toContainEqual([":", ["%wheel", "alice"], ["!requiretty"]]);
      expect(defaults).toContainEqual(["!", ["/usr/bin/less"], ["noexec"]]);
    }
  });

  it("the sample host: the planted www-data NOPASSWD ALL, bob.disabled not read (as visudo -c)", async () => {
    const r = await runPath("sudoers", WEB01);
    expect(filesRead(r.records)).toEqual(visudo("ssh/web01/visudo-c.txt"));
    const nopasswd = r.records.filter((x) => x.nopasswd === true).map((x) => [x.users, x.commands, x.filepath]);
    expect(nopasswd).toEqual([
      [["WEBADMINS"], ["WEBCTL"], "/etc/sudoers.d/50-ops"],
      [["www-data"], ["ALL"], "/etc/sudoers.d/90-www-data"],
    ]);
    for (const p of asDirTarTgz(WEB01).slice(1)) expect((await runPath("sudoers", p)).records.length).toBe(r.records.length);
  });

  it("includes stay inside the target; loops and missing files are told with file and line", async () => {
    const r = await runTree("sudoers", {
      "/etc/sudoers": "@include ../../../../etc/extra\n@include /etc/sudoers\n#include /nope\n@includedir sudoers.d\nbad line here\n",
      "/etc/extra": "a ALL = ALL\n",
      "/etc/sudoers.d/x": symlink("/../../etc/extra"),
    });
    expect(r.records.filter((x) => x.commands).map((x) => x.filepath)).toEqual(["/etc/extra", "/etc/sudoers.d/x"]);
    expect(r.warnings.map((w) => [w.file, w.message.slice(0, 7)])).toEqual([
      ["/etc/sudoers", "line 2:"],
      ["/etc/sudoers", "line 3:"],
      ["/etc/sudoers", "line 5:"],
    ]);
  });

  it("fuzz", async () => {
    await fuzz("sudoers", { "/etc/sudoers": readFixture("accounts/sudoers/etc/sudoers") }, "/etc/sudoers", 23);
  });
});
