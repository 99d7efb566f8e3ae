// snap.packages on a HAND-BUILT tree (no snapd on the machine that made the fixtures): snap file names,
// current links and a snap.yaml as snapd lays them out; the .snap files are placeholders, not squashfs images
// (the reader never opens them). Expected values are written by hand from the tree.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tmpdir } from "../../../../helpers/tmp.js";
import { filesOf, runPath, threeTargets, type Member } from "../packages/helpers.js";

const SNAP_YAML = fs.readFileSync(path.resolve(import.meta.dirname, "../../../../../fixtures/network/yaml-cases/snap.yaml"));
const link = (name: string, to: string): Member => ({ name, type: "symlink", data: Buffer.alloc(0), mtime: 1_700_000_000, linkname: to });

describe("snap.packages", () => {
  it("every revision, active or disabled, a local x-revision flagged, version and summary from snap.yaml, on dir, tar, tar.gz", async () => {
    const members = [
      ...filesOf({ "var/lib/snapd/snaps/core22_1000.snap": "hsqs", "var/lib/snapd/snaps/core22_1033.snap": "hsqs....", "var/lib/snapd/snaps/kw-tools_x1.snap": "hsqs.", "var/lib/snapd/snaps/partial.snap": "x" }, 1_709_719_290),
      ...filesOf({ "snap/kw-tools/x1/meta/snap.yaml": SNAP_YAML }),
      link("snap/core22/current", "1033"),
      link("snap/kw-tools/current", "x1"),
    ];
    for (const [kind, target] of Object.entries(await threeTargets(members, tmpdir()))) {
      const r = await runPath(target, "snap.packages");
      expect(r.errors, kind).toEqual([]);
      expect(r.warnings, kind).toEqual([{ message: "not a <name>_<revision>.snap name: skipped", file: "/var/lib/snapd/snaps/partial.snap" }]);
      expect(r.records.map((x) => [x.package_name, x.package_release, x.package_status, x.package_version, x.package_summary, x.package_size, x.ts_source]), kind).toEqual([
        ["core22", "1000", "disabled", null, null, 4, "snap file mtime"],
        ["core22", "1033", "active", null, null, 8, "snap file mtime"],
        ["kw-tools", "x1", "active, local unasserted install (revision x1)", "2.1", "Kernel worker tools", 5, "snap file mtime"],
      ]);
      expect(String(r.records[2]!.ts)).toBe("2024-03-06 10:01:30+00:00");
      expect((await runPath(target, "packages")).records.filter((x) => x.package_manager === "snap")).toHaveLength(3);
    }
  });
});
