// ssh.sshd_config against sshd itself: `sshd -T` (OpenSSH 9.2p1) of the sample host's configuration, globally and
// with -C for the Match block (fixtures/ssh/web01/sshd-T*.txt); Include and Match rules on small trees.
import { describe, expect, it } from "vitest";
import path from "node:path";
import { asDirTarTgz, FIXTURES, fuzz, hostFromEtc, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

/** sshd -T: "keyword value" per line (lowercase keywords; a list keyword once per value). */
function sshdT(name: string, dir = "ssh/web01"): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of readFixture(`${dir}/${name}`).split("\n").filter(Boolean)) {
    const i = line.indexOf(" ");
    const k = line.slice(0, i);
    m.set(k, [...(m.get(k) ?? []), line.slice(i + 1)]);
  }
  return m;
}

const CHECKED = ["permitrootlogin", "passwordauthentication", "pubkeyauthentication", "authorizedkeysfile", "port", "kbdinteractiveauthentication", "usepam", "x11forwarding", "printmotd", "permitemptypasswords"];

describe("ssh.sshd_config", () => {
  it("the effective settings equal sshd -T's, on a directory, a tar and a tar.gz", async () => {
    const global = sshdT("sshd-T.txt");
    const matched = sshdT("sshd-T-C-deploy-bot.txt");
    for (const p of asDirTarTgz(WEB01)) {
      const r = await runPath("ssh.sshd_config", p);
      expect(r.warnings).toEqual([]);
      const eff = r.records.filter((x) => x.effective && x.match === null);
      for (const k of CHECKED) {
        const ours = eff.filter((x) => (x.keyword as string).toLowerCase() === k).map((x) => (x.value as string).toLowerCase());
        expect([k, ours]).toEqual([k, global.get(k)]);
      }
      // AcceptEnv adds up: sshd -T prints one value a line
      expect(eff.filter((x) => x.keyword === "AcceptEnv").flatMap((x) => x.args as string[])).toEqual(global.get("acceptenv"));
      // the drop-in's PermitRootLogin yes wins over the later one; the file holding each is named
      const roots = r.records.filter((x) => x.keyword === "PermitRootLogin");
      expect(roots.map((x) => [x.value, x.effective, x.filepath])).toEqual([
        ["yes", true, "/etc/ssh/sshd_config.d/10-migration.conf"],
        ["prohibit-password", false, "/etc/ssh/sshd_config.d/20-hardening.conf"],
      ]);
      // the Match block: what sshd -T -C user=deploy-bot,addr=10.20.30.41 applies
      const block = r.records.filter((x) => x.match === "User deploy-bot Address 10.20.30.0/24");
      expect(block.map((x) => [(x.keyword as string).toLowerCase(), x.value])).toEqual(
        ["passwordauthentication", "forcecommand", "permittty"].map((k) => [k, matched.get(k)![0]]),
      );
      expect(r.records.some((x) => (x.filepath as string).endsWith(".bak"))).toBe(false);
    }
  });

  it("the grammar fixture: keyword=value, any case, quotes, lines that add up, nested Includes, Match blocks, as sshd -T", async () => {
    const global = sshdT("sshd-T.txt", "ssh/grammar");
    const r = await runPath("ssh.sshd_config", hostFromEtc(path.join(FIXTURES, "ssh/grammar")));
    expect(r.warnings).toEqual([]);
    const eff = r.records.filter((x) => x.effective && x.match === null);
    const values = (k: string): string[] => eff.filter((x) => (x.keyword as string).toLowerCase() === k).map((x) => x.value as string);
    const args = (k: string): string[] => eff.filter((x) => (x.keyword as string).toLowerCase() === k).flatMap((x) => x.args as string[]);
    for (const k of ["port", "maxauthtries", "maxsessions", "clientaliveinterval", "permitrootlogin", "passwordauthentication", "x11forwarding", "banner", "loglevel", "authorizedkeysfile", "subsystem"]) {
      expect([k, values(k)]).toEqual([k, global.get(k)]);
    }
    for (const k of ["allowusers", "denyusers", "allowgroups", "acceptenv"]) expect([k, args(k)]).toEqual([k, global.get(k)]);
    // sshd -T adds the port to an address given without one
    expect(args("listenaddress").map((a) => (a.includes("]:") ? a : `${a}:2200`))).toEqual(global.get("listenaddress"));
    // a Match block's first value wins for the connections it matches: sshd -T -C for a member of each block
    const block = (m: string, k: string) => r.records.find((x) => x.match === m && x.effective && (x.keyword as string).toLowerCase() === k)?.value;
    const erin = sshdT("sshd-T-C-erin.txt", "ssh/grammar");
    for (const k of ["passwordauthentication", "forcecommand", "chrootdirectory", "authorizedkeysfile"]) expect([k, block("Group sftp", k)]).toEqual([k, erin.get(k)![0]]);
    expect(block("User dave", "allowtcpforwarding")).toBe(sshdT("sshd-T-C-dave.txt", "ssh/grammar").get("allowtcpforwarding")![0]);
    // the Match of the included file ended with it: the lines after the Include are global again
    expect(r.records.find((x) => x.keyword === "PasswordAuthentication" && x.match === null)).toMatchObject({ value: "no", filepath: "/etc/ssh/sshd_config" });
  });

  it("a second Subsystem of one name: sshd refuses to start, a warning says so", async () => {
    const r = await runTree("ssh.sshd_config", { "/etc/ssh/sshd_config": "Subsystem sftp a\nSubsystem sftp b\n" });
    expect(r.records.filter((x) => !x.is_default).map((x) => [x.value, x.effective])).toEqual([["sftp a", true], ["sftp b", false]]);
    expect(r.warnings).toEqual([expect.objectContaining({ file: "/etc/ssh/sshd_config", message: expect.stringContaining("already defined") })]);
  });

  it("Include inside the target only, a Match ending with its included file, loops bounded, bad lines told", async () => {
    const r = await runTree("ssh.sshd_config", {
      "/etc/ssh/sshd_config": 'Include ../../../../etc/ssh/extra.conf\nInclude loop.conf\nPermitRootLogin=no\nBanner "/etc/issue net"\nbroken "quote\n',
      "/etc/ssh/extra.conf": "Match User alice\n  PasswordAuthentication no\n",
      "/etc/ssh/loop.conf": "Include loop.conf\n",
    });
    expect(r.records.filter((x) => !x.is_default).map((x) => [x.keyword, x.value, x.match])).toEqual([
      ["PasswordAuthentication", "no", "User alice"],
      ["PermitRootLogin", "no", null],
      ["Banner", "/etc/issue net", null],
    ]);
    expect(r.records[0]!.filepath).toBe("/etc/ssh/extra.conf");
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringContaining("nested more than 16 deep"), expect.stringContaining("line 5: unbalanced quotes")]);
    expect(r.records.find((x) => x.keyword === "PasswordAuthentication" && x.is_default)).toMatchObject({ value: "yes", match: null });
  });

  it("no sshd_config is absent", async () => {
    expect((await runTree("ssh.sshd_config", { "/etc/hostname": "x\n" })).outcome.status).toBe("absent");
  });

  it("fuzz: damaged copies never fail the run", async () => {
    await fuzz("ssh.sshd_config", { "/etc/ssh/sshd_config": readFixture("hosts/web01/etc/ssh/sshd_config") }, "/etc/ssh/sshd_config", 18);
  });
});
