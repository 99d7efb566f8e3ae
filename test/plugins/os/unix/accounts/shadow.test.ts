// passwords against shadow-utils: fixtures/accounts/basic made by useradd/chpasswd/passwd/chage, with
// `passwd -S -a` (status, last change, min, max, warn, inactive) and `chage -l` of every account as the oracles.
import { describe, expect, it } from "vitest";
import { cryptParts } from "../../../../../plugins/os/unix/shadow.js";
import { asDirTarTgz, FIXTURES, fuzz, hostFromEtc, readFixture, runPath, runTree, WEB01 } from "../triage-helpers.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** chage -l's "Mon DD, YYYY" (LC_ALL=C) as YYYY-MM-DD; "never" and "password must be changed" as null. */
function chageDate(s: string): string | null {
  const m = /^([A-Z][a-z]{2}) (\d\d), (\d{4})$/.exec(s);
  return m ? `${m[3]}-${String(MONTHS.indexOf(m[1]!) + 1).padStart(2, "0")}-${m[2]}` : null;
}
function chage(dir: string, user: string): Map<string, string> {
  return new Map(readFixture(`${dir}/${user}.txt`).split("\n").filter(Boolean).map((l) => l.split(/\s*:\s(?=\S)/) as [string, string]));
}
const day = (ts: unknown): string | null => (ts === null ? null : String(ts).slice(0, 10));

async function checkAgainstPasswdS(p: string, oracleFile: string, chageOf: (u: string) => Map<string, string>): Promise<void> {
  const r = await runPath("passwords", p);
  expect(r.warnings).toEqual([]);
  const rows = readFixture(oracleFile).split("\n").filter(Boolean).map((l) => l.split(" "));
  expect(r.records.map((x) => x.name)).toEqual(rows.map((x) => x[0]));
  for (const [name, status, last, min, max, warn, inactive] of rows) {
    const rec = r.records.find((x) => x.name === name)!;
    const n = (v: string | undefined): number | null => (v === "-1" ? null : Number(v));
    expect([name, rec.status, rec.min_days, rec.max_days, rec.warning_period, rec.inactivity_period]).toEqual([name, status, n(min), n(max), n(warn), n(inactive)]);
    // passwd -S prints day 0 (must change) as 1970-01-01; the record keeps the 0 and no date
    if (last === "1970-01-01") expect([rec.last_change_days, rec.last_change]).toEqual([0, null]);
    else expect([name, day(rec.last_change)]).toEqual([name, last]);
    const c = chageOf(name!);
    expect([name, day(rec.expiration_date)]).toEqual([name, chageDate(c.get("Account expires")!)]);
    expect([name, day(rec.max_age)]).toEqual([name, chageDate(c.get("Password expires")!)]);
  }
}

describe("passwords", () => {
  it("every account as passwd -S -a and chage -l report it, on a directory, a tar and a tar.gz", async () => {
    for (const p of asDirTarTgz(hostFromEtc(`${FIXTURES}/accounts/basic`))) await checkAgainstPasswdS(p, "accounts/basic/passwd-S-a.txt", (u) => chage("accounts/basic/chage-l", u));
  });

  it("the hash algorithm, parameters, salt and hash of every format the tools wrote", async () => {
    const r = await runPath("passwords", hostFromEtc(`${FIXTURES}/accounts/basic`));
    const by = (n: string) => r.records.find((x) => x.name === n)!;
    // from fixtures/accounts/basic/commands.txt: which scheme each account was given
    expect(["alice", "bob", "carol", "dave", "erin", "frank", "gina"].map((n) => by(n).algorithm)).toEqual(["yescrypt", "sha512", "md5", "sha256", "bcrypt", "gost-yescrypt", "sha512"]);
    expect(by("erin")).toMatchObject({ crypt_param: "05", salt: "abcdefghijklmnopqrstuu" });
    expect(by("frank")).toMatchObject({ crypt_param: "j9T", salt: "0123456789abcdef" });
    expect(by("gina")).toMatchObject({ locked: true, status: "L" });
    expect(by("henry")).toMatchObject({ crypt: "", status: "NP", locked: false, algorithm: null });
    expect(by("dave")).toMatchObject({ last_change_days: 0, last_change: null });
    expect((by("alice").crypt as string).endsWith(`$${by("alice").hash}`)).toBe(true);
    expect(cryptParts("$6$rounds=5000$salt$hash")).toEqual({ algorithm: "sha512", param: "rounds=5000", salt: "salt", hash: "hash" });
    expect(cryptParts("abJnggxhB/yWI")).toEqual({ algorithm: "des", param: null, salt: "ab", hash: "JnggxhB/yWI" });
  });

  it("the sample host: www-data (a service account) has a password", async () => {
    await checkAgainstPasswdS(WEB01, "ssh/web01/passwd-S-a.txt", (u) => chage("ssh/web01", `chage-l-${u}`));
    const r = await runPath("passwords", WEB01);
    expect(r.records.find((x) => x.name === "www-data")).toMatchObject({ status: "P", algorithm: "md5" });
  });

  it("a malformed line is a warning with file and line; the accounts around it are kept; /etc/shadow- adds what differs", async () => {
    const r = await runTree("passwords", {
      "/etc/shadow": "a:*:19000:0:99999:7:::\nbroken line\nb:!:x:0:99999:7:::\n",
      "/etc/shadow-": "a:*:19000:0:99999:7:::\na:$1$old$hash:18000:0:99999:7:::\n",
    });
    expect(r.records.map((x) => [x.name, x.filepath, x.lineno])).toEqual([["a", "/etc/shadow", 1], ["b", "/etc/shadow", 3], ["a", "/etc/shadow-", 2]]);
    expect(r.warnings.map((w) => [w.file, w.message.slice(0, 7)])).toEqual([["/etc/shadow", "line 2:"], ["/etc/shadow", "line 3:"]]);
    expect((await runTree("passwords", { "/etc/passwd": "x:x:0:0::/:/bin/sh\n" })).outcome.status).toBe("absent");
  });

  it("fuzz: damaged copies never fail the run", async () => {
    await fuzz("passwords", { "/etc/shadow": readFixture("accounts/basic/etc/shadow") }, "/etc/shadow", 19);
  });
});
