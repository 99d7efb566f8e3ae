// Tar headers that cost more than the archive is worth. Before: a PAX path of 8 million components took 24 s and
// 2.7 GB; fifty 1 MB PAX paths were killed at 3 GB after 44 s; a global header of a million keys was copied into
// every member (killed at 60 s with 100 members); 130,000 duplicate names made the target unopenable ("Maximum
// call stack size exceeded"). Now: PAX/GNU meta headers are capped at 1 MiB and paths at PATH_MAX (4096) — the
// member is skipped with a warning naming its offset — only the PAX keys the index uses are kept, the global
// header is looked up rather than copied, and warnings are capped per kind with a count of the rest.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { entry, header, paxRecords, tar } from "../fs/tarbuild.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-tar-pax-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const LIMITS = { timeoutMs: 60_000, env: { QUARRY_TMPDIR: dir } };

function write(name: string, data: Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

/** A PAX 'x' header whose data is `records`, written without building a string of the whole (it may be large). */
function paxEntry(records: Buffer, flag = "x", name = "PaxHeaders/x"): Buffer {
  const pad = Buffer.alloc((512 - (records.length % 512)) % 512);
  return Buffer.concat([header({ name, flag, size: records.length }), records, pad]);
}

function bounded(r: BoundedRun, ms = 30_000, rssMb = 600): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  expect(r.wallMs, describeRun(r)).toBeLessThan(ms);
  expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(rssMb);
}

const hostname = entry({ name: "etc/hostname", data: "paxhost\n" });
const varLog = entry({ name: "var/log/", flag: "5" });

describe("tar PAX bombs", () => {
  it("a PAX path of 8 million components (16 MB) and PAX paths of 1 MB: skipped with warnings, the rest is read", async () => {
    const huge = paxRecords({ path: "a/".repeat(8_000_000 - 1) + "a" });
    const parts = [hostname, varLog, paxEntry(huge), entry({ name: "placeholder", data: "x" })];
    for (let k = 0; k < 20; k++) parts.push(paxEntry(paxRecords({ path: `p${k}/` + "b/".repeat(499_998) + "b" })), entry({ name: `placeholder${k}`, data: "y" }));
    parts.push(entry({ name: "var/log/after", data: "still here\n" }));
    const p = write("longpath.tar", tar(...parts));
    const r = await runTool("target-fs", [p, "cat", "/var/log/after"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString()).toBe("still here\n");
    expect(r.stderr).toMatch(/member at offset \d+: 'x' header at offset 1536 claims 16000014 bytes \(more than the 1048576-byte cap\); skipped/);
    expect(r.stderr).toMatch(/member at offset \d+: PAX path of 100000\d bytes at offset \d+, longer than PATH_MAX \(4096\); skipped/);
    expect(r.stderr.match(/PATH_MAX/g)).toHaveLength(20);
    bounded(r);
    const ls = await runTool("target-fs", ["-q", p, "ls", "/"], LIMITS);
    expect(ls.stdout.toString().split("\n").filter(Boolean).sort()).toEqual(["etc", "var"]); // no placeholder, no a/a/a…
  });

  it("a GNU long name longer than PATH_MAX skips its member; one of PATH_MAX is kept", async () => {
    const long = (n: number): Buffer => entry({ name: "././@LongLink", flag: "L", data: "var/log/" + "c".repeat(n - 8) + "\0", gnu: true });
    const p = write("gnulong.tar", tar(hostname, varLog, long(4097), entry({ name: "x1", data: "1" }), long(255), entry({ name: "x2", data: "2" })));
    const r = await runTool("target-fs", [p, "find", "/var/log/*"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString().trim().split("\n")).toEqual(["/var/log/" + "c".repeat(247)]);
    expect(r.stderr).toMatch(/GNU long name at offset \d+ is 4097 bytes, longer than PATH_MAX \(4096\); skipped/);
  });

  it("a global header of a million keys (10 MB, over the cap) with 100 members: ignored with a warning, members read", async () => {
    const recs: Buffer[] = [];
    for (let i = 0; i < 1_000_000; i++) recs.push(Buffer.from(paxRecordLine("k" + i.toString(36), "v")));
    const members = Array.from({ length: 100 }, (_, i) => entry({ name: `var/log/m${i}`, data: `member ${i}\n` }));
    const p = write("globalkeys.tar", tar(hostname, paxEntry(Buffer.concat(recs), "g", "GlobalHead"), ...members));
    const r = await runTool("target-fs", [p, "find", "/var/log/*"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString().trim().split("\n")).toHaveLength(100);
    expect(r.stderr).toMatch(/'g' header at offset 1024 claims \d+ bytes \(more than the 1048576-byte cap\): ignored/);
    bounded(r);
  });

  it("a global header of 120,000 keys (within the cap) with 3,000 members costs one pass, not one copy per member", async () => {
    const recs: Buffer[] = [];
    let n = 0;
    for (let i = 0; n < 1_000_000; i++) {
      const b = Buffer.from(paxRecordLine("k" + i.toString(36), ""));
      recs.push(b);
      n += b.length;
    }
    recs.push(Buffer.from(paxRecordLine("uid", "4242")));
    const members = Array.from({ length: 3000 }, (_, i) => entry({ name: `var/log/m${i}`, data: `member ${i}\n` }));
    const p = write("globalkeys-ok.tar", tar(hostname, paxEntry(Buffer.concat(recs), "g", "GlobalHead"), ...members));
    const r = await runTool("target-fs", [p, "stat", "/var/log/m2999"], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString()).toMatch(/uid: 4242\n/); // the global header still applies
    expect(r.stderr).toBe("");
    bounded(r, 20_000);
  });

  it("130,000 duplicate member names: the target opens; 100 warnings and a count of the rest", async () => {
    const dup = entry({ name: "etc/dup", data: "" });
    const parts = [hostname, varLog];
    for (let i = 0; i < 130_000; i++) parts.push(dup);
    parts.push(Buffer.alloc(1024));
    const p = write("dupes.tar", Buffer.concat(parts)); // no spread: 130,000 arguments overflow the stack
    const r = await runTool("target-query", ["-f", "hostname", "-j", p], LIMITS);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.toString()).toContain('"value": "paxhost"');
    expect(r.stderr.match(/^warning: .*duplicate of the member at offset/gm)).toHaveLength(100);
    expect(r.stderr).toContain("… and 129899 more warnings of this kind (duplicate member names)");
    bounded(r);
    const info = await runTool("target-info", ["-j", p], LIMITS);
    expect(info.code, describeRun(info)).toBe(0);
    const w = (JSON.parse(info.stdout.toString()) as { warnings: string[] }).warnings;
    expect(w).toHaveLength(101);
    expect(w[100]).toMatch(/^… and 129899 more/);
  });
});

/** One "LEN key=value\n" record (ASCII key and value), its length computed directly. */
function paxRecordLine(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len++;
  return len + body;
}
