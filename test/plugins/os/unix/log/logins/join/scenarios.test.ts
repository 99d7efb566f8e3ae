// The login scenarios (fixtures/scenarios, made with the real tools; the stories written by hand in expected/):
// logins, logins.failed, logins.failed --by addr and logins.sessions compared with them field by field.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../../src/records/timestamp.js";
import { runScenario, scenarioDir, tsZ, type ScenarioName } from "../../../../../../scenarios/helpers.js";

/** The record as the expected files write it: the expected file's fields, times in UTC with "Z". */
function asExpected(r: AnyRecord, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const v = r as unknown as Record<string, unknown>;
  for (const f of fields) {
    const x = v[f];
    out[f] = x instanceof Timestamp ? tsZ(x) : x === undefined ? "(missing)" : x;
  }
  return out;
}

const CASES: [string, string, Record<string, unknown>][] = [
  ["logins.json", "logins", {}],
  ["logins.failed.json", "logins.failed", {}],
  ["logins.failed-by-addr.json", "logins.failed", { by: "addr" }],
  ["logins.sessions.json", "logins.sessions", {}],
];

for (const name of ["breach", "wiped"] as ScenarioName[]) {
  describe(`scenario ${name}`, () => {
    for (const [file, fn, args] of CASES) {
      const at = path.join(scenarioDir(name), "expected", file);
      if (!fs.existsSync(at)) continue;
      it(`${fn} ${JSON.stringify(args)} is ${file}`, async () => {
        const want = JSON.parse(fs.readFileSync(at, "utf8")) as Record<string, unknown>[];
        const { records, outcome } = await runScenario(name, fn, args);
        expect(outcome.errors).toEqual([]);
        const fields = Object.keys(want[0] ?? {});
        expect(records.map((r) => asExpected(r, fields))).toEqual(want);
      });
    }
  });
}
