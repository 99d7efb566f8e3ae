// TZif and POSIX TZ rules against glibc's zdump (fixtures/tz/make-fixtures.sh): every transition zdump lists,
// both sides of it, for the machine's own zone files, two slim files (footer-only years) and POSIX TZ strings.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePosixTz, TimeZone, TzifError } from "../../../../../plugins/os/unix/linux/tzif.js";
import { prng } from "../../../../helpers/prng.js";

const DIR = "fixtures/tz";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Row {
  utc: number;
  local: number;
  abbr: string;
  isdst: boolean;
  gmtoff: number;
}

/** `Www Mmm dd hh:mm:ss yyyy` as seconds (read as UTC): an independent reading with Date.UTC. */
function civil(text: string): number {
  const m = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (-?\d+)$/.exec(text);
  if (!m) throw new Error(`bad zdump date ${text}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[6]), MONTHS.indexOf(m[1]!), Number(m[2]));
  d.setUTCHours(Number(m[3]), Number(m[4]), Number(m[5]), 0);
  return d.getTime() / 1000;
}

function zdumpRows(file: string): { zone: string; rows: Row[] }[] {
  const byZone = new Map<string, Row[]>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^(\S+) +(.+?) UT = (.+?) (\S+) isdst=(\d) gmtoff=(-?\d+)$/.exec(line);
    if (!m) continue;
    const rows = byZone.get(m[1]!) ?? [];
    byZone.set(m[1]!, rows);
    rows.push({ utc: civil(m[2]!), local: civil(m[3]!), abbr: m[4]!, isdst: m[5] === "1", gmtoff: Number(m[6]) });
  }
  return [...byZone].map(([zone, rows]) => ({ zone, rows }));
}

function zoneFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(path.join(DIR, "zoneinfo"), p));
    }
  };
  walk(path.join(DIR, "zoneinfo"));
  return out.sort();
}

function check(tz: TimeZone, rows: Row[]): void {
  for (const r of rows) {
    const t = tz.typeAt(r.utc);
    expect({ at: r.utc, utoff: t.utoff, isdst: t.isdst, abbr: t.abbr }).toEqual({ at: r.utc, utoff: r.gmtoff, isdst: r.isdst, abbr: r.abbr });
    expect(r.local - r.utc).toBe(r.gmtoff);
    expect(tz.instantsOf(r.local)).toContain(r.utc);
  }
}

describe("TZif files against zdump -v", () => {
  const files = zoneFiles();
  it("has the fixtures", () => expect(files.length).toBeGreaterThanOrEqual(13));
  for (const name of files) {
    it(name, () => {
      const tz = TimeZone.fromTzif(fs.readFileSync(path.join(DIR, "zoneinfo", name)), name);
      const rows = zdumpRows(path.join(DIR, "zdump", `${name}.txt`))[0]?.rows ?? [];
      // zdump lists transitions: a zone without any (Etc/UTC) has none to list
      if (name === "Etc/UTC") expect([tz.offsetAt(0), tz.offsetAt(2e9), tz.typeAt(0).abbr]).toEqual([0, 0, "UTC"]);
      else expect(rows.length).toBeGreaterThan(2);
      check(tz, rows);
    });
  }

  it("answers two instants in a repeated hour and none in a skipped one (Europe/Berlin, 2024)", () => {
    const tz = TimeZone.fromTzif(fs.readFileSync(path.join(DIR, "zoneinfo/Europe/Berlin")), "Europe/Berlin");
    // 2024-10-27 02:30 local happened at 00:30 UTC (CEST) and again at 01:30 UTC (CET)
    const fold = Date.UTC(2024, 9, 27, 2, 30) / 1000;
    expect(tz.instantsOf(fold)).toEqual([Date.UTC(2024, 9, 27, 0, 30) / 1000, Date.UTC(2024, 9, 27, 1, 30) / 1000]);
    // 2024-03-31 02:30 local never happened
    expect(tz.instantsOf(Date.UTC(2024, 2, 31, 2, 30) / 1000)).toEqual([]);
    expect(tz.instantsOf(Date.UTC(2024, 2, 4, 9, 15, 3) / 1000)).toEqual([Date.UTC(2024, 2, 4, 8, 15, 3) / 1000]);
  });
});

describe("POSIX TZ strings against zdump -v", () => {
  for (const { zone, rows } of zdumpRows(path.join(DIR, "zdump/posix.txt"))) {
    it(zone, () => check(TimeZone.fromPosix(zone), rows));
  }

  it("refuses what is no TZ string", () => {
    for (const bad of ["", "C", "CET", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0", "CET-168", "CET-1CEST,J0,J10", "<AB>1"]) {
      expect(parsePosixTz(bad), bad).toBeNull();
    }
  });
});

describe("damaged TZif files", () => {
  const berlin = fs.readFileSync(path.join(DIR, "zoneinfo/Europe/Berlin"));

  it("refuses a file that is not TZif, or cut short, with the byte offset", () => {
    expect(() => TimeZone.fromTzif(Buffer.from("Europe/Berlin\n"), "x")).toThrow(TzifError);
    expect(() => TimeZone.fromTzif(berlin.subarray(0, 30), "x")).toThrow(/truncated: no header at byte 0/);
    expect(() => TimeZone.fromTzif(berlin.subarray(0, 100), "x")).toThrow(/truncated/);
  });

  it("bounds huge counts by the file's size", () => {
    const bad = Buffer.from(berlin);
    bad.writeUInt32BE(0xffffffff, 32); // timecnt of the v1 header
    expect(() => TimeZone.fromTzif(bad, "x")).toThrow(TzifError);
  });

  it("never throws anything but TzifError on seeded corruption, and answers offsets within ±26 h", () => {
    const rnd = prng(1405);
    for (let n = 0; n < 400; n++) {
      const bad = Buffer.from(berlin);
      const cuts = 1 + Math.floor(rnd() * 8);
      for (let k = 0; k < cuts; k++) bad[Math.floor(rnd() * bad.length)] = Math.floor(rnd() * 256);
      const data = rnd() < 0.3 ? bad.subarray(0, Math.floor(rnd() * bad.length)) : bad;
      let tz: TimeZone;
      try {
        tz = TimeZone.fromTzif(data, "fuzz");
      } catch (e) {
        expect(e).toBeInstanceOf(TzifError);
        continue;
      }
      for (const at of [-2e9, 0, 1.7e9, 2.5e9, 4e9]) expect(Math.abs(tz.offsetAt(at))).toBeLessThanOrEqual(26 * 3600);
    }
  });
});
