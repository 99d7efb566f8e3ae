// dnf.history against a HAND-BUILT swdb (no dnf on the machine that made it): fixtures/packages/dnf/history.sqlite
// was made by make-dnf.py from libdnf's schema, and history.expected.json holds the values it wrote.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, filesOf, runPath, runTree, secondsOf, threeTargets } from "../../packages/helpers.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/packages/dnf");
const DB = "/var/lib/dnf/history.sqlite";
const PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";

describe("dnf.history", () => {
  it("every transaction item with its transaction's times, command and user, on dir, tar and tar.gz", async () => {
    const want = JSON.parse(fs.readFileSync(path.join(FIX, "history.expected.json"), "utf8")) as Record<string, string | number | null>[];
    const targets = await threeTargets(filesOf({ "var/lib/dnf/history.sqlite": fs.readFileSync(path.join(FIX, "history.sqlite")), "etc/passwd": PASSWD }), tmpdir());
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "dnf.history");
      expect([r.warnings, r.errors], kind).toEqual([[], []]);
      expect(r.records.length).toBe(want.length);
      want.forEach((w, i) => {
        const x = r.records[i]!;
        expect(
          [x.transaction, secondsOf(x.ts), secondsOf(x.ts_end), x.requested_by_uid, x.command, x.operation, x.package_name, x.package_arch, x.package_version],
          `${kind} #${i}`,
        ).toEqual([w.transaction, w.ts, w.ts_end, w.uid, w.command, w.operation, w.name, w.arch, w.version]);
        expect(String(x.message)).toContain(`repo=${String(w.repo)}`);
        expect(x.requested_by_user).toBe(w.uid === 0 ? "root" : "alice");
      });
      expect(r.records[5]!.message).toBe("reason=user repo=@System transaction error");
    }
  });

  it("absent without the database; junk is an error naming it; seeded corruptions end cleanly", async () => {
    expect((await runTree({}, "dnf.history")).outcome.status).toBe("absent");
    const junk = await runTree({ [DB]: "no database\n".repeat(40) }, "dnf.history");
    expect(junk.errors.map((e) => e.file)).toEqual([DB]);
    const good = fs.readFileSync(path.join(FIX, "history.sqlite"));
    const rand = prng(0xd4f);
    for (let i = 0; i < 30; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 30; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const r = await runTree({ [DB]: file(bad) }, "dnf.history");
      expect(["ok", "error"]).toContain(r.outcome.status);
      expect(r.records.length).toBeLessThanOrEqual(bad.length / 4);
    }
  });
});
