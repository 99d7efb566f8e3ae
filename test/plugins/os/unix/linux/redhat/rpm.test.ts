// rpm.packages against rpm itself: fixtures/packages/rpm/rpmdb.sqlite was written by rpm 4.18 (`rpm -i --justdb
// --dbpath`, make-rpm.sh) and rpm-qa.tsv is `rpm -qa --dbpath --qf …` over it. The header decoder is fuzzed
// with the database's own blobs, cut and corrupted, and with hand-made hostile counts and offsets.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeHeader, HeaderError, TAG } from "../../../../../../plugins/os/unix/linux/redhat/header.js";
import { loadSqlJs } from "../../../../../../src/util/sqlite.js";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, filesOf, runPath, runTree, secondsOf, threeTargets } from "../../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/packages/rpm");
const DB = "/var/lib/rpm/rpmdb.sqlite";
const none = (s: string): string | null => (s === "(none)" ? null : s);

function qa(file = path.join(FIX, "rpm-qa.tsv")) {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((row) => {
      const [name, epoch, version, release, arch, installtime, size, vendor, summary, source] = row.split("\t");
      return { name, epoch: none(epoch!) === null ? null : Number(epoch), version, release, arch, installtime: Number(installtime), size: Number(size), vendor: none(vendor!), summary, source };
    });
}

async function blobs(): Promise<Uint8Array[]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(FIX, "rpmdb.sqlite")));
  const out = db.exec("SELECT blob FROM Packages ORDER BY hnum")[0]!.values.map((r) => r[0] as Uint8Array);
  db.close();
  return out;
}

describe("rpm.packages", () => {
  it("every package as rpm -qa prints it, on dir, tar and tar.gz", async () => {
    const targets = await threeTargets(filesOf({ "var/lib/rpm/rpmdb.sqlite": fs.readFileSync(path.join(FIX, "rpmdb.sqlite")) }), tmpdir());
    const want = qa();
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "rpm.packages");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      const got = [...r.records].sort((a, b) => String(a.package_name).localeCompare(String(b.package_name)));
      expect(got.map((x) => x.package_name)).toEqual(want.map((w) => w.name));
      want.forEach((w, i) => {
        const x = got[i]!;
        expect(
          [x.package_epoch, x.package_version, x.package_release, x.package_arch, secondsOf(x.ts), x.package_size, x.package_vendor, x.package_summary, x.package_source],
          `${kind} ${w.name}`,
        ).toEqual([w.epoch, w.version, w.release, w.arch, w.installtime, w.size, w.vendor, w.summary, w.source]);
        expect([x.package_manager, x.ts_source, x.filepath]).toEqual(["rpm", "INSTALLTIME", DB]);
      });
    }
  });

  it("a Packages that is no Berkeley DB hash file, and an ndb, are named as not read; a -wal is named; absent without any database", async () => {
    const bdb = await runTree({ "/var/lib/rpm/Packages": file(Buffer.alloc(4096)), "/var/lib/rpm/Packages.db": file(Buffer.alloc(64)) }, "rpm.packages");
    expect(bdb.records).toEqual([]);
    expect(bdb.warnings).toEqual([
      { message: "an ndb rpm database (SUSE): not read by quarry (rpmdb.sqlite and Berkeley DB Packages are); query it with rpm --dbpath on a copy", file: "/var/lib/rpm/Packages.db" },
      { message: "not a Berkeley DB hash file (an ndb or other rpm database?): not read", file: "/var/lib/rpm/Packages" },
    ]);
    const wal = await runTree({ [DB]: file(fs.readFileSync(path.join(FIX, "rpmdb.sqlite"))), [`${DB}-wal`]: "x".repeat(100) }, "rpm.packages");
    expect(wal.records).toHaveLength(3);
    expect(wal.warnings.map((w) => w.file)).toEqual([`${DB}-wal`]);
    expect((await runTree({}, "rpm.packages")).outcome.status).toBe("absent");
  });

  it("a file that is no database is an error naming it", async () => {
    const r = await runTree({ [DB]: "not sqlite\n".repeat(50) }, "rpm.packages");
    expect(r.records).toEqual([]);
    expect(r.errors.map((e) => e.file)).toEqual([DB]);
  });
});

describe("the Berkeley DB Packages (RHEL ≤ 8)", () => {
  const BDB = path.resolve(FIX, "../rpm-bdb");
  for (const size of ["4096", "512"]) {
    it(`${size}-byte pages: every package as rpm's own bdb_ro backend lists it, on dir, tar and tar.gz`, async () => {
      const want = qa(path.join(BDB, `Packages.${size}.rpm-qa.tsv`));
      const targets = await threeTargets(filesOf({ "var/lib/rpm/Packages": fs.readFileSync(path.join(BDB, `Packages.${size}`)) }), tmpdir());
      for (const [kind, target] of Object.entries(targets)) {
        const r = await runPath(target, "rpm.packages");
        expect([r.warnings, r.errors], kind).toEqual([[], []]);
        const got = [...r.records].sort((a, b) => String(a.package_name).localeCompare(String(b.package_name)));
        expect(got.map((x) => [x.package_name, x.package_epoch, x.package_version, x.package_release, x.package_arch, secondsOf(x.ts), x.package_size, x.package_vendor, x.package_summary, x.package_source, x.filepath])).toEqual(
          want.map((w) => [w.name, w.epoch, w.version, w.release, w.arch, w.installtime, w.size, w.vendor, w.summary, w.source, "/var/lib/rpm/Packages"]),
        );
      }
    });
  }

  it("hostile pages: a bad page size, checksums, an overflow loop; seeded corruptions end cleanly", async () => {
    const good = fs.readFileSync(path.join(BDB, "Packages.512"));
    const run = async (b: Buffer) => runTree({ "/var/lib/rpm/Packages": file(b) }, "rpm.packages");
    const size = Buffer.from(good);
    size.writeUInt32LE(3000, 20);
    expect((await run(size)).errors.map((e) => e.message)).toEqual(["page size 3000 is not a power of two in 512 … 65536"]);
    const sum = Buffer.from(good);
    sum[26] = 1;
    expect((await run(sum)).errors.map((e) => e.message)).toEqual(["checksummed pages (a different page layout): not read"]);
    // every overflow page points back to itself: each chain is cut, no loop
    const loop = Buffer.from(good);
    for (let pg = 1; pg * 512 < loop.length; pg++) if (loop[pg * 512 + 25] === 7) loop.writeUInt32LE(pg, pg * 512 + 16);
    const l = await run(loop);
    expect(l.records).toEqual([]);
    expect(l.warnings.length).toBeGreaterThan(0);
    expect(l.warnings.every((w) => /overflow chain broken at page \d+|overflow page \d+ holds/.test(w.message))).toBe(true);
    const rand = prng(0xbdb);
    for (let i = 0; i < 150; i++) {
      const b = Buffer.from(good.subarray(0, i % 5 === 0 ? Math.floor(rand() * good.length) : good.length));
      for (let k = 0; k < 1 + (i % 10); k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const r = await run(b);
      expect(r.records.length).toBeLessThanOrEqual(3);
    }
  });
});

describe("the header decoder", () => {
  it("decodes the database's blobs to rpm's own values", async () => {
    const want = qa();
    const got = (await blobs()).map((b) => decodeHeader(b));
    for (const h of got) expect(h.problems).toEqual([]);
    expect(got.map((h) => h.values.get(TAG.NAME)).sort()).toEqual(want.map((w) => w.name));
  });

  it("hostile counts and offsets: an error with the byte offset, or the entry skipped; never a throw of another kind", () => {
    const hdr = (il: number, dl: number, entries: number[][], data: Buffer): Buffer => {
      const b = Buffer.alloc(8 + entries.length * 16);
      b.writeUInt32BE(il, 0);
      b.writeUInt32BE(dl, 4);
      entries.forEach((e, i) => e.forEach((v, k) => b.writeUInt32BE(v >>> 0, 8 + i * 16 + k * 4)));
      return Buffer.concat([b, data]);
    };
    const name = Buffer.from("evil\0");
    const err = (b: Buffer): [string, number] => {
      try {
        decodeHeader(b);
      } catch (e) {
        expect(e).toBeInstanceOf(HeaderError);
        return [(e as HeaderError).message, (e as HeaderError).offset];
      }
      return ["no error", -1];
    };
    expect(err(Buffer.alloc(3))).toEqual(["3 bytes: no header (il and dl need 8)", 0]);
    expect(err(hdr(0xffffffff, 5, [], name))).toEqual(["index of 4294967295 entries (rpm allows 1 … 65535)", 0]);
    expect(err(hdr(1, 0x7fffffff, [[1000, 6, 0, 1]], name))).toEqual(["data store of 2147483647 bytes (rpm allows at most 268435455)", 4]);
    expect(err(hdr(2, 5, [[1000, 6, 0, 1]], name))).toEqual(["index of 2 entries and 5 bytes of data need 45 bytes; the blob has 29", 4]);
    const skipped = (entries: number[][], data: Buffer) => decodeHeader(hdr(entries.length, data.length, entries, data)).problems.map((p) => p.message);
    expect(skipped([[1000, 6, -8, 1]], name)).toEqual(["entry 0 (tag 1000): offset -8 and count 1 are outside the 5-byte data store; skipped"]);
    expect(skipped([[1000, 6, 0, 1]], Buffer.from("evil"))).toEqual(["entry 0 (tag 1000): its string has no NUL within the data store; skipped"]);
    expect(skipped([[1008, 4, 0, 0x40000000]], Buffer.alloc(8))).toEqual(["entry 0 (tag 1008): offset 0 and count 1073741824 are outside the 8-byte data store; skipped"]);
    expect(skipped([[1008, 4, 4, 2]], Buffer.alloc(8))).toEqual(["entry 0 (tag 1008): 2 values of 4 bytes run past the data store; skipped"]);
    expect(skipped([[1008, 4, 2, 1]], Buffer.alloc(8))).toEqual(["entry 0 (tag 1008): offset 2 is not aligned to 4 bytes; skipped"]);
    expect(skipped([[1000, 77, 0, 1]], name)).toEqual(["entry 0 (tag 1000): type 77 is no rpm type; skipped"]);
    expect(decodeHeader(hdr(1, 5, [[1000, 6, 0, 1]], name)).values.get(TAG.NAME)).toBe("evil");
  });

  it("seeded cuts and corruptions of real blobs: a HeaderError or a header, fast", async () => {
    const rand = prng(0x4b1d);
    for (const good of await blobs()) {
      for (let i = 0; i < 200; i++) {
        const b = Buffer.from(good.subarray(0, i % 4 === 0 ? Math.floor(rand() * good.length) : good.length));
        for (let k = 0; k < 1 + (i % 8); k++) b[Math.floor(rand() * Math.min(b.length, i % 2 ? 200 : b.length))] = Math.floor(rand() * 256);
        try {
          const h = decodeHeader(b);
          for (const v of h.values.values()) expect(["string", "number", "bigint"]).toContain(typeof v);
        } catch (e) {
          expect(e).toBeInstanceOf(HeaderError);
        }
      }
    }
  });

  it("seeded corruptions of the database: records, warnings or an error, never an escape", async () => {
    const good = fs.readFileSync(path.join(FIX, "rpmdb.sqlite"));
    const rand = prng(0x59d);
    for (let i = 0; i < 30; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 30; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const r = await runTree({ [DB]: file(bad) }, "rpm.packages");
      expect(["ok", "error"]).toContain(r.outcome.status);
      expect(r.records.length).toBeLessThanOrEqual(3);
    }
  });
});
