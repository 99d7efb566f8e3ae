// services on a Debian 12 unit tree (fixtures/persistence/debian12: Debian's own units, `systemctl --root
// preset-all`, local and planted units enabled and masked with systemctl): every unit's state equals
// `systemctl --root list-unit-files`, the system's and the global user units', on a directory, tar and tar.gz.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PERSISTENCE, plain, run, threeTargets } from "../../triage.js";

const ROOT = path.join(PERSISTENCE, "debian12");

/** systemctl list-unit-files: "UNIT FILE  STATE  PRESET" rows between the header and the count. */
function listUnitFiles(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(PERSISTENCE, file), "utf8").split("\n").slice(1)) {
    const m = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const targets = await threeTargets(ROOT, "debian12");

describe.each(targets)("services on the Debian 12 tree as $kind", ({ path: target }) => {
  it("gives every unit systemctl lists, in systemctl's state", async () => {
    const r = await run(target, "services");
    expect(r.errors).toEqual([]);
    const system = new Map(r.records.filter((x) => x.scope === "system" && x.type === "systemd").map((x) => [String(x.name), String(x.state)]));
    expect(Object.fromEntries(system)).toEqual(Object.fromEntries(listUnitFiles("debian12.list-unit-files.txt")));
    const global = new Map(r.records.filter((x) => x.scope === "user" && x.owner === null).map((x) => [String(x.name), String(x.state)]));
    expect(Object.fromEntries(global)).toEqual(Object.fromEntries(listUnitFiles("debian12.global.list-unit-files.txt")));
  });
});
