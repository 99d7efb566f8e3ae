// ssh.private_keys against ssh-keygen: each fixture key with `ssh-keygen -lf KEY.pub` (the fingerprint) and
// `ssh-keygen -lf KEY` with the .pub away (what the private file alone gives). The secret is never output.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { asDirTarTgz, FIXTURES, fuzz, keygenLines, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

const KEYS = path.join(FIXTURES, "ssh/keys");
const NAMES = fs.readdirSync(KEYS).filter((n) => !n.includes(".") && !n.endsWith("-cert"));
const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";

function keysTree(withPub: boolean): Record<string, string> {
  const tree: Record<string, string> = { "/etc/passwd": PASSWD };
  for (const n of NAMES) {
    tree[`/home/alice/.ssh/${n}`] = readFixture(`ssh/keys/${n}`);
    if (withPub) tree[`/home/alice/.ssh/${n}.pub`] = readFixture(`ssh/keys/${n}.pub`);
  }
  return tree;
}

describe("ssh.private_keys", () => {
  it("the file alone: the fingerprint where ssh-keygen -lf KEY gives one, none where it says 'is not a key file'", async () => {
    const r = await runTree("ssh.private_keys", keysTree(false));
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => path.basename(x.filepath as string)).sort()).toEqual([...NAMES].sort());
    for (const n of NAMES) {
      const rec = r.records.find((x) => (x.filepath as string).endsWith(`/${n}`))!;
      const lf = readFixture(`ssh/keys/${n}.lf.txt`);
      if (lf.includes("is not a key file")) {
        expect([n, rec.fingerprint, rec.public_key_source]).toEqual([n, null, null]);
      } else {
        const [o] = keygenLines(lf);
        expect([n, rec.bits, rec.fingerprint]).toEqual([n, o!.bits, o!.fingerprint]);
        // ssh-keygen shows the comment where the clear new format holds it, "no comment" otherwise
        expect([n, rec.comment ?? "no comment"]).toEqual([n, o!.comment]);
      }
      expect([n, rec.encrypted]).toEqual([n, n.endsWith("_enc")]);
      expect([n, rec.key_format]).toEqual([n, n.includes("_pem") ? "PEM" : n.includes("_pkcs8") ? "PKCS8" : "OPENSSH"]);
      expect(rec.user).toBe("alice");
    }
    expect(r.records.find((x) => (x.filepath as string).endsWith("/ed25519_enc"))).toMatchObject({ cipher: "aes256-ctr", kdf: "bcrypt", kdf_rounds: 16 });
    expect(r.records.find((x) => (x.filepath as string).endsWith("/rsa2048_pem_enc"))).toMatchObject({ cipher: "AES-128-CBC", key_type: "ssh-rsa" });
  });

  it("with the .pub beside it: every key's fingerprint as ssh-keygen -lf KEY.pub, the .pub named as the source where needed", async () => {
    const r = await runTree("ssh.private_keys", keysTree(true));
    for (const n of NAMES) {
      const rec = r.records.find((x) => (x.filepath as string).endsWith(`/${n}`))!;
      const [o] = keygenLines(readFixture(`ssh/keys/${n}.pub.lf.txt`));
      expect([n, rec.bits, rec.fingerprint]).toEqual([n, o!.bits, o!.fingerprint]);
    }
    expect(r.records.find((x) => (x.filepath as string).endsWith("/rsa2048_pkcs8_enc"))).toMatchObject({ public_key_source: ".pub", comment: "rsa2048_pkcs8_enc@fixtures" });
  });

  it("never outputs the key's secret", async () => {
    const r = await runTree("ssh.private_keys", keysTree(true));
    const out = JSON.stringify(r.records);
    for (const n of NAMES) {
      const body = readFixture(`ssh/keys/${n}`).split("\n").filter((l) => l && !l.startsWith("-----") && !l.includes(":"));
      for (const line of body.slice(2)) expect(out.includes(line), n).toBe(false);
    }
  });

  it("the sample host as a directory, a tar and a tar.gz: host keys and the keys left in home directories", async () => {
    for (const p of asDirTarTgz(WEB01)) {
      const r = await runPath("ssh.private_keys", p);
      const want = ["/var/www/.ssh/id_rsa", "/home/alice/.ssh/id_ed25519", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key"];
      expect(r.records.map((x) => x.filepath)).toEqual(want);
      for (const rec of r.records) {
        const [o] = keygenLines(readFixture(`ssh/web01/${(rec.filepath as string).slice(1).replace(/\//g, "_")}.lf.txt`));
        expect([rec.filepath, rec.fingerprint, rec.bits]).toEqual([rec.filepath, o!.fingerprint, o!.bits]);
      }
      expect(r.records[0]).toMatchObject({ user: "www-data", encrypted: false, key_format: "PEM" });
      expect(r.records[1]).toMatchObject({ user: "alice", encrypted: true });
    }
  });

  it("a damaged key is a warning naming the file; the other keys are kept", async () => {
    const good = readFixture("ssh/keys/ed25519");
    const cut = good.split("\n").slice(0, 3).join("\n") + "\n-----END OPENSSH PRIVATE KEY-----\n";
    const r = await runTree("ssh.private_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/a": good, "/home/alice/.ssh/b": cut, "/home/alice/.ssh/c": good });
    expect(r.records.map((x) => x.filepath)).toEqual(["/home/alice/.ssh/a", "/home/alice/.ssh/c"]);
    expect(r.warnings).toEqual([expect.objectContaining({ file: "/home/alice/.ssh/b" })]);
  });

  it("fuzz: damaged copies never fail the run", async () => {
    for (const [i, n] of ["ed25519_enc", "rsa2048_pem", "ecdsa384"].entries()) {
      await fuzz("ssh.private_keys", { "/etc/passwd": PASSWD, "/home/alice/.ssh/k": readFixture(`ssh/keys/${n}`) }, "/home/alice/.ssh/k", 30 + i, 24);
    }
  });
});
