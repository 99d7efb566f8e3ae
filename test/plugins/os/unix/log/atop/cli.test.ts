// CLI smoke test: a directory target with a real atop raw file, through target-query's main().
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../../../../src/cli/target-query.js";
import { fixture } from "./helpers.js";
import { targetFromTree } from "../../../../../../plugins/index.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-atop-"));
fs.mkdirSync(path.join(dir, "etc"));
fs.mkdirSync(path.join(dir, "var/log/atop"), { recursive: true });
fs.writeFileSync(path.join(dir, "etc/hostname"), "atophost\n");
fs.writeFileSync(path.join(dir, "etc/os-release"), 'ID=debian\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
fs.writeFileSync(path.join(dir, "var/log/atop/atop_20261121"), fixture("atop_2.8.1-debian.raw"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await main(argv, { stdout, stderr, stdoutIsTTY: false });
  return { code, out, err };
}

describe("target-query -f atop", () => {
  it("writes JSON lines for every task of every sample", async () => {
    const { code, out, err } = await run(["-f", "atop", "-j", "-q", dir]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const recs = out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.pid !== undefined);
    expect(recs.length).toBe(738); // PRG lines of the oracle
    expect(recs[0]).toMatchObject({ hostname: "atophost", pid: 1, process: "process_api", atop_version: "2.8", filepath: "/var/log/atop/atop_20261121", since_boot: true });
  });

  it("runs every atop.* function", async () => {
    const { code, out } = await run(["-f", "atop.*", "-j", "-q", dir]);
    expect(code).toBe(0);
    const n = out.split("\n").filter(Boolean).length;
    expect(n).toBeGreaterThan(738 + 4);
  });
});

describe("runOnTarget over a memory tree", () => {
  it("stamps hostname, and a damaged file that loses a sample is an error (exit 1) with the good records kept", async () => {
    const { Target } = await import("../../../../../../src/target.js");
    const { runOnTarget } = await import("../../../../../../src/plugin/runner.js");
    const { defaultRegistry } = await import("../../../../../../plugins/index.js");
    const { Logger } = await import("../../../../../../src/util/log.js");
    const raw = fixture("atop_2.13.raw");
    const target = targetFromTree({
      "/etc/hostname": "memhost\n",
      "/var/log/atop/atop_20261121": raw,
      "/var/log/atop/atop_20261120": raw.subarray(0, raw.length - 100),
    });
    const recs: Record<string, unknown>[] = [];
    const sink = { write: (r: Record<string, unknown>) => void recs.push(r), close: async () => {} };
    const lines: string[] = [];
    const outcomes = await runOnTarget(target, defaultRegistry.resolve(["atop.system"]).groups, defaultRegistry, sink, {
      log: new Logger((l: string) => void lines.push(l), "info"),
    });
    expect(outcomes[0]!.status).toBe("error");
    expect(outcomes[0]!.warnings).toHaveLength(0);
    expect(outcomes[0]!.errors).toHaveLength(1);
    expect(outcomes[0]!.errors[0]).toMatchObject({ file: "/var/log/atop/atop_20261120" });
    expect(recs).toHaveLength(3 + 4);
    expect(recs.every((r) => r.hostname === "memhost")).toBe(true);
  });
});
