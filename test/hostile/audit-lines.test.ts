// Hostile class: audit logs that are not what auditd writes. A 1 MiB line, a binary blob, invalid UTF-8, ANSI
// escapes, a file that is no log at all, and a large log for flat memory. Through the CLI: every good line
// before and after the damage is a record, the damage is a warning naming the file and line (or an error for
// the file that is no log), the text output holds no terminal control, and peak RSS does not grow with the file.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun } from "./harness.js";
import { jsonRecords, makeHost, query, tempDir } from "./utmp-gen.js";

const dir = tempDir("audit-lines");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const FIX = path.resolve(import.meta.dirname, "../../fixtures/audit");
const LOG = "var/log/audit/audit.log";

const user = (sec: number, serial: number, text: string): string =>
  `type=USER msg=audit(${sec}.000:${serial}): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='text=${text} exe="/usr/sbin/auditctl" hostname=? addr=? terminal=? res=success'\n`;

describe("audit: hostile lines", () => {
  it("a 1 MiB line, a binary blob, invalid UTF-8 and ANSI escapes: warnings by line, every good line a record, text output escaped", async () => {
    const huge = `type=EXECVE msg=audit(1709800001.000:2): argc=2 a0="x" a1=${"41".repeat(512 * 1024)}\n`;
    const blob = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256).filter((b) => b !== 10));
    const log = Buffer.concat([
      Buffer.from(user(1709800000, 1, "before")),
      Buffer.from(huge),
      blob,
      Buffer.from("\n"),
      Buffer.from(`type=USER msg=audit(1709800002.000:3): pid=1 uid=0 msg='text=caf`),
      Buffer.from([0xe9, 0xff, 0xfe]),
      Buffer.from(` comm="\x1b]0;pwned\x07\x1b[31mred" res=success'\n`),
      Buffer.from(user(1709800003, 4, "after")),
    ]);
    const host = makeHost(dir, "lines", { [LOG]: log });
    const j = await query([host, "-f", "audit", "-j"]);
    expect(j.code, describeRun(j)).toBe(0);
    const recs = jsonRecords(j);
    expect(recs.map((r) => r.audit_id)).toEqual([1, 2, 3, 4]);
    // the 1 MiB line is cut at 64 KiB, its start parsed
    expect(j.stderr).toMatch(/audit\.log @ offset 166: line 2 is 1048634 bytes long: only its first 65536 bytes are kept/);
    expect(j.stderr).toMatch(/audit\.log @ offset 1048801: line 3: not an audit record .*; skipped/);
    expect(recs[2]!.fields).toEqual(["text=caf\udce9\udcff\udcfe"]);
    expect(recs[2]!.comm).toBe("\x1b]0;pwned\x07\x1b[31mred");
    const s = await query([host, "-f", "audit", "-s", "-q"]);
    expect(s.code, describeRun(s)).toBe(0);
    expect(s.stdout.toString("utf8")).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
    expect(s.stdout.toString("utf8")).toContain("after");
  });

  it("a file that is no audit log is an error for that file; the other file is read, the run goes on", async () => {
    const host = makeHost(dir, "notlog", {
      "var/log/audit/audit.log.1": Buffer.from(Array.from({ length: 5000 }, (_, i) => `Mar 15 10:${String(i % 60).padStart(2, "0")}:00 web01 sshd[${i}]: Accepted publickey for alice`).join("\n")),
      [LOG]: Buffer.from(user(1709800000, 1, "live")),
    });
    const r = await query([host, "-f", "audit,audit.events", "-j"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/\/var\/log\/audit\/audit\.log\.1: not an audit log: none of its first 64 lines is an audit record/);
    expect(jsonRecords(r).map((x) => x.filepath)).toEqual(["/var/log/audit/audit.log", "/var/log/audit/audit.log"]);
  });

  it("memory stays flat: a 24 MB log (the real capture 130 times) costs about what a 1.5 MB one does", async () => {
    const real = fs.readFileSync(path.join(FIX, "raw.audit.log.1"));
    const small = makeHost(dir, "small", { [LOG]: Buffer.concat(Array.from({ length: 8 }, () => real)) });
    const big = makeHost(dir, "big", { [LOG]: Buffer.concat(Array.from({ length: 130 }, () => real)) });
    for (const fn of ["audit", "audit.events"]) {
      const a = await query([small, "-f", fn, "-j"], {}, 120_000);
      const b = await query([big, "-f", fn, "-j"], {}, 120_000);
      expect(b.code, describeRun(b)).toBe(0);
      // the copies repeat the same serials and times: lines scale exactly, events nearly (a copy's last events
      // may take the next copy's lines of the same serial)
      const per = jsonRecords(a).length / 8;
      if (fn === "audit") expect(jsonRecords(b).length).toBe(per * 130);
      else expect(jsonRecords(b).length).toBeGreaterThan(per * 130 * 0.9);
      console.log(`${fn}: ${jsonRecords(a).length} records: peak RSS ${a.peakRssMb?.toFixed(0)} MiB; ${jsonRecords(b).length} records: ${b.peakRssMb?.toFixed(0)} MiB, ${b.wallMs.toFixed(0)} ms`);
      expect(b.peakRssMb ?? 0, `${fn}: ${describeRun(b)}`).toBeLessThan(Math.max(200, (a.peakRssMb ?? 0) + 60));
    }
  });
});
