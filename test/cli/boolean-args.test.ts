// A function's boolean argument on the command line takes no value from the word after it:
// `-f environment --lines TARGET` keeps TARGET a target (yargs, not knowing --lines, took it as its value).
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import type { CliIO } from "../../src/cli/common.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  return { stdout, stderr, stdoutIsTTY: false, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

it("--lines before the target is a flag; --lines false turns it off; another function refuses it", async () => {
  const root = tmpdir();
  writeTree(root, { "etc/os-release": "ID=debian\n", "var/log/.keep": "", "etc/profile": "# profile\nexport A=1\n" });
  const on = io();
  expect(await main(["-f", "environment", "--lines", root, "-s", "-q"], on)).toBe(0);
  expect(on.out()).toMatch(/<unix\/environment\/line .*line='export A=1' lineno=2 filepath='\/etc\/profile'>/);
  const off = io();
  expect(await main(["-f", "environment", "--lines", "false", root, "-s", "-q"], off)).toBe(0);
  expect(off.out()).not.toMatch(/environment\/line/);
  await expect(main(["-f", "users", "--lines", root, "-s", "-q"], io())).rejects.toThrow("unknown option --lines (no selected function takes it)");
});
