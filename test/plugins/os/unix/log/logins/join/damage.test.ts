// Damaged sources (seeded truncated and corrupted copies of the breach scenario's auth.log, wtmp, btmp and
// audit.log): the story is still told, no exception ends it, and every event is well formed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prng } from "../../../../../../helpers/prng.js";
import { scenarioDir } from "../../../../../../scenarios/helpers.js";
import { runLogins } from "./helpers.js";

const FILES = ["var/log/auth.log", "var/log/wtmp", "var/log/btmp", "var/log/audit/audit.log"];
const ACTIONS = new Set(["login", "logout", "failed", "invalid_user", "sudo", "su", "session_open", "session_close", "reboot", "shutdown"]);

function damaged(b: Buffer, rnd: () => number): Buffer {
  const out = Buffer.from(b.subarray(0, Math.floor(b.length * (0.5 + rnd() / 2))));
  for (let i = 0; i < 8 && out.length; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
  return out;
}

describe("damaged sources", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: logins and logins.sessions run to the end`, async () => {
      const rnd = prng(seed);
      const tree: Record<string, Uint8Array> = {};
      for (const f of FILES) tree[`/${f}`] = damaged(fs.readFileSync(path.join(scenarioDir("breach"), f)), rnd);
      const { records, outcome } = await runLogins(tree, "logins");
      expect(outcome.errors.filter((e) => /TypeError|RangeError|undefined/.test(e.message))).toEqual([]);
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) {
        expect(ACTIONS.has(r.action as string)).toBe(true);
        expect((r.sources as string[]).length).toBeGreaterThan(0);
        expect(["single", "certain", "probable"]).toContain(r.confidence);
      }
      for (let i = 1; i < records.length; i++) expect(String(records[i - 1]!.ts) <= String(records[i]!.ts)).toBe(true);
      const s = await runLogins(tree, "logins.sessions");
      expect(s.outcome.errors.filter((e) => /TypeError|RangeError|undefined/.test(e.message))).toEqual([]);
    });
  }
});
