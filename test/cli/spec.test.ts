// The tools' declarations (src/cli/spec/) drive their parsers and their --help.
import { afterEach, describe, expect, it, vi } from "vitest";
import { main as rdumpMain } from "../../src/cli/rdump.js";
import { CLI_SPECS, flagsOf, knownOptions, RDUMP, TARGET_FS, TARGET_INFO, TARGET_QUERY, TARGET_SHELL, type CliSpec } from "../../src/cli/spec/index.js";
import { main as fsMain } from "../../src/cli/target-fs.js";
import { main as infoMain } from "../../src/cli/target-info.js";
import { main as shellMain } from "../../src/cli/target-shell.js";
import { main as queryMain, parseArgs } from "../../src/cli/target-query.js";
import { captureIO } from "./helpers.js";

afterEach(() => {
  vi.restoreAllMocks();
});

async function helpOf(spec: CliSpec): Promise<string> {
  const c = captureIO();
  if (spec === TARGET_INFO) {
    // yargs' own help option prints with console.log.
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
    expect(await infoMain(["--help"], c.io)).toBe(0);
    return lines.join("\n");
  }
  const main = spec === TARGET_QUERY ? queryMain : spec === RDUMP ? rdumpMain : spec === TARGET_FS ? fsMain : spec === TARGET_SHELL ? shellMain : null;
  expect(main).not.toBeNull();
  expect(await main!(["--help"], c.io)).toBe(0);
  return c.stdout().toString("utf8");
}

describe("CLI declarations", () => {
  it("target-info takes -h as --help, as the other tools do", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.join(" ")));
    expect(await infoMain(["-h"], captureIO().io)).toBe(0);
    expect(lines.join("\n")).toMatch(/^target-info \[options\] TARGET\.\.\./);
  });

  it.each(CLI_SPECS.map((s) => [s.name, s] as const))("%s --help shows every option that is not hidden, the notes and the exit codes", async (_, spec) => {
    const help = await helpOf(spec);
    expect(help).toContain(spec.description.split(" ").slice(0, 4).join(" "));
    for (const [name, o] of Object.entries(spec.options)) {
      if (o.hidden) expect(help).not.toContain(`--${name}`);
      else expect(help).toMatch(new RegExp(`--${name}\\b`));
    }
    for (const c of spec.commands ?? []) expect(help).toContain(c.usage);
    for (const e of spec.exitCodes) expect(help.replace(/\s+/g, " ")).toContain(`${e.code} ${e.meaning}`);
  });

  it("names are unique per tool, aliases included", () => {
    for (const spec of CLI_SPECS) {
      const names = Object.entries(spec.options).flatMap(([n, o]) => flagsOf(n, o));
      expect(new Set(names).size, spec.name).toBe(names.length);
    }
  });

  it("target-query and target-info declare --plugin-path: repeatable, one value each, not a function argument", async () => {
    const args = await parseArgs(["--plugin-path", "a", "T1", "--plugin-path=b", "-f", "hostname", "T2"]);
    expect(args["plugin-path"]).toEqual(["a", "b"]);
    expect(args._).toEqual(["T1", "T2"]);
    expect(knownOptions(TARGET_QUERY).has("plugin-path")).toBe(true);
    expect(TARGET_INFO.options["plugin-path"]).toBe(TARGET_QUERY.options["plugin-path"]);
  });

  it("keeps dissect's spellings: -xf, -w -, the hidden --generated", async () => {
    const args = await parseArgs(["-xf", "atop", "-w", "-", "--generated", "2024-01-01T00:00:00Z", "T"]);
    expect(args["excluded-functions"]).toBe("atop");
    expect(args.write).toBe("-");
    expect(args.generated).toBe("2024-01-01T00:00:00Z");
    expect(args._).toEqual(["T"]);
  });
});
