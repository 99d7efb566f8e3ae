// login_defs: the sample host's /etc/login.defs (Debian 12's, as shadow-utils ships it).
import { describe, expect, it } from "vitest";
import { asDirTarTgz, fuzz, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

describe("login_defs", () => {
  it("every setting, in file order, on a directory, a tar and a tar.gz", async () => {
    for (const p of asDirTarTgz(WEB01)) await expect(runPath("login_defs", p).then((x) => x.records.length)).resolves.toBe(37);
    const r = await runPath("login_defs", WEB01);
    const want = readFixture("hosts/web01/etc/login.defs").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map((l) => l.split(/\s+/)[0]);
    expect(r.records.map((x) => x.setting)).toEqual(want);
    const get = (k: string) => r.records.find((x) => x.setting === k)?.value;
    expect([get("ENCRYPT_METHOD"), get("PASS_MAX_DAYS"), get("UID_MIN"), get("UMASK")]).toEqual(["SHA512", "99999", "1000", "022"]);
  });

  it("a quoted value, a bad line told", async () => {
    const r = await runTree("login_defs", { "/etc/login.defs": 'ENV_PATH "PATH=/bin"\n=oops\n' });
    expect(r.records.map((x) => x.value)).toEqual(["PATH=/bin"]);
    expect(r.warnings).toEqual([expect.objectContaining({ file: "/etc/login.defs", offset: 21 })]);
  });

  it("fuzz", async () => {
    await fuzz("login_defs", { "/etc/login.defs": readFixture("hosts/web01/etc/login.defs") }, "/etc/login.defs", 22, 20);
  });
});
