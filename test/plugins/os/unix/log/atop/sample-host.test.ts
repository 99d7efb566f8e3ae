// The sample host's atop log (recorded by scripts/make-sample-atop.sh with Debian 12's atop 2.8.1) against the
// oracle the same atop wrote beside the host tree (fixtures/hosts/web01.atop.parseable.txt.gz): quarry's atop
// records of the host, as a directory and as the tar, give every line of it (the comparison of oracle.test.ts);
// and the recording names none of the machine it was made on.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openTarget } from "../../../../../../plugins/index.js";
import { parseableLines } from "./helpers.js";
import { compareWithOracle } from "./oracle-compare.js";

const HOSTS = path.resolve(import.meta.dirname, "../../../../../../fixtures/hosts");
const ORACLE = parseableLines(fs.readFileSync(path.join(HOSTS, "web01.atop.parseable.txt.gz")));

describe("the sample host's atop log against its -P oracle", () => {
  it("is one file, named for the day it was recorded", () => {
    const files = fs.readdirSync(path.join(HOSTS, "web01/var/log/atop"));
    expect(files).toHaveLength(1);
    const day = ORACLE.find((l) => l.startsWith("CPU "))!.split(" ")[3]!.replaceAll("/", "");
    expect(files).toEqual([`atop_${day}`]);
  });

  it.each(["web01", "web01.tar"])("%s: every task line and every system line", async (name) => {
    const target = await openTarget(path.join(HOSTS, name));
    const counts = await compareWithOracle("2.8", null, ORACLE, { nodename: "web01", target });
    const want: Record<string, number> = {};
    for (const l of ORACLE) if (l !== "SEP" && l !== "RESET") want[l.split(" ")[0]!] = (want[l.split(" ")[0]!] ?? 0) + 1;
    expect(counts).toEqual(want);
    expect(counts.PRG).toBeGreaterThan(100);
  });

  it("names none of the machine it was recorded on: the workload's own command lines only", () => {
    const text = ORACLE.join("\n");
    expect(text).not.toMatch(/\/work\b|\/tmp\/fx|AWS|firecracker|process_api|\bnode\b|vitest|quarry|sample-atop/i);
    const cmdlines = new Set(ORACLE.filter((l) => l.startsWith("PRG ")).map((l) => /\) \S+ (?:\S+ ){5}\d+ \((.*?)\) \d+ /.exec(l)?.[1]));
    expect(cmdlines.has("nginx: worker process")).toBe(true);
    expect(cmdlines.has("/sbin/init")).toBe(true);
  });
});
