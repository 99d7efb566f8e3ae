// ssh.known_hosts against ssh-keygen: the fixture's known_hosts and its `ssh-keygen -H` copy, each with
// `ssh-keygen -lf` beside it (which lists the unmarked lines), and `ssh-keygen -F` for which hashed line is whose.
import { describe, expect, it } from "vitest";
import { asDirTarTgz, fuzz, keygenLines, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";
const tree = (text: string) => ({ "/etc/passwd": PASSWD, "/home/alice/.ssh/known_hosts": text });

/** One [bits, fingerprint] per unmarked line, as ssh-keygen -lf lists them. */
function perLine(records: Record<string, unknown>[]): [unknown, unknown][] {
  const out = new Map<unknown, [unknown, unknown]>();
  for (const r of records) if (r.marker === null && !out.has(r.lineno)) out.set(r.lineno, [r.bits, r.fingerprint]);
  return [...out.values()];
}

describe("ssh.known_hosts", () => {
  it("plain: one record per host pattern, [host]:port split, negation, markers; fingerprints as ssh-keygen -lf", async () => {
    const r = await runTree("ssh.known_hosts", tree(readFixture("ssh/known_hosts")));
    expect(r.warnings).toEqual([]);
    expect(perLine(r.records)).toEqual(keygenLines(readFixture("ssh/known_hosts.lf.txt")).map((o) => [o.bits, o.fingerprint]));
    expect(r.records.map((x) => [x.marker, x.host, x.port, x.negated])).toEqual([
      [null, "web01.example.internal", null, false],
      [null, "10.0.0.5", null, false],
      [null, "git.example.org", 2222, false],
      [null, "203.0.113.9", 2222, false],
      [null, "*.example.internal", null, false],
      [null, "bastion.example.internal", null, true],
      ["@cert-authority", "*.example.internal", null, false],
      ["@revoked", "*", null, false],
      [null, "db.internal", null, false],
    ]);
    expect(r.records[2]!.comment).toBe("a comment");
  });

  it("hashed: the |1|salt|hash names kept as they are, the same keys", async () => {
    const r = await runTree("ssh.known_hosts", tree(readFixture("ssh/known_hosts.hashed")));
    const oracle = keygenLines(readFixture("ssh/known_hosts.hashed.lf.txt"));
    expect(perLine(r.records)).toEqual(oracle.map((o) => [o.bits, o.fingerprint]));
    const hashed = r.records.filter((x) => x.hashed);
    // as written by ssh-keygen -H (-lf prints a line's comment in place of its host where it has one)
    const written = readFixture("ssh/known_hosts.hashed").split("\n").filter((l) => l.startsWith("|1|")).map((l) => l.split(" ")[0]);
    expect(hashed.map((x) => x.host)).toEqual(written);
    expect(oracle.filter((o) => o.comment.startsWith("|1|")).every((o) => written.includes(o.comment))).toBe(true);
    // ssh-keygen -F web01.example.internal finds this line: the record keeps it hashed, with its key
    const found = /^\|1\|\S+/m.exec(readFixture("ssh/known_hosts.hashed.F.txt").split("## 10.0.0.5")[0]!)![0];
    expect(hashed.find((x) => x.host === found)).toMatchObject({ key_type: "ssh-ed25519", hashed: true, port: null });
  });

  it("the sample host as a directory, a tar and a tar.gz", async () => {
    for (const p of asDirTarTgz(WEB01)) {
      const r = await runPath("ssh.known_hosts", p);
      const root = keygenLines(readFixture("ssh/web01/root_.ssh_known_hosts.lf.txt"));
      const alice = keygenLines(readFixture("ssh/web01/home_alice_.ssh_known_hosts.lf.txt"));
      expect(r.records.filter((x) => x.marker === null).map((x) => x.fingerprint)).toEqual([...root, ...alice].map((o) => o.fingerprint));
      expect(r.records.filter((x) => x.user === "alice").every((x) => x.hashed)).toBe(true);
      expect(r.records.find((x) => x.marker === "@cert-authority")).toMatchObject({ user: "root", host: "*.example.internal" });
    }
  });

  it("a bad line is a warning naming the file and line; the others are kept", async () => {
    const good = readFixture("ssh/known_hosts").split("\n")[0]!;
    const r = await runTree("ssh.known_hosts", tree(`${good}\n@bogus x ssh-rsa AAAA\nonlyhost\n${good}\n`));
    expect(r.records.map((x) => x.lineno)).toEqual([1, 1, 4, 4]);
    expect(r.warnings.map((w) => [w.file, w.message.slice(0, 7)])).toEqual([
      ["/home/alice/.ssh/known_hosts", "line 2:"],
      ["/home/alice/.ssh/known_hosts", "line 3:"],
    ]);
  });

  it("fuzz: damaged copies never fail the run", async () => {
    await fuzz("ssh.known_hosts", tree(readFixture("ssh/known_hosts.hashed")), "/home/alice/.ssh/known_hosts", 17);
  });
});
