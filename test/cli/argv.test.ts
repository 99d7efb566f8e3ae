// target-query reads its command line with yargs-parser directly (src/cli/spec/argv.ts) and loads yargs only for
// --help and errors: the result must be what yargs' parseSync gives, for every kind of command line.
import yargs from "yargs";
import { describe, expect, it } from "vitest";
import { parseFast, parserOptions } from "../../src/cli/spec/argv.js";
import { TARGET_QUERY } from "../../src/cli/spec/target-query.js";
import { applySpec } from "../../src/cli/spec/yargs.js";
import { CLI_SPECS } from "../../src/cli/spec/index.js";
import type { CliSpec } from "../../src/cli/spec/types.js";

function viaYargs(spec: CliSpec, argv: string[], booleans: string[] = []) {
  return applySpec(yargs(argv).help(false), spec)
    .boolean(booleans)
    .version(false)
    .strict(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    });
}

const LINES: string[][] = [
  [],
  ["-f", "hostname", "web01.tar"],
  ["web01.tar", "-f", "hostname,users", "-j"],
  ["-xf", "atop", "-w", "--", "T"],
  ["-f", "atop.*", "-q", "-v", "-v", "--limit", "10", "T1", "T2"],
  ["-f", "x", "--limit=abc", "T"],
  ["-f", "x", "--limit", "-1", "T"],
  ["--plugin-path", "a", "T1", "--plugin-path=b", "-f", "hostname", "T2"],
  ["-f", "failed_logins", "--by", "addr", "T"],
  ["-f", "failed_logins", "--lines", "T"],
  ["-f", "f", "--no-json", "T"],
  ["-f", "f", "--json=false", "T"],
  ["-f", "f", "007", "12.5", "1e3", "-5", "T"],
  ["-f", "f", "--", "-j", "--x", "42"],
  ["-f", "f", "-jq", "T"],
  ["-l"],
  ["-l", "utmp", "T"],
  ["-h"],
  ["--help", "-f", "btmp"],
  ["-f"],
  ["-f", "a", "-f", "b", "T"],
  ["--jobs", "2", "--timeout", "1.5", "--worker-heap", "64", "T", "-f", "x"],
  ["--output-dir", "out", "--output-format", "text", "--gzip", "--resume", "T", "-f", "x"],
  ["--timeline", "--from", "2024-01-01", "--to", "2024-02-01", "-f", "x", "T"],
  ["-f", "x", "--targets-from", "-"],
  ["-f", "x", "--shard", "1/3", "--report", "r.json", "T"],
  ["-f", "x", "--unknown-flag", "val", "T"],
  ["-f", "x", "-Z", "T"],
  ["-f", "x", "--max-inflate", "64M", "T", "-L", "tar"],
  ["-f", "x", "--progress", "--no-progress", "T"],
  ["-f", "x", "-C", "-s", "--timesketch", "T"],
  ["-f", "x", "--verbose", "--verbose", "T"],
  ["-f", "x", "--generated", "2024-01-01T00:00:00Z", "T"],
  ["-f", "x", "__proto__", "constructor", "T"],
  ["-f", "x", "--by.a", "1", "T"],
  ["-f", "x", "--weird=", "T"],
];

describe("target-query's command line without yargs", () => {
  it("builds the parser options yargs builds", () => {
    for (const booleans of [[], ["lines", "all"]]) {
      const theirs = (viaYargs(TARGET_QUERY, [], booleans) as unknown as { getOptions(): Record<string, unknown> }).getOptions();
      const mine = parserOptions(TARGET_QUERY, booleans) as unknown as Record<string, unknown>;
      for (const k of ["alias", "array", "boolean", "string", "count", "number", "narg", "default"]) expect(mine[k], k).toEqual(theirs[k]);
      for (const k of ["normalize", "config", "configObjects", "coerce"]) {
        const v = theirs[k];
        expect(v === undefined || (Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0), k).toBe(true);
      }
    }
  });

  it("gives what yargs' parseSync gives, or leaves the line to yargs", () => {
    let fast = 0;
    for (const line of LINES) {
      for (const booleans of [[], ["lines"]]) {
        const mine = parseFast(line, TARGET_QUERY, booleans);
        let theirs: unknown;
        try {
          theirs = viaYargs(TARGET_QUERY, line, booleans).parseSync();
        } catch (e) {
          theirs = e;
        }
        if (mine === null) continue;
        fast++;
        expect(theirs, line.join(" ")).not.toBeInstanceOf(Error);
        expect(mine, line.join(" ")).toEqual(theirs);
        expect(Object.keys(mine), line.join(" ")).toEqual(Object.keys(theirs as object));
      }
    }
    expect(fast).toBeGreaterThan(LINES.length); // nearly every line is read without yargs
  });

  it("leaves to yargs a value outside an option's choices (its message)", () => {
    for (const spec of CLI_SPECS) {
      for (const [name, o] of Object.entries(spec.options)) {
        if (!o.choices) continue;
        expect(parseFast([`--${name}`, "no-such-choice"], spec)).toBeNull();
        const ok = parseFast([`--${name}`, String(o.choices[0])], spec);
        let theirs: unknown;
        try {
          theirs = viaYargs(spec, [`--${name}`, String(o.choices[0])]).parseSync();
        } catch (e) {
          theirs = e;
        }
        if (ok !== null) expect(ok).toEqual(theirs);
      }
    }
  });
});
