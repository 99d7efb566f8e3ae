// Seeded damage to the fixtures: truncations, byte flips, inserted bytes. Whatever the damage, both functions
// end normally, every record is valid for its descriptor, and every line the damage did not touch gives the
// record it gives undamaged (a flip spoils at most the line it falls in, or two when it makes or eats a "\n").
import { describe, expect, it } from "vitest";
import { recordProblems } from "../../../../../../src/records/validate.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { prng } from "../../../../../helpers/prng.js";
import { fixture, logTree, run } from "./helpers.js";

const LOGS = ["raw.audit.log", "handmade.audit.log", "enriched.audit.log", "raw.audit.log.1"];
const CASES = 3;

const same = (r: AnyRecord): string => JSON.stringify({ ...r, _generated: null });

function damaged(data: Buffer, rnd: () => number, kind: number): { bytes: Buffer; touched: number; keptBefore: number } {
  const at = Math.floor(rnd() * data.length);
  if (kind === 0) {
    // cut short: every line before the cut is whole
    return { bytes: data.subarray(0, at), touched: 1, keptBefore: data.subarray(0, at).toString("latin1").split("\n").length - 1 };
  }
  const b = Buffer.from(data);
  const flips = 1 + Math.floor(rnd() * 8);
  if (kind === 1) {
    for (let i = 0; i < flips; i++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    return { bytes: b, touched: 2 * flips, keptBefore: -1 };
  }
  const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
  return { bytes: Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]), touched: 2 + junk.filter((x) => x === 10).length, keptBefore: -1 };
}

describe("seeded damage to the fixtures", () => {
  for (const [n, log] of LOGS.entries()) {
    it(`${log}: ${CASES * 3} damaged copies: no failure, valid records, untouched lines as before`, async () => {
      const data = fixture(log);
      const base = await run("audit", logTree(data));
      const known = new Map<string, number>();
      for (const r of base.records) known.set(same(r), (known.get(same(r)) ?? 0) + 1);
      const rnd = prng(0xa0d17 + n);
      for (let c = 0; c < CASES * 3; c++) {
        const kind = c % 3;
        const d = damaged(data, rnd, kind);
        const r = await run("audit", logTree(d.bytes));
        expect(r.outcome.status, `case ${c}: ${r.outcome.reason}`).not.toBe("error");
        for (const e of r.errors) expect(e.message).toMatch(/^not an audit log/);
        let unchanged = 0;
        const left = new Map(known);
        for (const rec of r.records) {
          expect(recordProblems(rec)).toEqual([]);
          const k = same(rec);
          const have = left.get(k) ?? 0;
          if (have > 0) {
            left.set(k, have - 1);
            unchanged++;
          }
        }
        const floor = kind === 0 ? d.keptBefore : base.records.length - d.touched;
        expect(unchanged, `case ${c} (kind ${kind})`).toBeGreaterThanOrEqual(Math.min(floor, base.records.length));
        if (c % 3 === 1) {
          const ev = await run("audit.events", logTree(d.bytes));
          expect(ev.outcome.status).not.toBe("error");
          for (const rec of ev.records) expect(recordProblems(rec)).toEqual([]);
        }
      }
    });
  }
});
