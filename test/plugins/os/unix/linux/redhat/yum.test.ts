// yum.history against a HAND-BUILT history file (no yum on the machine that made it): make-yum.py writes
// yum's tables and, as the oracle, history.expected.json with the values it wrote.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, filesOf, runPath, runTree, secondsOf, threeTargets } from "../../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/packages/yum");
const DB = "/var/lib/yum/history/history-2024-01-15.sqlite";

describe("yum.history", () => {
  it("every package of every transaction, on dir, tar and tar.gz", async () => {
    const want = JSON.parse(fs.readFileSync(path.join(FIX, "history.expected.json"), "utf8")) as Record<string, string | number | boolean | null>[];
    const targets = await threeTargets(filesOf({ [DB.slice(1)]: fs.readFileSync(path.join(FIX, "history-2024-01-15.sqlite")), "etc/passwd": "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n" }), tmpdir());
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "yum.history");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      expect(
        r.records.map((x) => [x.transaction, secondsOf(x.ts), secondsOf(x.ts_end), x.requested_by_uid, x.command, x.operation, x.package_name, x.package_arch, x.package_version, x.package_status === "done"]),
        kind,
      ).toEqual(want.map((w) => [w.transaction, w.ts, w.ts_end, w.uid, w.command, w.operation, w.name, w.arch, w.version, w.done]));
      expect(r.records.map((x) => x.requested_by_user)).toEqual([null, "root", "root", "alice"]);
      expect(r.records[3]!.message).toBe("no trans_end (yum interrupted)");
    }
  });

  it("absent without history files; seeded corruptions end cleanly", async () => {
    expect((await runTree({}, "yum.history")).outcome.status).toBe("absent");
    const good = fs.readFileSync(path.join(FIX, "history-2024-01-15.sqlite"));
    const rand = prng(0x7a3);
    for (let i = 0; i < 20; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 30; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const r = await runTree({ [DB]: file(bad) }, "yum.history");
      expect(["ok", "error"]).toContain(r.outcome.status);
      expect(r.records.length).toBeLessThanOrEqual(bad.length / 4);
    }
  });
});
