// lastlog against the real tools: fixtures/lastlog/ holds lastlog files written by login + pam_lastlog and
// shadow's lastlog (and one packed by a script for the slots no program writes), each with shadow's own
// `lastlog -R` report and lldump (glibc's struct lastlog) as oracles. Every expected value below comes from those
// outputs; only the account list comes from the fixture's etc/passwd (the input both tools read too).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRegistry } from "../../../../../plugins/index.js";
import { file, type MemoryTree } from "../../../../../src/fs/memory.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../src/records/timestamp.js";
import { Target } from "../../../../../src/target.js";
import { silentLogger } from "../../../../../src/util/log.js";
import { encodeSurrogateEscape } from "../../../../../src/util/text.js";
import { paxSparse10, tar, tarStream, entry } from "../../../../fs/tarbuild.js";
import { prng } from "../../../../helpers/prng.js";
import { tmpdir, writeTree } from "../../../../helpers/tmp.js";
import { openTarget, targetFromTree } from "../../../../../plugins/index.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../fixtures/lastlog");
const WEB01_TAR = path.resolve(import.meta.dirname, "../../../../../fixtures/hosts/web01.tar");
const SLOT = 292;
const LASTLOG = "/var/log/lastlog";

// ---- the oracles ----

interface ToolRow {
  user: string;
  /** lastlog's Port: the first 8 bytes of ll_line. */
  port: Buffer;
  from: Buffer;
  /** Epoch seconds of Latest (ll_time read as int32 by glibc 2.36), null for **Never logged in**. */
  latest: number | null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LATEST = /(\*\*Never logged in\*\*|[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) \+0000 (\d{4}))$/;

/**
 * shadow's `lastlog` report: printf("%-16s %-8.8s %-42s%s\n", name, ll_line, ll_host, latest). Parsed as bytes
 * (latin1), from the end: the date, then the columns after the name.
 */
function lastlogReport(name: string): ToolRow[] {
  const [head, ...rows] = fs.readFileSync(path.join(FIX, name), "latin1").split("\n").filter(Boolean);
  expect(head).toMatch(/^Username {9}Port {5}From {39}Latest$/);
  return rows.map((row) => {
    const m = LATEST.exec(row);
    if (!m) throw new Error(`unparsed lastlog line: ${row}`);
    const left = row.slice(0, m.index);
    const user = left.slice(0, left.indexOf(" "));
    const col = Math.max(16, user.length) + 1;
    const latest = m[2] ? Date.UTC(Number(m[7]), MONTHS.indexOf(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000 : null;
    return {
      user,
      port: Buffer.from(left.slice(col, col + 8).trimEnd(), "latin1"),
      from: Buffer.from(left.slice(col + 9).trimEnd(), "latin1"),
      latest,
    };
  });
}

interface DumpRow {
  uid: number;
  offset: number;
  /** ll_time as glibc 2.36 declares it (int32_t). */
  time: number;
  line: Buffer;
  host: Buffer;
}

function unescape(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\" && s[i + 1] === "x") {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** lldump.c's output: every slot that is not all zeros, through glibc's struct lastlog. */
function lldump(name: string): DumpRow[] {
  const [head, ...rows] = fs.readFileSync(path.join(FIX, name), "latin1").split("\n").filter(Boolean);
  expect(head).toBe(`sizeof(struct lastlog)=${SLOT}`);
  return rows.map((row) => {
    const m = /^uid=(\d+) offset=(\d+) ll_time=(-?\d+) line=(\S*) host=(\S*)$/.exec(row);
    if (!m) throw new Error(`unparsed lldump line: ${row}`);
    return { uid: Number(m[1]), offset: Number(m[2]), time: Number(m[3]), line: unescape(m[4]!), host: unescape(m[5]!) };
  });
}

/** The accounts of a fixture's etc/passwd, in file order. */
function passwd(text: string): { name: string; uid: number }[] {
  return text
    .split("\n")
    .filter((l) => l.split(":").length >= 7)
    .map((l) => ({ name: l.split(":")[0]!, uid: Number(l.split(":")[2]) }));
}

// ---- running the plugin ----

interface Run {
  records: AnyRecord[];
  outcome: FunctionOutcome;
}

async function lastlog(t: Target, args: Record<string, unknown> = {}): Promise<Run> {
  const records: AnyRecord[] = [];
  const sink = { write: (r: AnyRecord) => void records.push(r), close: async () => {} };
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve("lastlog").groups, defaultRegistry, sink, { args, log: silentLogger });
  t.close();
  return { records, outcome: outcome! };
}

function memoryTarget(lastlogBytes: Uint8Array, passwdText: string, mtime?: number): Target {
  const tree: MemoryTree = { "/etc/passwd": passwdText, [LASTLOG]: file(lastlogBytes, mtime !== undefined ? { mtime } : {}) };
  return targetFromTree(tree);
}

const bytes = (s: string | null): Buffer => encodeSurrogateEscape(s ?? "");
const seconds = (r: AnyRecord): number | null => (r.ts === null ? null : (r.ts as Timestamp).seconds);
const fixture = (rel: string): Buffer => fs.readFileSync(path.join(FIX, rel));
const fixtureText = (rel: string): string => fs.readFileSync(path.join(FIX, rel), "utf8");

/** Every record against lldump (all slots, all bytes) and every report line against the records. */
function checkOracles(records: AnyRecord[], name: string, accounts: { name: string; uid: number }[], slotSize = SLOT): void {
  const dump = lldump(`${name}.lldump.txt`);
  const report = lastlogReport(`${name}.lastlog.txt`);
  // one record per used slot, in file order, nothing else
  expect(records.map((r) => r.uid)).toEqual(dump.map((d) => d.uid));
  dump.forEach((d, i) => {
    const r = records[i]!;
    expect(r.offset, `uid ${d.uid}`).toBe(slotSize === SLOT ? d.offset : d.uid * slotSize);
    // the same 32 bits: glibc 2.36 reads them signed, we read them unsigned (glibc 2.40)
    expect(seconds(r), `uid ${d.uid}`).toBe(d.time === 0 ? null : d.time >>> 0);
    expect(bytes(r.ut_line as string), `uid ${d.uid} line`).toEqual(d.line);
    expect(bytes(r.ut_host as string), `uid ${d.uid} host`).toEqual(d.host);
    expect(r.ut_user, `uid ${d.uid} user`).toBe(accounts.find((a) => a.uid === d.uid)?.name ?? null);
    expect(r.filepath).toBe(LASTLOG);
  });
  // shadow's report: one line per account
  expect(report.map((row) => row.user)).toEqual(accounts.map((a) => a.name));
  for (const row of report) {
    const uid = accounts.find((a) => a.name === row.user)!.uid;
    const r = records.find((rec) => rec.uid === uid);
    if (!r) {
      // never logged in: an all-zero slot, or past the end of the file
      expect([row.latest, row.port.length, row.from.length], row.user).toEqual([null, 0, 0]);
      continue;
    }
    expect(r.ut_user, row.user).toBe(accounts.find((a) => a.uid === uid)!.name);
    const s = seconds(r);
    expect(s === null ? null : s >= 2 ** 31 ? s - 2 ** 32 : s, row.user).toBe(row.latest);
    expect(bytes(r.ut_line as string).subarray(0, 8), row.user).toEqual(row.port);
    const host = bytes(r.ut_host as string);
    // a host filling all 256 bytes has no NUL: lastlog's %s runs past it, so only its first 256 bytes are ours
    expect(host.length === 256 ? row.from.subarray(0, 256) : row.from, row.user).toEqual(host);
  }
}

// ---- the tests ----

describe("lastlog: real files against the real tools", () => {
  it("basic (login + pam_lastlog, lastlog -S/-C, userdel): every slot and every report line", async () => {
    const { records, outcome } = await lastlog(await openTarget(path.join(FIX, "basic")));
    expect(outcome).toMatchObject({ status: "ok", warnings: [], errors: [] });
    checkOracles(records, "basic", passwd(fixtureText("basic/etc/passwd")));
    expect(records).toHaveLength(7);
  });

  it("edge (slots no program writes): long, unterminated and non-UTF-8 strings, 32-bit time limits", async () => {
    const { records, outcome } = await lastlog(await openTarget(path.join(FIX, "edge")));
    checkOracles(records, "edge", passwd(fixtureText("edge/etc/passwd")));
    // uid 1: no time, but a line and host (lastlog: **Never logged in**, pts/7, wiped.example.net)
    expect(outcome.warnings).toEqual([{ message: "slot of uid 1 has no login time but is not empty (kept, ts null)", file: LASTLOG, offset: SLOT }]);
    const byUid = new Map(records.map((r) => [r.uid, r]));
    expect(String(byUid.get(3)!.ts)).toBe("2038-01-19 03:14:08+00:00");
    expect(String(byUid.get(4)!.ts)).toBe("2106-02-07 06:28:15+00:00");
    expect(byUid.get(5)!.ut_line).toBe("pts/\udcff\udcfe");
    expect(byUid.get(5)!.ut_host).toBe("été.example");
    expect(byUid.get(12)!.ut_user).toBeNull();
  });

  it("the sample host web01 (from its tar)", async () => {
    const { records, outcome } = await lastlog(await openTarget(WEB01_TAR));
    expect(outcome).toMatchObject({ status: "ok", warnings: [], errors: [] });
    const t = await openTarget(WEB01_TAR);
    const accounts = passwd(t.fs.readText("/etc/passwd"));
    t.close();
    checkOracles(records, "web01", accounts);
    expect(records.map((r) => [r.ut_user, r.ut_line, r.ut_host])).toEqual([
      ["root", "pts/0", ""],
      ["www-data", "pts/2", "203.0.113.77"],
      ["alice", "pts/0", "198.51.100.23"],
      ["bob", "pts/1", "2001:db8:1f::5"],
    ]);
  });

  it("a deleted account keeps its slot: user null, the values lastlog -u showed before the userdel", async () => {
    const { records } = await lastlog(await openTarget(path.join(FIX, "basic")));
    const [before] = lastlogReport("basic.lastlog-u-mallory.txt");
    const uid = passwd(fixtureText("basic/etc/passwd-")).find((a) => a.name === "mallory")!.uid;
    const r = records.find((rec) => rec.uid === uid)!;
    expect(r.ut_user).toBeNull();
    expect([seconds(r), bytes(r.ut_line as string), bytes(r.ut_host as string)]).toEqual([before!.latest, before!.port, before!.from]);
  });

  it("two accounts with one uid: the first in /etc/passwd names the slot (getpwuid)", async () => {
    const { records } = await lastlog(await openTarget(path.join(FIX, "basic")));
    const report = lastlogReport("basic.lastlog.txt");
    const root = report.find((row) => row.user === "root")!;
    const toor = report.find((row) => row.user === "toor")!;
    expect(toor).toEqual({ ...root, user: "toor" });
    expect(records.filter((r) => r.uid === 0).map((r) => r.ut_user)).toEqual(["root"]);
  });
});

describe("lastlog: loaders", () => {
  const accounts = passwd(fixtureText("basic/etc/passwd"));
  const data = fixture("basic/var/log/lastlog");

  it("a directory, a plain tar and a sparse tar (GNU PAX 1.0, holes not stored) give the same records", async () => {
    const root = tmpdir();
    writeTree(root, { "etc/passwd": fixtureText("basic/etc/passwd"), "var/log/lastlog": data });
    const fromDir = await lastlog(await openTarget(root));
    checkOracles(fromDir.records, "basic", accounts);

    const plain = path.join(tmpdir(), "plain.tar");
    fs.writeFileSync(
      plain,
      await tarStream([
        { header: { name: "etc/passwd" }, data: fixtureText("basic/etc/passwd") },
        { header: { name: "var/log/lastlog" }, data },
      ]),
    );
    const fromTar = await lastlog(await openTarget(plain));
    checkOracles(fromTar.records, "basic", accounts);

    // the 512-byte blocks that hold any non-zero byte, as `tar --sparse` stores them
    const segs: [number, Buffer][] = [];
    for (let off = 0; off < data.length; off += 512) {
      const block = data.subarray(off, Math.min(off + 512, data.length));
      if (block.some((b) => b !== 0)) {
        const last = segs[segs.length - 1];
        if (last && last[0] + last[1].length === off) last[1] = Buffer.concat([last[1], block]);
        else segs.push([off, Buffer.from(block)]);
      }
    }
    const sparse = tar(entry({ name: "etc/passwd", data: fixtureText("basic/etc/passwd") }), paxSparse10("var/log/lastlog", data.length, segs));
    expect(sparse.length).toBeLessThan(data.length / 20);
    const sparseTar = path.join(tmpdir(), "sparse.tar");
    fs.writeFileSync(sparseTar, sparse);
    const fromSparse = await lastlog(await openTarget(sparseTar));
    checkOracles(fromSparse.records, "basic", accounts);
    expect(fromSparse.records.map((r) => r.offset)).toEqual(fromDir.records.map((r) => r.offset));
  });

  it("says why it does not apply; an empty file (as `touch` leaves it) has no records and no complaints", async () => {
    const none = await lastlog(targetFromTree({ "/etc/passwd": "root:x:0:0::/root:/bin/sh\n", "/var/log/syslog": "" }));
    expect(none.outcome).toMatchObject({ status: "absent", reason: "no /var/log/lastlog" });
    const empty = await lastlog(memoryTarget(Buffer.alloc(0), "root:x:0:0::/root:/bin/sh\n"));
    expect(empty.outcome).toMatchObject({ status: "ok", records: 0, warnings: [], errors: [] });
  });

  it("without /etc/passwd every record has user null", async () => {
    const { records } = await lastlog(targetFromTree({ "/etc/hostname": "h\n", [LASTLOG]: data }));
    expect(records.map((r) => r.uid)).toEqual(lldump("basic.lldump.txt").map((d) => d.uid));
    expect(records.every((r) => r.ut_user === null)).toBe(true);
  });
});

describe("lastlog: damage", () => {
  const passwdText = fixtureText("basic/etc/passwd");
  const accounts = passwd(passwdText);
  const data = fixture("basic/var/log/lastlog");
  const dump = lldump("basic.lldump.txt");

  it("a copy cut anywhere keeps every complete slot and names the partial one by offset", async () => {
    const lastUsed = dump[dump.length - 1]!.offset;
    for (const cut of [0, 1, SLOT - 1, SLOT, SLOT + 1, 292000 + 150, lastUsed + 100, data.length - 1]) {
      const { records, outcome } = await lastlog(memoryTarget(data.subarray(0, cut), passwdText));
      const kept = dump.filter((d) => d.offset + SLOT <= cut);
      expect(records.map((r) => r.uid), `cut at ${cut}`).toEqual(kept.map((d) => d.uid));
      const partial = cut % SLOT;
      expect(outcome.warnings, `cut at ${cut}`).toEqual(
        partial ? [{ message: `truncated: the last ${partial} bytes are not a whole ${SLOT}-byte slot; not decoded`, file: LASTLOG, offset: cut - partial }] : [],
      );
      expect(outcome.status).toBe("ok");
    }
  });

  it("corrupted and fuzzed copies never throw out of the function (seeded)", async () => {
    const rand = prng(0x1a57106);
    const edge = fixture("edge/var/log/lastlog");
    for (let i = 0; i < 300; i++) {
      const base = i % 2 ? edge : data.subarray(0, 4 * 1024 * 8);
      let buf = Buffer.from(base);
      const kind = i % 5;
      if (kind === 0) for (let k = 0; k < 1 + rand() * 64; k++) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      else if (kind === 1) buf = buf.subarray(0, Math.floor(rand() * buf.length));
      else if (kind === 2) {
        const at = Math.floor(rand() * buf.length);
        const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 600) }, () => Math.floor(rand() * 256)));
        buf = Buffer.concat([buf.subarray(0, at), junk, buf.subarray(at)]);
      } else if (kind === 3) buf = Buffer.from(Array.from({ length: Math.floor(rand() * 4000) }, () => Math.floor(rand() * 256)));
      else buf.fill(0xff, Math.floor(rand() * buf.length));
      const args = [{}, { "byte-order": "be" }, { "byte-order": "le" }, { "scan-limit": 0.001 }][i % 4]!;
      const { records, outcome } = await lastlog(memoryTarget(buf, passwdText, i % 3 ? 1_795_280_700 : undefined), args);
      expect(outcome.reason, `case ${i}`).toBeUndefined();
      expect(outcome.status, `case ${i}`).toBe("ok");
      // whatever layout was guessed, one: every record is a whole slot at uid × size
      const sizes = new Set(records.filter((r) => r.uid !== 0).map((r) => (r.offset as number) / (r.uid as number)));
      expect(sizes.size, `case ${i}`).toBeLessThanOrEqual(1);
      const S = [...sizes][0] ?? SLOT;
      expect([292, 296]).toContain(S);
      for (const r of records) expect((r.offset as number) + S, `case ${i}`).toBeLessThanOrEqual(buf.length);
    }
  });
});

describe("lastlog: byte order", () => {
  const passwdText = fixtureText("basic/etc/passwd");
  const accounts = passwd(passwdText);
  const dump = lldump("basic.lldump.txt");
  const newest = Math.max(...dump.map((d) => d.time));
  // the same file as a big-endian machine (s390x) writes it: only ll_time is an integer
  const be = Buffer.from(fixture("basic/var/log/lastlog"));
  for (const d of dump) be.writeUInt32BE(be.readUInt32LE(d.offset), d.offset);

  it("auto: a big-endian file whose mtime is kept reads like the little-endian one", async () => {
    const { records } = await lastlog(memoryTarget(be, passwdText, newest + 30));
    checkOracles(records, "basic", accounts);
  });

  it("--byte-order be reads it without any mtime; le (or auto without a clue) reads other times", async () => {
    checkOracles((await lastlog(memoryTarget(be, passwdText), { "byte-order": "be" })).records, "basic", accounts);
    const le = await lastlog(memoryTarget(be, passwdText), { "byte-order": "le" });
    expect(le.records.map(seconds)).not.toEqual(dump.map((d) => d.time));
    // the basic logins are seconds apart, so both readings look plausible: without an mtime auto says le
    expect((await lastlog(memoryTarget(be, passwdText))).records.map(seconds)).toEqual(le.records.map(seconds));
  });

  it("auto keeps a little-endian file little-endian, mtime or not", async () => {
    // no mtime, the real one, one in the future, and one before the logins (a timestomped file, or the sample
    // image whose members all carry 2024-03-15)
    for (const mtime of [undefined, newest + 30, 1_900_000_000, 1_710_496_800]) {
      checkOracles((await lastlog(memoryTarget(fixture("basic/var/log/lastlog"), passwdText, mtime))).records, "basic", accounts);
    }
    checkOracles((await lastlog(await openTarget(path.join(FIX, "edge")))).records, "edge", passwd(fixtureText("edge/etc/passwd")));
  });
});

describe("lastlog: 64-bit ll_time (296-byte slots)", () => {
  const passwdText = fixtureText("basic/etc/passwd");
  const accounts = passwd(passwdText);
  const dump = lldump("basic.lldump.txt");
  const data = fixture("basic/var/log/lastlog");
  // The basic logins as aarch64 (little-endian) or s390x (big-endian) glibc lays them out: struct lastlog with a
  // 64-bit time_t ll_time, 8 + 32 + 256 = 296 bytes; the line and host bytes copied as they are.
  const as296 = (order: "le" | "be", uids = dump.map((d) => d.uid)): Buffer => {
    const out = Buffer.alloc((Math.max(...uids) + 1) * 296);
    for (const d of dump.filter((row) => uids.includes(row.uid))) {
      const at = d.uid * 296;
      if (order === "le") out.writeBigInt64LE(BigInt(d.time >>> 0), at);
      else out.writeBigInt64BE(BigInt(d.time >>> 0), at);
      data.copy(out, at + 8, d.offset + 4, d.offset + SLOT);
    }
    return out;
  };

  it("auto: an aarch64 file and an s390x file read like the x86_64 one", async () => {
    for (const order of ["le", "be"] as const) {
      const { records, outcome } = await lastlog(memoryTarget(as296(order), passwdText));
      checkOracles(records, "basic", accounts, 296);
      expect(outcome.warnings, order).toEqual([]);
    }
  });

  it("auto, when the size is a multiple of both slot sizes, by the slots' contents", async () => {
    // one login, alice's, by uid 72: 73 × 296 = 74 × 292 = 21608 bytes
    const d = dump.find((row) => row.uid === 1000)!;
    const one = Buffer.alloc(73 * 296);
    one.writeBigInt64LE(BigInt(d.time), 72 * 296);
    data.copy(one, 72 * 296 + 8, d.offset + 4, d.offset + SLOT);
    const { records } = await lastlog(memoryTarget(one, "alice:x:72:72::/home/alice:/bin/sh\n"));
    expect(records.map((r) => [r.uid, seconds(r), r.ut_user, r.ut_line, r.ut_host])).toEqual([[72, d.time, "alice", "pts/0", "198.51.100.23"]]);
  });

  it("--slot-size and --byte-order force a layout", async () => {
    checkOracles((await lastlog(memoryTarget(as296("be"), passwdText), { "slot-size": "296", "byte-order": "be" })).records, "basic", accounts, 296);
    checkOracles((await lastlog(memoryTarget(data, passwdText), { "slot-size": "292" })).records, "basic", accounts);
    const wrong = await lastlog(memoryTarget(data, passwdText), { "slot-size": "296", "byte-order": "le" });
    expect(wrong.records.map((r) => r.uid)).not.toEqual(dump.map((d) => d.uid));
    expect(wrong.outcome.reason).toBeUndefined();
  });
});

describe("lastlog: huge sparse files", () => {
  const slot = (uid: number, time: number, line: string, host: string): [number, Buffer] => {
    const b = Buffer.alloc(SLOT);
    b.writeUInt32LE(time, 0);
    b.write(line, 4, "latin1");
    b.write(host, 36, "latin1");
    return [uid * SLOT, b];
  };
  // uid 300000 logs in but is not in /etc/passwd (a directory user from SSSD, say)
  const slots = [slot(0, 1_700_000_000, "tty1", ""), slot(200_000, 1_700_000_100, "pts/0", "10.0.0.1"), slot(300_000, 1_700_000_200, "pts/1", "10.0.0.2"), slot(350_000, 1_700_000_300, "pts/2", "10.0.0.3")];
  const passwdText = "root:x:0:0::/root:/bin/sh\nmid:x:200000:1::/:/bin/sh\nlast:x:350000:1::/:/bin/sh\n";

  async function sparseDirTarget(): Promise<Target> {
    const root = tmpdir();
    writeTree(root, { "etc/passwd": passwdText, "var/log/lastlog": "" });
    const fd = fs.openSync(path.join(root, "var/log/lastlog"), "r+");
    for (const [off, b] of slots) fs.writeSync(fd, b, 0, b.length, off);
    fs.closeSync(fd);
    return openTarget(root);
  }

  it("a 102 MB file of holes is read in chunks; every used slot is found", async () => {
    const started = performance.now();
    const { records, outcome } = await lastlog(await sparseDirTarget());
    expect(records.map((r) => [r.uid, r.ut_user, r.ut_line, r.ut_host])).toEqual([
      [0, "root", "tty1", ""],
      [200_000, "mid", "pts/0", "10.0.0.1"],
      [300_000, null, "pts/1", "10.0.0.2"],
      [350_000, "last", "pts/2", "10.0.0.3"],
    ]);
    expect(outcome.warnings).toEqual([]);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("past --scan-limit only the /etc/passwd accounts' slots are read, and a warning says so", async () => {
    const { records, outcome } = await lastlog(await sparseDirTarget(), { "scan-limit": 50 });
    const chunk = 21608 * 48; // the plugin reads whole chunks of 48 × lcm(292, 296) bytes
    const scanned = Math.floor((50 * 2 ** 20) / chunk) * chunk;
    expect(records.map((r) => r.uid)).toEqual([0, 200_000, 350_000]);
    expect(outcome.warnings).toEqual([
      {
        message: `${350_001 * SLOT}-byte lastlog: past byte ${scanned} only the slots of the 2 /etc/passwd accounts there were read (--scan-limit 0 reads all)`,
        file: LASTLOG,
        offset: scanned,
      },
    ]);
    expect((await lastlog(await sparseDirTarget(), { "scan-limit": 0 })).records.map((r) => r.uid)).toEqual([0, 200_000, 300_000, 350_000]);
  });
});
