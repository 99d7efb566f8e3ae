// Foreign formats at Linux paths, and zeros: a macOS utmpx (its first record is the signature "utmpx-1.00") is
// refused as an error for that file, never decoded as Linux 384-byte records; data that is mostly zero with
// some junk is not a utmp file (zeros are plausible EMPTY records at any offset and prove nothing); a file of
// zeros gives exactly what utmpdump shows (EMPTY records, the tail left out) with a warning. Before the fix the
// macOS file came out as one UNKNOWN(29813) record and eight junk EMPTY ones, the zero-sprinkled junk as
// records, and the zero file without a word.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { compareWithDump, fixture, fixtureText, parseUtmpdump, run } from "../plugins/os/unix/log/utmp/helpers.js";
import { prng } from "../helpers/prng.js";
import { describeRun } from "./harness.js";
import { makeHost, query, RECORD, tempDir } from "./utmp-gen.js";

const dir = tempDir("foreign");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MAC_RECORD = 628;

/** A macOS utmpx in Darwin Libc's on-disk layout (see fixtures/utmp/gen_macos_utmpx.py), seeded records. */
function macUtmpx(seed: number, records: number, le = true): Buffer {
  const rnd = prng(seed);
  const out = Buffer.alloc(MAC_RECORD * (records + 1));
  const put = (i: number, type: number, user: string, line: string, pid: number, sec: number, host: string): void => {
    const at = i * MAC_RECORD;
    out.write(user, at, "latin1");
    out.write(line, at + 260, "latin1");
    if (le) {
      out.writeInt32LE(pid, at + 292);
      out.writeInt16LE(type, at + 296);
      out.writeInt32LE(sec, at + 300);
    } else {
      out.writeInt32BE(pid, at + 292);
      out.writeInt16BE(type, at + 296);
      out.writeInt32BE(sec, at + 300);
    }
    out.write(host, at + 308, "latin1");
  };
  put(0, 10, "utmpx-1.00", "", 0, 0, "");
  for (let i = 1; i <= records; i++) {
    const type = [2, 5, 6, 7, 8][Math.floor(rnd() * 5)]!;
    put(i, type, `user${i}`, `ttys${String(i).padStart(3, "0")}`, 100 + Math.floor(rnd() * 60000), 1.7e9 + Math.floor(rnd() * 1e7), rnd() < 0.5 ? `10.0.0.${i % 250}` : "");
  }
  return out;
}

const PATHS = [
  ["/var/log/wtmp", "wtmp"],
  ["/var/log/btmp", "btmp"],
  ["/run/utmp", "utmp"],
] as const;

describe("foreign formats are refused", () => {
  it("the committed macOS utmpx fixture at wtmp, btmp and utmp paths: an error naming the file, no records", async () => {
    for (const [p, fn] of PATHS) {
      const { records, outcome } = await run({ [p]: fixture("macos_utmpx") }, fn);
      expect(records).toEqual([]);
      expect(outcome.errors).toEqual([{ file: p, offset: 0, message: "macOS utmpx, not a Linux utmp file: refused" }]);
      expect(outcome.warnings).toEqual([]);
    }
  });

  it("generated macOS utmpx files (little- and big-endian, 1–300 records): refused, also in sessions and live_users", async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const data = macUtmpx(seed, 1 + Math.floor(prng(seed)() * 300), seed % 2 === 0);
      for (const fn of ["wtmp", "sessions", "uptime"]) {
        const { records, outcome } = await run({ "/var/log/wtmp": data }, fn);
        expect(records, `seed ${seed} ${fn}`).toEqual([]);
        expect(outcome.errors.map((e) => e.message)).toEqual(["macOS utmpx, not a Linux utmp file: refused"]);
      }
      const live = await run({ "/run/utmp": data }, "live_users");
      expect(live.records).toEqual([]);
    }
  });

  it("beside a Linux wtmp the macOS file is refused and the Linux records are all read", async () => {
    const { records, outcome } = await run({ "/var/log/wtmp": fixture("wtmp_basic"), "/var/log/wtmp.1": fixture("macos_utmpx") }, "wtmp");
    expect(records.length).toBe(73);
    expect(outcome.errors).toEqual([{ file: "/var/log/wtmp.1", offset: 0, message: "macOS utmpx, not a Linux utmp file: refused" }]);
  });

  it("through the CLI: exit 1 with the message, within ceilings", async () => {
    const host = makeHost(dir, "mac01", { "var/log/wtmp": fixture("macos_utmpx") });
    const r = await query([host, "-f", "wtmp,sessions", "-j"]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("/var/log/wtmp @ offset 0: macOS utmpx, not a Linux utmp file: refused");
    expect(r.stdout.toString()).not.toContain('"_type": "record"');
    expect(r.wallMs, describeRun(r)).toBeLessThan(30_000);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(600);
  });
});

describe("zeros prove nothing", () => {
  it("mostly-zero junk (a few random bytes in zeros, seeded) is not a utmp file: an error, no records", async () => {
    const rnd = prng(7);
    for (let k = 0; k < 30; k++) {
      const data = Buffer.alloc(RECORD * (4 + Math.floor(rnd() * 200)) + Math.floor(rnd() * 2) * 100);
      const sprinkle = 1 + Math.floor(rnd() * 40);
      for (let i = 0; i < sprinkle; i++) data[Math.floor(rnd() * data.length)] = 1 + Math.floor(rnd() * 255);
      const { records, outcome } = await run({ "/var/log/wtmp": data }, "wtmp");
      expect(records, `case ${k}`).toEqual([]);
      expect(outcome.errors).toEqual([
        { file: "/var/log/wtmp", offset: expect.any(Number), message: expect.stringMatching(/^not a utmp file: none of the first \d+ records holds plausible login data/) },
      ]);
    }
  });

  it("a file of zeros: utmpdump's EMPTY records exactly (the tail left out), and one warning", async () => {
    for (const [size, oracle] of [
      [3840, "zeros_3840.utmpdump.txt"],
      [1000, "zeros_1000.utmpdump.txt"],
    ] as const) {
      const dump = parseUtmpdump(fixtureText(oracle));
      const { records, outcome } = await run({ "/var/log/wtmp": Buffer.alloc(size) }, "wtmp");
      expect(records.length).toBe(dump.length);
      records.forEach((r, i) => {
        compareWithDump(r, dump[i]!, `zeros ${size} #${i}`);
        expect(r.offset).toBe(i * RECORD);
      });
      expect(outcome.errors).toEqual([]);
      expect(outcome.warnings.map((w) => w.message)).toEqual([
        ...(size % RECORD ? [`truncated tail: ${size % RECORD} bytes after the last complete 384-byte record`] : []),
        `no login data: all ${dump.length} records are EMPTY (a file of zeros?)`,
      ]);
      const s = await run({ "/var/log/wtmp": Buffer.alloc(size) }, "sessions");
      expect(s.records).toEqual([]);
    }
  });

  it("leading zeros (a zeroed first block) do not hide the records after them", async () => {
    const data = Buffer.concat([Buffer.alloc(RECORD * 40), fixture("wtmp_basic")]);
    const { records, outcome } = await run({ "/var/log/wtmp": data }, "wtmp");
    expect(records.length).toBe(113);
    expect(records.slice(40).map((r) => r.offset)).toEqual(Array.from({ length: 73 }, (_, i) => (40 + i) * RECORD));
    expect(outcome.errors).toEqual([]);
  });
});
