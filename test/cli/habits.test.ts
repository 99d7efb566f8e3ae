// The habits a dissect user brings, through the installed bins (dist/, as `npx target-query` runs them): each
// mistake a usage error (exit 2) naming the argument as typed; --version everywhere; one exit code per outcome.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SAMPLE = "fixtures/hosts/web01.tar";
type Tool = "target-query" | "target-info" | "target-fs" | "rdump";

function run(tool: Tool, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, `dist/src/cli/bin/${tool}.js`), ...args], { cwd: ROOT, input, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("target-query: usage errors name the argument as typed", () => {
  it.each([
    [["-Z", SAMPLE, "-f", "hostname"], /unknown option -Z\b/],
    [["--bogus", SAMPLE, "-f", "hostname"], /unknown option --bogus\b/],
    [["-Z", SAMPLE], /unknown option -Z$/m],
    [["--limit", "abc", "-f", "wtmp", SAMPLE], /--limit: expected a whole number of records, at least 1, got "abc"/],
    [["--limit", "-1", "-f", "wtmp", SAMPLE], /--limit: .* got "-1"/],
    [["--limit=0", "-f", "wtmp", SAMPLE], /--limit: .* got "0"/],
    [["-f", "", SAMPLE], /-f "": no function/],
    [["-f", "wtmp", "-xf", "wtmp", SAMPLE], /no function left after -xf/],
    [["-l", SAMPLE], /-l: no function matches "fixtures\/hosts\/web01.tar"; to list what applies to a target: -l '\*' TARGET/],
    [["-L", "nosuch", "-f", "hostname", SAMPLE], /unknown loader "nosuch"/],
  ])("%j", (args, message) => {
    const r = run("target-query", args);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^target-query: error: /);
    expect(r.err).toMatch(message);
  });
});

describe("target-query habits that work", () => {
  it("--targets-from - and --targets-from=- read the targets from stdin", () => {
    for (const flag of [["--targets-from", "-"], ["--targets-from=-"]]) {
      const r = run("target-query", [...flag, "-f", "hostname", "-j", "-q"], `${SAMPLE}\n`);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out.trim().split("\n").at(-1)!)).toMatchObject({ value: "web01" });
    }
  });

  it("-l FILTER lists only the matching functions; -l FILTER TARGET says which apply", () => {
    const all = run("target-query", ["-l", "wtmp"]);
    expect(all.code).toBe(0);
    expect(all.out).toMatch(/^ {2}wtmp\s/m);
    expect(all.out).not.toMatch(/^ {2}atop\s/m);
    const atop = run("target-query", ["-l", "atop.*"]);
    expect(atop.out.match(/^ {2}atop\S*/gm)?.length).toBeGreaterThan(3);
    const on = run("target-query", ["-l", "wtmp", SAMPLE]);
    expect(on.code, on.err).toBe(0);
    expect(on.out).toMatch(/\(web01, linux\):\n {2}wtmp\s+yes\n$/);
  });

  it("--limit N stops after N records", () => {
    const r = run("target-query", ["--limit", "3", "-f", "wtmp", "-j", "-q", SAMPLE]);
    expect(r.out.trim().split("\n").filter((l) => l.includes('"ut_type": "'))).toHaveLength(3);
  });

  it("-v says what each function chose, read, yielded and took; -q silences it", () => {
    const r = run("target-query", ["-v", "-f", "hostname,wtmp", "-s", SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^verbose: .*hostname: os\.unix\.linux\._os\.hostname chosen of os\.unix\.linux\._os\.hostname, os\.unix\._os\.hostname$/m);
    expect(r.err).toMatch(/^verbose: .*wtmp: ok, 73 records in \d+ ms \(os\.unix\.log\.utmp\.wtmp\.wtmp\); read 1 file: \/var\/log\/wtmp$/m);
    expect(r.err).toMatch(/^summary: /m);
    expect(run("target-query", ["-v", "-q", "-f", "wtmp", "-s", SAMPLE]).err).toBe("");
  });
});

describe("all four tools", () => {
  it.each(["target-query", "target-info", "target-fs", "rdump"] as const)("%s --version", (tool) => {
    const r = run(tool, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^${tool} \\(quarry\\) \\d+\\.\\d+\\.\\d+, Node v\\d+`));
  });

  it("a target that cannot be opened: 3 when none could, in every tool; an unknown loader: 2", () => {
    expect(run("target-query", ["-f", "hostname", "-q", "/nonexistent"]).code).toBe(3);
    expect(run("target-info", ["/nonexistent"]).code).toBe(3);
    expect(run("target-fs", ["/nonexistent", "ls"]).code).toBe(3);
    for (const [tool, args] of [["target-query", ["-f", "hostname"]], ["target-info", []], ["target-fs", ["ls"]]] as const) {
      const r = run(tool, ["-L", "nosuch", SAMPLE, ...args]);
      expect(r.code, `${tool}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(new RegExp(`^${tool}: error: .*unknown loader "nosuch"`, "m"));
    }
  });
});

describe("on a terminal", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("the summary comes after the last record (stdout flushed first)", () => {
    // script(1) gives the tool a pseudo-terminal for stdout and stderr: one screen, as a person sees it
    const r = spawnSync("script", ["-qec", `${process.execPath} dist/src/cli/bin/target-query.js -f wtmp,journal ${SAMPLE}`, "/dev/null"], { cwd: ROOT, encoding: "utf8", input: "", maxBuffer: 64 * 1024 * 1024 });
    expect(r.status).toBe(0);
    const lines = r.stdout.split(/\r?\n/);
    const lastRecord = lines.findLastIndex((l) => l.startsWith("<linux/log/"));
    const summary = lines.findIndex((l) => l.startsWith("summary: "));
    expect(lastRecord).toBeGreaterThan(500);
    expect(summary).toBeGreaterThan(lastRecord);
  });
});
