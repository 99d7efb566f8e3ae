// The small parsers on their own: hand-written inputs and the values sshd_config(5), sshd(8) AUTHORIZED_KEYS
// FILE FORMAT and PROTOCOL.key say they hold.
import { describe, expect, it } from "vitest";
import { expandPattern } from "../../../../../plugins/os/unix/ssh/authorized_keys.js";
import { parseKeyLine, splitOptions } from "../../../../../plugins/os/unix/ssh/keyline.js";
import { describeKey, describeKeyBlob, KeyBlobError } from "../../../../../plugins/os/unix/ssh/keyblob.js";
import { parseHostPattern } from "../../../../../plugins/os/unix/ssh/known_hosts.js";
import { splitArgs, splitKeyword } from "../../../../../plugins/os/unix/ssh/sshdconfig.js";
import { readFixture } from "../triage-helpers.js";

const str = (s: string | Buffer): Buffer => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};

describe("key blobs", () => {
  it("a length past the blob is an error, not a read past it; bytes after the key are refused", () => {
    const ed = Buffer.from(readFixture("ssh/keys/ed25519.pub").split(" ")[1]!, "base64");
    expect(() => describeKeyBlob(ed.subarray(0, ed.length - 1))).toThrow(KeyBlobError);
    expect(() => describeKeyBlob(Buffer.concat([ed, Buffer.from([0])]))).toThrow(/after the key/);
    const huge = Buffer.concat([str("ssh-ed25519"), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    expect(() => describeKeyBlob(huge)).toThrow(/claims 4294967295 bytes/);
    expect(() => describeKeyBlob(str("ssh-foo"))).toThrow(/unknown key type/);
    expect(describeKey("not base64!")).toBe("the key is not base64");
  });

  it("sk- keys: 256 bits, their own labels", () => {
    const sk = Buffer.concat([str("sk-ssh-ed25519@openssh.com"), str(Buffer.alloc(32, 7)), str("ssh:")]);
    expect(describeKeyBlob(sk)).toMatchObject({ type: "sk-ssh-ed25519@openssh.com", label: "ED25519-SK", bits: 256 });
  });
});

describe("authorized_keys lines", () => {
  it("options end at the first blank outside quotes; quoted commas and escaped quotes stay in their option", () => {
    expect(splitOptions('command="a,b \\"c\\"",no-pty')).toEqual(['command="a,b \\"c\\""', "no-pty"]);
    expect(splitOptions('from="x')).toBeNull();
    const k = parseKeyLine('no-pty,command="echo a b" ssh-ed25519 AAAA x y');
    expect(k).toEqual({ options: ["no-pty", 'command="echo a b"'], keyType: "ssh-ed25519", key: "AAAA", comment: "x y" });
    expect(parseKeyLine("ssh-ed25519")).toBe("no key after the options");
  });

  it("AuthorizedKeysFile tokens", () => {
    const a = { user: "alice", uid: 1000, home: "/home/alice" };
    expect(["%h/.ssh/k", ".ssh/%u", "/etc/keys/%U", "/x/%%u"].map((p) => expandPattern(p, a))).toEqual(["/home/alice/.ssh/k", "/home/alice/.ssh/alice", "/etc/keys/1000", "/x/%u"]);
  });
});

describe("known_hosts patterns", () => {
  it("[host]:port, !negation, hashed names", () => {
    expect(parseHostPattern("[h]:2222")).toEqual({ host: "h", port: 2222, hashed: false, negated: false });
    expect(parseHostPattern("!*.corp")).toEqual({ host: "*.corp", port: null, hashed: false, negated: true });
    expect(parseHostPattern("[h]:99999")).toMatchObject({ host: "[h]:99999", port: null });
    expect(parseHostPattern("|1|AAAA|BBBB=")).toMatchObject({ hashed: true, host: "|1|AAAA|BBBB=" });
  });
});

describe("sshd_config lines", () => {
  it("Keyword args, Keyword=args, quotes", () => {
    expect(splitKeyword("Port=22")).toEqual(["Port", "22"]);
    expect(splitKeyword("Port = 22")).toEqual(["Port", "22"]);
    expect(splitKeyword("Banner\t/etc/issue")).toEqual(["Banner", "/etc/issue"]);
    expect(splitArgs('a "b c" d')).toEqual(["a", "b c", "d"]);
    expect(splitArgs('"open')).toBeNull();
  });
});
