// Where the target's zone comes from (docs/logs.md, "The zone rule").
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { file, symlink, type MemoryTree } from "../../../../../src/fs/memory.js";
import { targetZone, zoneNameOfLink } from "../../../../../plugins/os/unix/linux/timezone.js";
import { targetFromTree } from "../../../../../plugins/index.js";

const ZI = path.resolve(import.meta.dirname, "../../../../../fixtures/tz/zoneinfo");
const tzif = (name: string): Buffer => fs.readFileSync(path.join(ZI, name));
const zoneOf = (tree: MemoryTree, override?: string) => targetZone(targetFromTree(tree).fs, override);
// 2024-01-15T12:00:00Z and 2024-07-15T12:00:00Z
const JAN = 1705320000;
const JUL = 1721044800;

describe("targetZone", () => {
  it("follows /etc/localtime's link into the target's zoneinfo (relative or absolute) and names the zone by it", () => {
    for (const link of ["../usr/share/zoneinfo/America/New_York", "/usr/share/zoneinfo/America/New_York"]) {
      const z = zoneOf({ "/etc/localtime": symlink(link), "/usr/share/zoneinfo/America/New_York": tzif("America/New_York") });
      expect([z.label, z.zone.offsetAt(JAN), z.zone.offsetAt(JUL), z.warnings]).toEqual(["America/New_York", -18000, -14400, []]);
      expect(z.source).toBe("/etc/localtime → /usr/share/zoneinfo/America/New_York");
    }
  });

  it("reads a copied /etc/localtime, named by /etc/timezone or /etc/sysconfig/clock", () => {
    expect(zoneOf({ "/etc/localtime": tzif("Asia/Kolkata"), "/etc/timezone": "Asia/Kolkata\n" }).label).toBe("Asia/Kolkata");
    expect(zoneOf({ "/etc/localtime": tzif("Asia/Kolkata"), "/etc/sysconfig/clock": 'ZONE="Asia/Kolkata"\nUTC=true\n' }).label).toBe("Asia/Kolkata");
    const bare = zoneOf({ "/etc/localtime": tzif("Asia/Kolkata") });
    expect([bare.label, bare.zone.offsetAt(JAN)]).toEqual(["/etc/localtime", 19800]);
  });

  it("prefers /etc/localtime over a disagreeing /etc/timezone, and says so", () => {
    const z = zoneOf({ "/etc/localtime": symlink("/usr/share/zoneinfo/Europe/Berlin"), "/usr/share/zoneinfo/Europe/Berlin": tzif("Europe/Berlin"), "/etc/timezone": "Etc/UTC\n" });
    expect(z.label).toBe("Europe/Berlin");
    expect(z.warnings).toEqual(["/etc/timezone says Etc/UTC but /etc/localtime is Europe/Berlin: Europe/Berlin applied (glibc reads /etc/localtime)"]);
  });

  it("falls back to quarry's tz database for a named zone whose file is not in the target, with a warning", () => {
    const z = zoneOf({ "/etc/localtime": symlink("/usr/share/zoneinfo/Europe/Berlin"), "/etc/timezone": "Europe/Berlin\n" });
    expect([z.label, z.zone.offsetAt(JAN), z.zone.offsetAt(JUL)]).toEqual(["Europe/Berlin", 3600, 7200]);
    expect(z.warnings).toEqual([
      "/etc/localtime is a link to /usr/share/zoneinfo/Europe/Berlin that is not in the target",
      expect.stringMatching(/^the rules of Europe\/Berlin are quarry's own \(tz database .*\), not the target's/),
    ]);
    // the fallback's spans agree with the TZif's around a transition (2024-03-31T01:00:00Z)
    const seg = z.zone.segmentAt(1711846800 - 10);
    expect([seg.to, seg.utoff, seg.after]).toEqual([1711846800, 3600, 7200]);
  });

  it("uses the zoneinfo file /etc/timezone names when /etc/localtime is missing", () => {
    const z = zoneOf({ "/etc/timezone": "Australia/Lord_Howe\n", "/usr/share/zoneinfo/Australia/Lord_Howe": tzif("Australia/Lord_Howe") });
    expect([z.label, z.zone.offsetAt(JAN), z.warnings]).toEqual(["Australia/Lord_Howe", 39600, []]);
  });

  it("reads UTC names without any zone file, and UTC with a warning when nothing names a zone", () => {
    expect(zoneOf({ "/etc/timezone": "Etc/UTC\n" })).toMatchObject({ label: "Etc/UTC", warnings: [] });
    expect(zoneOf({ "/etc/hostname": "x\n" })).toMatchObject({ label: "UTC (assumed)" });
  });

  it("does not use a damaged TZif, and says which file and why", () => {
    const z = zoneOf({ "/etc/localtime": file(Buffer.from("TZif2 but not really")), "/etc/timezone": "Etc/UTC\n" });
    expect(z.label).toBe("Etc/UTC");
    expect(z.warnings[0]).toMatch(/^\/etc\/localtime: .*: not used$/);
  });

  it("takes an override: a name (the target's zoneinfo first) or a POSIX TZ string", () => {
    expect(zoneOf({ "/usr/share/zoneinfo/Asia/Kolkata": tzif("Asia/Kolkata") }, "Asia/Kolkata")).toMatchObject({ label: "Asia/Kolkata", warnings: [] });
    const posix = zoneOf({}, "EST5EDT,M3.2.0,M11.1.0");
    expect([posix.label, posix.zone.offsetAt(JAN), posix.zone.offsetAt(JUL)]).toEqual(["EST5EDT,M3.2.0,M11.1.0", -18000, -14400]);
    expect(zoneOf({}, "No/Such_Zone").label).toBe("UTC (assumed)");
  });

  it("names zones by their links, refusing what is no zone name", () => {
    expect(zoneNameOfLink("../usr/share/zoneinfo/America/Argentina/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires");
    expect(zoneNameOfLink("/usr/share/zoneinfo/posix/Europe/Berlin")).toBe("Europe/Berlin");
    expect(zoneNameOfLink("/usr/share/zoneinfo/../../../etc/passwd")).toBeNull();
    expect(zoneNameOfLink("/etc/localtime.real")).toBeNull();
  });
});
