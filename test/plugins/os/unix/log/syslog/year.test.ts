// The year rule and the zone rule of docs/logs.md on hand-made files: every expected instant written by hand
// from the line, its zone and the file's mtime.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { file, type MemoryTree } from "../../../../../../src/fs/memory.js";
import { iso, run, zoneTree } from "./helpers.js";

const at = (isoText: string): number => Date.parse(isoText) / 1000;
const log = (lines: string[], mtime: string | null) => file(lines.map((l) => `${l}\n`).join(""), mtime ? { mtime: at(mtime) } : {});

async function times(tree: MemoryTree, fn = "messages") {
  const r = await run(tree, fn);
  return { ts: r.records.map(iso), warnings: r.outcome.warnings.map((w) => `${w.file ?? ""}: ${w.message}`), errors: r.outcome.errors, records: r.records };
}

describe("the year rule", () => {
  it("rolls over from December to January within a file, the newest line in the mtime's year", async () => {
    const r = await times({
      ...zoneTree("Etc/UTC"),
      "/var/log/syslog": log(["Dec 30 10:00:00 h a: 1", "Dec 31 23:59:59 h a: 2", "Jan  1 00:00:01 h a: 3", "Jan  2 08:00:00 h a: 4"], "2026-01-02T12:00:00Z"),
    });
    expect(r.ts).toEqual(["2025-12-30T10:00:00+00:00", "2025-12-31T23:59:59+00:00", "2026-01-01T00:00:01+00:00", "2026-01-02T08:00:00+00:00"]);
    expect(r.warnings).toEqual([]);
  });

  it("rolls over twice in a file that spans more than a year", async () => {
    const r = await times({
      ...zoneTree("Etc/UTC"),
      "/var/log/syslog": log(["Nov 10 10:00:00 h a: 1", "Dec 31 10:00:00 h a: 2", "Jun  1 10:00:00 h a: 3", "Dec 31 10:00:00 h a: 4", "Jan  3 10:00:00 h a: 5"], "2026-01-04T00:00:00Z"),
    });
    expect(r.ts).toEqual(["2024-11-10T10:00:00+00:00", "2024-12-31T10:00:00+00:00", "2025-06-01T10:00:00+00:00", "2025-12-31T10:00:00+00:00", "2026-01-03T10:00:00+00:00"]);
  });

  it("puts a newest line of December 31 in the year before a January mtime", async () => {
    const r = await times({ ...zoneTree("Etc/UTC"), "/var/log/syslog": log(["Dec 31 23:59:58 h a: x"], "2026-01-01T00:00:05Z") });
    expect(r.ts).toEqual(["2025-12-31T23:59:58+00:00"]);
  });

  it("counts the mtime's year in the target's zone (a local New Year before UTC's)", async () => {
    // 2025-12-31T23:30:00Z is 2026-01-01 00:30 in Berlin: the newest line "Jan  1 00:20:00" is 2026 local
    const r = await times({ ...zoneTree("Europe/Berlin"), "/var/log/syslog": log(["Dec 31 23:50:00 h a: 1", "Jan  1 00:20:00 h a: 2"], "2025-12-31T23:30:00Z") });
    expect(r.ts).toEqual(["2025-12-31T22:50:00+00:00", "2025-12-31T23:20:00+00:00"]);
  });

  it("keeps a newest line a little after the mtime in the mtime's year, with a warning", async () => {
    const r = await times({ ...zoneTree("Etc/UTC"), "/var/log/auth.log": log(["Mar 15 10:05:44 web01 sshd[845]: x"], "2024-03-15T10:00:00Z") }, "authlog");
    expect(r.ts).toEqual(["2024-03-15T10:05:44+00:00"]);
    expect(r.warnings).toEqual(["/var/log/auth.log: line 1 (2024-03-15T10:05:44Z, year 2024) is 344 s after the file's mtime 2024-03-15T10:00:00Z: kept in 2024 (within the 24 h tolerance; a clock or zone skew?)"]);
  });

  it("puts a newest line more than a day after the mtime's date in the year before", async () => {
    const r = await times({ ...zoneTree("Etc/UTC"), "/var/log/syslog": log(["Mar 20 10:00:00 h a: x"], "2024-03-15T10:00:00Z") });
    expect(r.ts).toEqual(["2023-03-20T10:00:00+00:00"]);
  });

  it("dates rotations oldest first, each bounded by its mtime and the next newer rotation's first line", async () => {
    // copied without their mtimes: every file says 2026-03-15; the names and the lines tell the years
    const m = "2026-03-15T10:00:00Z";
    const r = await times({
      ...zoneTree("Etc/UTC"),
      "/var/log/auth.log.2.gz": file(gzipSync("Nov 28 10:00:00 h sshd[1]: a\nDec 31 23:00:00 h sshd[1]: b\n"), { mtime: at(m) }),
      "/var/log/auth.log.1": log(["Jan  1 01:00:00 h sshd[1]: c", "Feb  2 10:00:00 h sshd[1]: d"], m),
      "/var/log/auth.log": log(["Feb  3 10:00:00 h sshd[1]: e", "Mar  4 10:00:00 h sshd[1]: f"], m),
    }, "authlog");
    expect(r.records.map((x) => [(x as unknown as { filepath: string }).filepath, iso(x)])).toEqual([
      ["/var/log/auth.log.2.gz", "2025-11-28T10:00:00+00:00"],
      ["/var/log/auth.log.2.gz", "2025-12-31T23:00:00+00:00"],
      ["/var/log/auth.log.1", "2026-01-01T01:00:00+00:00"],
      ["/var/log/auth.log.1", "2026-02-02T10:00:00+00:00"],
      ["/var/log/auth.log", "2026-02-03T10:00:00+00:00"],
      ["/var/log/auth.log", "2026-03-04T10:00:00+00:00"],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("moves a rotation whose mtime is a year late back before the newer rotation, and says so", async () => {
    const r = await times({
      ...zoneTree("Etc/UTC"),
      "/var/log/messages-20250301": log(["Feb  1 10:00:00 h a: 1", "Feb 28 10:00:00 h a: 2"], "2026-03-15T10:00:00Z"),
      "/var/log/messages": log(["Mar  1 10:00:00 h a: 3", "Mar 14 10:00:00 h a: 4"], "2025-03-15T10:00:00Z"),
    });
    expect(r.ts).toEqual(["2025-02-01T10:00:00+00:00", "2025-02-28T10:00:00+00:00", "2025-03-01T10:00:00+00:00", "2025-03-14T10:00:00+00:00"]);
    expect(r.warnings).toEqual([
      "/var/log/messages-20250301: lines up to line 2 placed in 2025, not 2026 as the file's mtime 2026-03-15T10:00:00Z alone gives: bounded by the first line of the newer /var/log/messages (2025-03-01T10:00:00Z)",
    ]);
  });

  it("dates the traditional lines before a file's first dated line by it, and those after from its year", async () => {
    // Debian 12's upgrade: the old format, then rsyslog's RFC 3339 high precision, then traditional again
    const r = await times({
      ...zoneTree("Europe/Berlin"),
      "/var/log/syslog": log(["Dec 31 23:00:00 h a: 1", "2026-01-01T00:30:00.250000+01:00 h a: 2", "Jan  1 01:00:00 h a: 3"], "2030-06-01T00:00:00Z"),
    });
    expect(r.ts).toEqual(["2025-12-31T22:00:00+00:00", "2025-12-31T23:30:00.250000+00:00", "2026-01-01T00:00:00+00:00"]);
    expect(r.records.map((x) => (x as unknown as { ts_zone: string }).ts_zone)).toEqual(["Europe/Berlin", "+01:00", "Europe/Berlin"]);
  });

  it("places February 29 only in a leap year: a newest line of Feb 29 goes back to one, one in a common year has no ts", async () => {
    const leap = await times({ ...zoneTree("Etc/UTC"), "/var/log/syslog": log(["Feb 28 10:00:00 h a: 1", "Feb 29 10:00:00 h a: 2"], "2025-03-05T00:00:00Z") });
    expect(leap.ts).toEqual(["2024-02-28T10:00:00+00:00", "2024-02-29T10:00:00+00:00"]);
    const common = await times({ ...zoneTree("Etc/UTC"), "/var/log/syslog": log(["Feb 29 10:00:00 h a: 1", "Mar  1 10:00:00 h a: 2"], "2025-03-02T00:00:00Z") });
    expect(common.ts).toEqual([null, "2025-03-01T10:00:00+00:00"]);
    expect(common.warnings).toEqual([
      "/var/log/syslog: 1 line(s) have a date that does not exist in the year they fall in (February 29 of a common year; first: line 1): kept with ts null",
    ]);
  });

  it("reports lines more than an hour earlier than the line before them, and keeps them", async () => {
    const r = await times({ ...zoneTree("Etc/UTC"), "/var/log/syslog": log(["Mar  5 10:00:00 h a: 1", "Mar  5 09:59:58 h a: 2", "Mar  5 08:00:00 h a: 3", "Mar  5 10:01:00 h a: 4"], "2024-03-06T00:00:00Z") });
    expect(r.ts).toEqual(["2024-03-05T10:00:00+00:00", "2024-03-05T09:59:58+00:00", "2024-03-05T08:00:00+00:00", "2024-03-05T10:01:00+00:00"]);
    expect(r.warnings).toEqual(["/var/log/syslog: 1 line(s) are more than 1 h earlier than the line before them (first: line 3; largest step 7198 s): out of order, or a clock change"]);
  });
});

describe("the zone rule", () => {
  it("reads the hour repeated when DST ends in file order (Europe/Berlin, 2024-10-27)", async () => {
    const r = await times({
      ...zoneTree("Europe/Berlin"),
      "/var/log/syslog": log(["Oct 27 02:30:00 h a: 1", "Oct 27 02:59:59 h a: 2", "Oct 27 02:00:01 h a: 3", "Oct 27 02:30:00 h a: 4", "Oct 27 03:00:00 h a: 5"], "2024-10-28T00:00:00Z"),
    });
    expect(r.ts).toEqual(["2024-10-27T00:30:00+00:00", "2024-10-27T00:59:59+00:00", "2024-10-27T01:00:01+00:00", "2024-10-27T01:30:00+00:00", "2024-10-27T02:00:00+00:00"]);
    expect(r.warnings).toEqual([]);
  });

  it("reads a time in the hour skipped when DST starts with the offset before, and warns", async () => {
    const r = await times({ ...zoneTree("Europe/Berlin"), "/var/log/syslog": log(["Mar 31 01:59:00 h a: 1", "Mar 31 02:30:00 h a: 2", "Mar 31 03:01:00 h a: 3"], "2024-04-01T00:00:00Z") });
    expect(r.ts).toEqual(["2024-03-31T00:59:00+00:00", "2024-03-31T01:30:00+00:00", "2024-03-31T01:01:00+00:00"]);
    expect(r.warnings).toEqual([
      "/var/log/syslog: 1 line(s) have a local time that does not exist in Europe/Berlin (skipped by a DST change; first: line 2): read with the offset before the change; were they written in another zone?",
    ]);
  });

  it("applies the target's zone (Lord Howe's 30-minute DST), not the analyst's, and names it in ts_zone", async () => {
    const r = await times({ ...zoneTree("Australia/Lord_Howe"), "/var/log/syslog": log(["Jan 15 12:00:00 h a: summer", "Jul 15 12:00:00 h a: winter"], "2024-08-01T00:00:00Z") });
    expect(r.ts).toEqual(["2024-01-15T01:00:00+00:00", "2024-07-15T01:30:00+00:00"]);
    expect(r.records.map((x) => (x as unknown as { ts_zone: string }).ts_zone)).toEqual(["Australia/Lord_Howe", "Australia/Lord_Howe"]);
  });

  it("takes --timezone over the target's zone", async () => {
    const r = await run({ ...zoneTree("Europe/Berlin"), "/var/log/syslog": log(["Jan 15 12:00:00 h a: x"], "2024-08-01T00:00:00Z") }, "messages", { timezone: "America/New_York" });
    expect(r.records.map(iso)).toEqual(["2024-01-15T17:00:00+00:00"]);
    expect(r.outcome.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^the rules of America\/New_York are quarry's own/)]);
  });

  it("reads local times as UTC, with a warning, when the target names no zone", async () => {
    const r = await times({ "/var/log/syslog": log(["Jan 15 12:00:00 h a: x"], "2024-08-01T00:00:00Z") });
    expect(r.ts).toEqual(["2024-01-15T12:00:00+00:00"]);
    expect(r.records.map((x) => (x as unknown as { ts_zone: string }).ts_zone)).toEqual(["UTC (assumed)"]);
    expect(r.warnings).toEqual([": no time zone found (/etc/localtime, /etc/timezone, /etc/sysconfig/clock): local times read as UTC"]);
  });
});
