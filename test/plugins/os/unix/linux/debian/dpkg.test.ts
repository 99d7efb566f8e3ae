// dpkg against dpkg itself: fixtures/packages/dpkg/root.tar is a scratch root whose status, info/*.list and
// dpkg.log this machine's dpkg 1.21.22 wrote (make-dpkg.sh); dpkg-query.tsv is `dpkg-query -W --admindir` over
// it and list-mtimes.tsv GNU stat's mtimes of the .list files. Every expected value comes from those files.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, readTar, runPath, runTree, secondsOf, threeTargets, type Member } from "../../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/packages/dpkg");
const STATUS = "/var/lib/dpkg/status";
const LOG = "/var/log/dpkg.log";

let members: Member[];
beforeAll(async () => {
  members = await readTar(fs.readFileSync(path.join(FIX, "root.tar")));
});

/** dpkg-query's rows: Package, Version, Architecture, abbrev, "want status eflag", Installed-Size, Maintainer, source:Package, Source. */
function query() {
  return fs
    .readFileSync(path.join(FIX, "dpkg-query.tsv"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((row) => {
      const c = row.split("\t");
      const [want, status, eflag] = c[4]!.split(" ");
      return { name: c[0]!, version: c[1]!, arch: c[2]!, status: `${want} ${eflag} ${status}`, kib: Number(c[5]), maintainer: c[6]!, source: c[8]! || null };
    });
}

function mtimes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of fs.readFileSync(path.join(FIX, "list-mtimes.tsv"), "utf8").split("\n").filter(Boolean)) {
    const [name, sec] = row.split("\t");
    out.set(name!.replace(/\.list$/, ""), Number(sec));
  }
  return out;
}

describe("dpkg.packages", () => {
  it("every package as dpkg-query reports it, install time the .list mtime, on dir, tar and tar.gz", async () => {
    const targets = await threeTargets(members, tmpdir());
    const want = query();
    const times = mtimes();
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "dpkg.packages");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      expect(r.records.map((x) => x.package_name), kind).toEqual(want.map((w) => w.name));
      want.forEach((w, i) => {
        const x = r.records[i]!;
        expect([x.package_version, x.package_arch, x.package_status, x.package_size, x.package_vendor, x.package_source], `${kind} ${w.name}`).toEqual([
          w.version,
          w.arch,
          w.status,
          w.kib * 1024,
          w.maintainer,
          w.source,
        ]);
        expect(x.package_manager).toBe("dpkg");
        expect(x.filepath).toBe(STATUS);
        const t = times.get(w.name) ?? times.get(`${w.name}:${w.arch}`) ?? null;
        expect(secondsOf(x.ts), `${kind} ${w.name}`).toBe(t);
        expect(x.ts_source).toBe(t === null ? null : "info/<pkg>.list mtime");
      });
      const conf = r.records.find((x) => x.package_name === "quarry-conf")!;
      expect([conf.package_epoch, conf.package_release]).toEqual([1, "0+deb12u1"]);
    }
  });

  it("a malformed line: a warning with its line and offset, the packages around it kept", async () => {
    const good = "Package: a\nStatus: install ok installed\nVersion: 1\n\n";
    const bad = "this is no field\n";
    const r = await runTree({ [STATUS]: good + bad + "Package: b\nStatus: install ok banana\nVersion: 2\nInstalled-Size: lots\n\n \n" }, "dpkg.packages");
    expect(r.records.map((x) => x.package_name)).toEqual(["a", "b"]);
    expect(r.warnings).toEqual([
      { message: 'line 5: not a "Field: value" line; skipped', file: STATUS, offset: good.length },
      { message: 'paragraph of line 6: package b: Status "install ok banana" is not "want eflag state"', file: STATUS, offset: good.length + bad.length },
      { message: 'paragraph of line 6: package b: Installed-Size "lots" is not a number of KiB', file: STATUS, offset: good.length + bad.length },
    ]);
  });

  it("absent without status and log", async () => {
    const r = await runTree({ "/etc/passwd": "" }, "dpkg.packages");
    expect(r.outcome.status).toBe("absent");
    expect(r.outcome.reason).toBe("no /var/lib/dpkg/status nor /var/log/dpkg.log*");
  });
});

describe("dpkg.logs", () => {
  const lines = () => fs.readFileSync(path.join(FIX, "dpkg.log"), "utf8").split("\n").filter(Boolean);

  it("one record per line, in file order; the last status of each package is dpkg-query's", async () => {
    const targets = await threeTargets(members, tmpdir());
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "dpkg.logs");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      const text = lines();
      expect(r.records.map((x) => x.message), kind).toEqual(text.map((l) => l.slice(20)));
      // the fixture has no zone: UTC, as the machine that wrote it
      text.forEach((l, i) => expect(secondsOf(r.records[i]!.ts)).toBe(Date.parse(l.slice(0, 19).replace(" ", "T") + "Z") / 1000));
      const last = new Map<string, string>();
      for (const x of r.records) if (x.operation === "status") last.set(String(x.package_name), String(x.package_status));
      for (const w of query()) expect(last.get(w.name), w.name).toBe(w.status.split(" ")[2]);
      expect(last.get("quarry-tmp")).toBe("unpacked");
      const up = r.records.find((x) => x.operation === "upgrade")!;
      expect([up.package_name, up.package_arch, up.package_version_old, up.package_version]).toEqual(["hello-quarry", "amd64", "1.0-1", "1.1-1"]);
      const rm = r.records.filter((x) => x.operation === "remove").map((x) => [x.package_name, x.package_version_old, x.package_version]);
      expect(rm).toEqual([
        ["quarry-conf", "1:4.0~rc1-0+deb12u1", null],
        ["quarry-tmp", "3", null],
      ]);
    }
  });

  it("rotations oldest first (.2.gz, .1, live) in the target's zone", async () => {
    const text = lines();
    const r = await runTree(
      {
        "/etc/timezone": "Europe/Berlin\n",
        [`${LOG}.2.gz`]: file(gzipSync(text.slice(0, 5).join("\n") + "\n")),
        [`${LOG}.1`]: text.slice(5, 10).join("\n") + "\n",
        [LOG]: text.slice(10).join("\n") + "\n",
      },
      "dpkg.logs",
    );
    expect(r.records.map((x) => x.message)).toEqual(text.map((l) => l.slice(20)));
    expect(r.records.map((x) => x.filepath).slice(0, 6)).toEqual([...Array(5).fill(`${LOG}.2.gz`), `${LOG}.1`]);
    // Berlin is UTC+1 in December
    expect(secondsOf(r.records[0]!.ts)).toBe(Date.parse(text[0]!.slice(0, 19).replace(" ", "T") + "Z") / 1000 - 3600);
  });

  it("bad lines: a warning naming the line and offset; the lines around them kept", async () => {
    const a = "2024-03-06 11:00:00 install evil:amd64 <none> 6.6.6\n";
    const junk = "\x00\x01garbage here\n";
    const odd = "2024-03-06 11:00:01 install only-two args\n";
    const r = await runTree({ [LOG]: a + junk + odd + "2024-03-06 11:00:02 status installed evil:amd64 6.6.6\n" }, "dpkg.logs");
    expect(r.records.map((x) => x.operation)).toEqual(["install", "install", "status"]);
    expect(r.warnings.filter((w) => w.file === LOG)).toEqual([
      { message: 'line 2: not a dpkg log line (no "YYYY-MM-DD HH:MM:SS operation"); skipped', file: LOG, offset: a.length },
      { message: "line 3: install with 2 arguments is no dpkg log entry dpkg writes; kept as a message", file: LOG, offset: a.length + junk.length },
    ]);
  });
});

describe("seeded damage", () => {
  it("cut and corrupted status and logs end cleanly, records before the damage kept", async () => {
    const status = members.find((m) => m.name === "var/lib/dpkg/status")!.data;
    const log = fs.readFileSync(path.join(FIX, "dpkg.log"));
    const rand = prng(0xd9c6);
    for (let i = 0; i < 60; i++) {
      const s = Buffer.from(status);
      const l = Buffer.from(log);
      for (let k = 0; k < 6; k++) {
        s[Math.floor(rand() * s.length)] = Math.floor(rand() * 256);
        l[Math.floor(rand() * l.length)] = Math.floor(rand() * 256);
      }
      const cut = Math.floor(rand() * s.length);
      const p = await runTree({ [STATUS]: file(i % 2 ? s.subarray(0, cut) : s) }, "dpkg.packages");
      expect(p.errors).toEqual([]);
      expect(p.records.length).toBeLessThanOrEqual(8);
      const g = await runTree({ [`${LOG}.1.gz`]: file(gzipSync(l).subarray(0, Math.floor(rand() * l.length))), [LOG]: file(l) }, "dpkg.logs");
      expect(g.records.length).toBeLessThanOrEqual(2 * log.toString().split("\n").length);
    }
  });
});
