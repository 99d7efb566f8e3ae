// Every record of every fixture against utmpdump's own output for that file (util-linux 2.38.1): type, pid,
// id, user, line, host, address, time with microseconds. Differences that are ours by design, checked exactly:
// tv_sec is read unsigned (glibc ≥ 2.40; utmpdump 2.36 prints it signed), the address follows the project's
// rule (null for all-zero, v4-mapped unmapped, the `1337:1::` host upgrade) applied to the very bytes
// utmpdump printed, and a garbage tv_usec is not applied.
import { describe, expect, it } from "vitest";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";
import { compareWithDump as compare, expected, fixture, fixtureText, parseUtmpdump, run } from "./helpers.js";

async function wtmpOf(name: string, data = fixture(name)) {
  return run({ "/var/log/wtmp": data }, "wtmp");
}

const CLEAN = ["wtmp_basic", "wtmp_addr_edge", "wtmp_y2038", "wtmp_corrupt", "wtmp_truncated"];

describe("wtmp records equal utmpdump's", () => {
  for (const name of CLEAN) {
    it(name, async () => {
      const dump = parseUtmpdump(fixtureText(`${name}.utmpdump.txt`));
      const { records } = await wtmpOf(name);
      expect(records.length).toBe(dump.length);
      records.forEach((r, i) => {
        compare(r, dump[i]!, `${name} #${i}`);
        expect(r.offset).toBe(i * 384);
        expect(r.filepath).toBe("/var/log/wtmp");
        expect(r.ts_logout).toBeNull();
        expect(r.ut_service).toBeNull();
      });
    });
  }

  it("counts: 73 / 9 / 4 / 73 / 72", async () => {
    const n = await Promise.all(CLEAN.map(async (f) => (await wtmpOf(f)).records.length));
    expect(n).toEqual([73, 9, 4, 73, 72]);
  });

  it("big-endian and gzip copies give wtmp_basic's records", async () => {
    const base = (await wtmpOf("wtmp_basic")).records;
    const dump = parseUtmpdump(fixtureText("wtmp_basic.1.gz.utmpdump.txt"));
    for (const name of ["wtmp_basic.be", "wtmp_basic.1.gz"]) {
      const { records, outcome } = await wtmpOf(name);
      expect(outcome.warnings).toEqual([]);
      expect(records.length).toBe(73);
      records.forEach((r, i) => {
        compare(r, dump[i]!, `${name} #${i}`);
        const { _generated: _a, ...x } = r;
        const { _generated: _b, ...y } = base[i]!;
        expect(x).toEqual(y);
      });
    }
  });

  it("btmp_basic through btmp (200 records)", async () => {
    const dump = parseUtmpdump(fixtureText("btmp_basic.utmpdump.txt"));
    const { records } = await run({ "/var/log/btmp": fixture("btmp_basic") }, "btmp");
    expect(records.length).toBe(200);
    records.forEach((r, i) => compare(r, dump[i]!, `btmp #${i}`));
  });

  it("utmp_live through utmp (9 records), read once through /var/run → ../run", async () => {
    const dump = parseUtmpdump(fixtureText("utmp_live.utmpdump.txt"));
    const { records } = await run({ "/run/utmp": fixture("utmp_live"), "/var/run": { type: "symlink", target: "../run" } }, "utmp");
    expect(records.length).toBe(9);
    records.forEach((r, i) => {
      compare(r, dump[i]!, `utmp #${i}`);
      expect(r.filepath).toBe("/run/utmp");
    });
  });
});

describe("fixture expectations beyond utmpdump", () => {
  it("wtmp_addr_edge addresses follow the project's rule", async () => {
    const exp = expected<{ records: { addr: string | null; host: string }[] }>("wtmp_addr_edge");
    const { records } = await wtmpOf("wtmp_addr_edge");
    expect(records.map((r) => r.ut_addr)).toEqual(exp.records.map((r) => r.addr));
    expect(records.map((r) => r.ut_addr)).toEqual([
      "198.51.100.23",
      "1337::1",
      "1337:1::",
      "32.1.13.184",
      "203.0.113.9",
      null,
      null,
      "10.0.0.2",
      "2001:db8:85a3::8a2e:370:7334",
    ]);
    expect(records.map((r) => r.ut_host)).toEqual(exp.records.map((r) => r.host));
  });

  it("wtmp_y2038 times are unsigned (2038, 2038, 2040, 2106)", async () => {
    const { records } = await wtmpOf("wtmp_y2038");
    expect(records.map((r) => (r.ts as Timestamp).toJSON())).toEqual([
      "2038-01-19T03:14:07+00:00",
      "2038-01-19T03:14:08+00:00",
      "2040-02-29T12:00:00+00:00",
      "2106-02-07T06:28:15+00:00",
    ]);
  });

  it("wtmp_basic records match expected.json (ids with their space padding, exit, session)", async () => {
    const exp = expected<{ records: { type_name: string; id: string; pid: number; exit: { termination: number; exit: number }; session: number; offset: number }[] }>(
      "wtmp_basic",
    );
    const { records } = await wtmpOf("wtmp_basic");
    records.forEach((r, i) => {
      const e = exp.records[i]!;
      expect([r.ut_type, r.ut_id, r.ut_pid, r.ut_exit_termination, r.ut_exit_status, r.ut_session, r.offset]).toEqual([
        e.type_name,
        e.id,
        e.pid,
        e.exit.termination,
        e.exit.exit,
        e.session,
        e.offset,
      ]);
    });
  });
});
