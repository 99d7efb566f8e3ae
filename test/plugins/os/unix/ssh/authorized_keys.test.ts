// ssh.authorized_keys against ssh-keygen: fixtures/ssh/authorized_keys (options of every kind, a certificate)
// and the sample host's files, each with `ssh-keygen -lf` beside it; every bits and fingerprint value expected
// here comes from that output, the options from the fixture script's own text.
import { describe, expect, it } from "vitest";
import { symlink } from "../../../../../src/fs/memory.js";
import { asDirTarTgz, fuzz, keygenLines, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";

describe("ssh.authorized_keys", () => {
  it("gives every key of the fixture with ssh-keygen -lf's bits and fingerprint, in file order", async () => {
    const r = await runTree("ssh.authorized_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/authorized_keys": readFixture("ssh/authorized_keys") });
    const oracle = keygenLines(readFixture("ssh/authorized_keys.lf.txt"));
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => [x.bits, x.fingerprint])).toEqual(oracle.map((o) => [o.bits, o.fingerprint]));
    expect(r.records.every((x) => x.user === "alice" && x.filepath === "/home/alice/.ssh/authorized_keys")).toBe(true);
    const [plain, backup, restricted, , ca, , , fwd, cert] = r.records;
    expect(plain).toMatchObject({ key_type: "ssh-ed25519", comment: "ed25519@fixtures", options: [], forced_command: null, from_patterns: [], lineno: 2 });
    expect(backup).toMatchObject({
      key_type: "ssh-rsa",
      comment: "backup@vault",
      options: ['command="/usr/local/bin/backup.sh --dir \\"/srv, data\\""', "no-pty", "no-port-forwarding", 'from="10.0.0.0/8,192.168.1.*"'],
      forced_command: '/usr/local/bin/backup.sh --dir "/srv, data"',
      from_patterns: ["10.0.0.0/8", "192.168.1.*"],
    });
    expect(restricted).toMatchObject({ options: ["restrict", "pty", 'environment="GIT_DIR=/srv/git"'], comment: "" });
    expect(r.records[3]).toMatchObject({ comment: "ecdsa384@fixtures with a comment of several words", from_patterns: ["!203.0.113.0/24", "*"], lineno: 6 });
    expect(ca).toMatchObject({ options: ["cert-authority", 'principals="alice,deploy"'] });
    expect(fwd!.options).toEqual(["no-agent-forwarding", 'permitopen="db.internal:5432"', 'permitlisten="localhost:8080"']);
    expect(cert).toMatchObject({ key_type: "ssh-ed25519-cert-v01@openssh.com", comment: "ed25519@fixtures" });
  });

  it("the sample host as a directory, a tar and a tar.gz: each file's keys as ssh-keygen -lf gives them, www-data's planted from= key", async () => {
    const files: [string, string][] = [
      ["/root/.ssh/authorized_keys", "root_.ssh_authorized_keys"],
      ["/var/www/.ssh/authorized_keys", "var_www_.ssh_authorized_keys"],
      ["/home/alice/.ssh/authorized_keys", "home_alice_.ssh_authorized_keys"],
      ["/home/bob/.ssh/authorized_keys2", "home_bob_.ssh_authorized_keys2"],
    ];
    for (const p of asDirTarTgz(WEB01)) {
      const r = await runPath("ssh.authorized_keys", p);
      expect(r.warnings).toEqual([]);
      expect(r.records.map((x) => x.filepath)).toEqual(files.map(([f]) => f));
      for (const [f, oracle] of files) {
        const [o] = keygenLines(readFixture(`ssh/web01/${oracle}.lf.txt`));
        const rec = r.records.find((x) => x.filepath === f)!;
        expect([rec.bits, rec.fingerprint]).toEqual([o!.bits, o!.fingerprint]);
      }
      const planted = r.records.find((x) => x.user === "www-data")!;
      expect(planted).toMatchObject({ from_patterns: ["203.0.113.77"], comment: "root@kali", options: ['from="203.0.113.77"', "no-agent-forwarding", "no-X11-forwarding"] });
    }
  });

  it("reads the AuthorizedKeysFile sshd_config names (%u), once per file", async () => {
    const key = readFixture("ssh/keys/ed25519.pub");
    const r = await runTree("ssh.authorized_keys", {
      "/etc/passwd": PASSWD,
      "/etc/ssh/sshd_config": "AuthorizedKeysFile /etc/ssh/keys/%u .ssh/authorized_keys\n",
      "/etc/ssh/keys/alice": key,
      "/home/alice/.ssh/authorized_keys": key,
    });
    expect(r.records.map((x) => [x.user, x.filepath])).toEqual([
      ["alice", "/etc/ssh/keys/alice"],
      ["alice", "/home/alice/.ssh/authorized_keys"],
    ]);
  });

  it("a malformed line is a warning with file and line; the keys before and after are kept", async () => {
    const good = readFixture("ssh/keys/ed25519.pub").trim();
    const text = `${good}\nssh-ed25519 not!base64 x\ncommand="unclosed ${good}\nbogus-type AAAA c\n${good}\n`;
    const r = await runTree("ssh.authorized_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/authorized_keys": text });
    expect(r.records.map((x) => [x.lineno, x.fingerprint === null])).toEqual([[1, false], [2, true], [5, false]]);
    expect(r.warnings.map((w) => [w.file, w.message.slice(0, 7)])).toEqual([
      ["/home/alice/.ssh/authorized_keys", "line 2:"],
      ["/home/alice/.ssh/authorized_keys", "line 3:"],
      ["/home/alice/.ssh/authorized_keys", "line 4:"],
    ]);
  });

  it("a link out of the target is not followed; no authorized_keys is absent", async () => {
    const r = await runTree("ssh.authorized_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/authorized_keys": symlink("../../../../../../etc/hostname"), "/etc/hostname": "web01\n" });
    expect(r.records).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringContaining("line 1:")]); // the target's own /etc/hostname, no key
    const none = await runTree("ssh.authorized_keys", { "/etc/passwd": PASSWD });
    expect(none.outcome.status).toBe("absent");
  });

  it("fuzz: damaged copies never fail the run", async () => {
    await fuzz("ssh.authorized_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/authorized_keys": readFixture("ssh/authorized_keys") }, "/home/alice/.ssh/authorized_keys", 16);
  });
});
