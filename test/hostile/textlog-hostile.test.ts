// Hostile class: text logs that fight back. One host (a directory, the same as a tar and a tar.gz) whose auth.log
// rotations hold a 1 MB line, a binary blob, a run of NULs, invalid UTF-8, ANSI escapes, and a truncated gzip
// rotation, beside a "syslog" that is no log at all: every good line is a record, each bad one a warning naming
// the file and the line or offset, the non-log an error for that file only (exit 1), text output escaped. And
// memory stays flat whatever the size of a log: a 70 MB auth.log costs what a 2 MB one does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entry, tar } from "../fs/tarbuild.js";
import { prng } from "../helpers/prng.js";
import { describeRun, runTool } from "./harness.js";

const MTIME = Date.UTC(2024, 2, 15, 10) / 1000;
let dir: string;
let host: string;
const files = new Map<string, Buffer>();

/** n sshd lines of March 2024, a minute apart from `start` minutes after Mar 4 00:00 */
function sshdLines(n: number, start: number, tag = "x"): string[] {
  return Array.from({ length: n }, (_, i) => {
    const m = start + i;
    const d = 4 + Math.floor(m / 1440);
    const hh = String(Math.floor(m / 60) % 24).padStart(2, "0");
    const mm = String(m % 60).padStart(2, "0");
    return `Mar ${String(d).padStart(2, " ")} ${hh}:${mm}:00 web01 sshd[${1000 + i}]: Failed password for root from 203.0.113.${i % 250} port ${20000 + i} ssh2 ${tag}${i}`;
  });
}

const OLD = sshdLines(2000, 0, "old");
const MID_BEFORE = sshdLines(3, 3000, "mid");
const LONG = `Mar  6 02:10:00 web01 sshd[4200]: Failed password for invalid user ${"A".repeat(1024 * 1024)} from 45.95.147.236 port 39112 ssh2`;
const ESCAPE = "Mar  6 02:11:00 web01 sshd[4201]: Invalid user \x1b]0;pwned\x07\x1b[31mred from 45.95.147.236 port 39113";
const INVALID_UTF8 = Buffer.concat([Buffer.from("Mar  6 02:12:00 web01 sshd[4202]: Invalid user caf"), Buffer.from([0xff, 0xc3]), Buffer.from(" from 45.95.147.236 port 39114")]);
const NULS = Buffer.concat([Buffer.alloc(4096), Buffer.from("Mar  6 02:13:00 web01 sshd[4203]: Connection closed by 45.95.147.236 port 39115 [preauth]")]);
const MID_AFTER = sshdLines(3, 3100, "after");
const LIVE = sshdLines(50, 6000, "live");

/** 200 KB of random bytes in four "lines" of 50,000 (newlines only there, NULs in each). */
function blob(): Buffer {
  const rnd = prng(14);
  const b = Buffer.alloc(200_000);
  for (let i = 0; i < b.length; i++) {
    const v = Math.floor(rnd() * 256);
    b[i] = v === 10 ? 0 : v;
  }
  for (let i = 50_000; i < b.length; i += 50_000) b[i] = 10;
  return b;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** n lines a second apart from 2024-03-04 (any length: the dates run on). */
function manyLines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(2024, 2, 4) + i * 1000);
    const day = String(d.getUTCDate()).padStart(2, " ");
    out.push(`${MONTHS[d.getUTCMonth()]} ${day} ${d.toISOString().slice(11, 19)} web01 sshd[${1000 + (i % 9000)}]: Failed password for root from 203.0.113.${i % 250} port ${20000 + (i % 40000)} ssh2`);
  }
  return out.join("\n") + "\n";
}

function write(root: string, rel: string, data: string | Buffer): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  fs.utimesSync(p, MTIME, MTIME);
  files.set(rel, Buffer.from(data));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-textlog-"));
  host = path.join(dir, "host");
  write(host, "etc/hostname", "web01\n");
  write(host, "etc/timezone", "Etc/UTC\n");
  const gz = zlib.gzipSync(OLD.join("\n") + "\n");
  write(host, "var/log/auth.log.2.gz", gz.subarray(0, Math.floor(gz.length * 0.7)));
  const nl = Buffer.from("\n");
  write(
    host,
    "var/log/auth.log.1",
    Buffer.concat([Buffer.from(MID_BEFORE.join("\n") + "\n"), Buffer.from(LONG + "\n"), blob(), nl, Buffer.from(ESCAPE + "\n"), INVALID_UTF8, nl, NULS, nl, Buffer.from(MID_AFTER.join("\n") + "\n")]),
  );
  write(host, "var/log/auth.log", LIVE.join("\n") + "\n");
  // not a log: an ELF header and code
  write(host, "var/log/syslog", Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), blob()]));
  write(host, "var/log/messages", "Mar 15 09:00:00 web01 systemd[1]: Started Daily apt download activities.\n");
  const members = [...files].map(([name, data]) => entry({ name, data, mtime: MTIME }));
  fs.writeFileSync(path.join(dir, "host.tar"), tar(...members));
  fs.writeFileSync(path.join(dir, "host.tar.gz"), zlib.gzipSync(tar(...members)));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface JsonRec {
  message: string;
  filepath: string;
  lineno: number;
  user: string | null;
  ts: string | null;
}

function records(stdout: Buffer): JsonRec[] {
  return stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l.startsWith("{") && !l.includes('"_type": "recorddescriptor"'))
    .map((l) => JSON.parse(l) as JsonRec);
}

describe("hostile text logs", () => {
  it.each(["host", "host.tar", "host.tar.gz"])("%s: every good line, each bad one named, the non-log an error for that file only", async (name) => {
    const r = await runTool("target-query", ["-f", "authlog,messages", "-j", path.join(dir, name)], { timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(1);
    const recs = records(r.stdout);
    const auth = recs.filter((x) => x.filepath.startsWith("/var/log/auth.log"));
    // the truncated rotation: its good prefix, in order, every line whole but perhaps the last
    const old = auth.filter((x) => x.filepath === "/var/log/auth.log.2.gz");
    expect(old.length).toBeGreaterThan(500);
    expect(old.length).toBeLessThanOrEqual(OLD.length);
    old.slice(0, -1).forEach((x, i) => expect(x.message).toBe(OLD[i]!.slice(34)));
    expect(r.stderr).toMatch(/\/var\/log\/auth\.log\.2\.gz @ offset \d+: gzip stream damaged after \d+ decompressed bytes .*: \d+ lines read before the damage/);
    // the rotation with the bad lines: all the good ones, in order
    const mid = auth.filter((x) => x.filepath === "/var/log/auth.log.1");
    const good = [...MID_BEFORE, "LONG", "ESCAPE", "UTF8", "NULS", ...MID_AFTER];
    expect(mid.length).toBe(good.length);
    expect(mid.slice(0, 3).map((x) => x.message)).toEqual(MID_BEFORE.map((l) => l.slice(34)));
    expect(mid.slice(-3).map((x) => x.message)).toEqual(MID_AFTER.map((l) => l.slice(34)));
    // the 1 MB line: its first 64 KiB, the user field cut with it; a warning names it
    expect(mid[3]!.message.length).toBe(64 * 1024 - 34);
    expect(mid[3]!.message.startsWith("Failed password for invalid user AAAA")).toBe(true);
    expect(r.stderr).toMatch(/\/var\/log\/auth\.log\.1 @ offset \d+: line 4 is 1048\d{3} bytes long: only its first 65536 bytes are kept/);
    // the escape kept in JSON, invalid UTF-8 as surrogate escapes, the NULs dropped
    expect(mid[4]!.message).toBe(ESCAPE.slice(34));
    expect(mid[4]!.user).toBe("\x1b]0;pwned\x07\x1b[31mred");
    expect(mid[5]!.message).toBe("Invalid user caf\udcff\udcc3 from 45.95.147.236 port 39114");
    expect(mid[6]!.message).toBe("Connection closed by 45.95.147.236 port 39115 [preauth]");
    expect(r.stderr).toMatch(/\/var\/log\/auth\.log\.1 @ offset \d+: line \d+ starts with 4096 NUL bytes/);
    // the blob: skipped, each piece named by its offset
    expect(r.stderr).toMatch(/\/var\/log\/auth\.log\.1 @ offset \d+: line \d+: \d+ bytes of binary data, no syslog header: skipped/);
    // the live file whole, and the times placed (2024, from the mtime)
    expect(auth.filter((x) => x.filepath === "/var/log/auth.log").map((x) => x.message)).toEqual(LIVE.map((l) => l.slice(34)));
    expect(auth.every((x) => x.ts === null || x.ts.startsWith("2024-03-"))).toBe(true);
    // the non-log: an error for it, the other messages file read
    expect(r.stderr).toMatch(/error: .*messages: \/var\/log\/syslog @ offset 0: not a syslog file/);
    expect(recs.filter((x) => x.filepath === "/var/log/messages").length).toBe(1);
    expect(recs.filter((x) => x.filepath === "/var/log/syslog").length).toBe(0);
    // stderr is for a person: no control byte but newlines
    expect(/[\x00-\x09\x0b-\x1f\x7f]/.test(r.stderr), r.stderr.slice(0, 500)).toBe(false);
  });

  it("text output escapes the message's terminal escapes", async () => {
    const r = await runTool("target-query", ["-q", "-s", "-f", "authlog", path.join(dir, "host")], { timeoutMs: 60_000 });
    const out = r.stdout.toString("utf8");
    expect(out).toContain("Invalid user \\x1b]0;pwned\\x07\\x1b[31mred from");
    expect(/[\x00-\x09\x0b-\x1f\x7f]/.test(out)).toBe(false);
  });

  // Flat means: twice the input, not more memory. The peak of a long run is a ceiling that V8 sets (its external
  // memory, the 1 MiB windows' strings, is collected each ~64 MB), reached by 35 MB of input already; so the
  // 70 MB run is compared with the 35 MB one, not with a tiny run whose cost is mostly start-up.
  it("memory stays flat: a 70 MB auth.log costs what a 35 MB one does", async () => {
    const sizes: Record<string, number> = {};
    for (const [label, n] of [["medium", 350_000], ["large", 700_000]] as const) {
      const h = path.join(dir, `flat-${label}`);
      write(h, "etc/hostname", "web01\n");
      fs.mkdirSync(path.join(h, "var/log"), { recursive: true });
      fs.writeFileSync(path.join(h, "var/log/auth.log"), manyLines(n));
      const end = Date.UTC(2024, 2, 4) / 1000 + n + 60;
      fs.utimesSync(path.join(h, "var/log/auth.log"), end, end);
      const devnull = fs.openSync("/dev/null", "w");
      const r = await runTool("target-query", ["-q", "-f", "authlog", "-j", h], { timeoutMs: 180_000, stdout: devnull });
      fs.closeSync(devnull);
      expect(r.code, describeRun(r)).toBe(0);
      sizes[label] = r.peakRssMb ?? Infinity;
    }
    expect(sizes.large!, JSON.stringify(sizes)).toBeLessThan(sizes.medium! + 30);
    expect(sizes.large!).toBeLessThan(200);
  });
});
