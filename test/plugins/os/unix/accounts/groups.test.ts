// groups: fixtures/accounts/basic's group and gshadow written by groupadd, gpasswd -M/-A and usermod -aG; the
// expected members and administrators are those commands (commands.txt), written out by hand.
import { describe, expect, it } from "vitest";
import { asDirTarTgz, FIXTURES, fuzz, hostFromEtc, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

describe("groups", () => {
  it("members from group, administrators from gshadow, on a directory, a tar and a tar.gz", async () => {
    for (const p of asDirTarTgz(hostFromEtc(`${FIXTURES}/accounts/basic`))) {
      const r = await runPath("groups", p);
      expect(r.warnings).toEqual([]);
      const by = (n: string) => r.records.find((x) => x.name === n)!;
      // gpasswd -M alice,bob,carol dev; gpasswd -A alice dev
      expect(by("dev")).toMatchObject({ gid: 2000, members: ["alice", "bob", "carol"], admins: ["alice"], gshadow_members: ["alice", "bob", "carol"] });
      // gpasswd -M dave ops; usermod -aG ops erin
      expect(by("ops")).toMatchObject({ gid: 2001, members: ["dave", "erin"], admins: [] });
      expect(by("sudo")).toMatchObject({ gid: 27, members: ["alice"] });
      expect(by("svc")).toMatchObject({ gid: 998, members: [], gshadow_passwd: "!" });
      expect(r.records).toHaveLength(14);
    }
  });

  it("the sample host: alice administers sudo", async () => {
    const r = await runPath("groups", WEB01);
    expect(r.records.find((x) => x.name === "sudo")).toMatchObject({ members: ["alice"], admins: ["alice"] });
  });

  it("bad lines are warnings with file and line; a group only gshadow knows is kept", async () => {
    const r = await runTree("groups", { "/etc/group": "a:x:10:u1\nbad\nb:x:zz:\n", "/etc/gshadow": "a:!::u1\nghost:!:root:\nshort:x\n" });
    expect(r.records.map((x) => [x.name, x.gid, x.filepath])).toEqual([["a", 10, "/etc/group"], ["b", null, "/etc/group"], ["ghost", null, "/etc/gshadow"]]);
    expect(r.warnings.map((w) => [w.file, w.message.slice(0, 7)])).toEqual([["/etc/gshadow", "line 3:"], ["/etc/group", "line 2:"], ["/etc/group", "line 3:"]]);
  });

  it("fuzz", async () => {
    await fuzz("groups", { "/etc/group": readFixture("accounts/basic/etc/group"), "/etc/gshadow": readFixture("accounts/basic/etc/gshadow") }, "/etc/group", 20, 20);
    await fuzz("groups", { "/etc/group": readFixture("accounts/basic/etc/group"), "/etc/gshadow": readFixture("accounts/basic/etc/gshadow") }, "/etc/gshadow", 21, 20);
  });
});
