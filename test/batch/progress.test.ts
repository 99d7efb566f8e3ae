import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import { StatusLine } from "../../src/batch/progress.js";
import { captureIO, makeHost, tempDir, testRegistry } from "./helpers.js";

function sink(): Writable & { text: string; isTTY?: boolean } {
  const w = new Writable({
    write(c, _e, cb) {
      w.text += c.toString();
      cb();
    },
  }) as Writable & { text: string; isTTY?: boolean };
  w.text = "";
  return w;
}

describe("progress line", () => {
  it("draws targets, records, rate and errors, prints log lines above it, and clears itself", () => {
    const out = sink();
    const s = new StatusLine(out, true, () => ({ done: 3, total: 10, records: 1234, errors: 1 }));
    s.draw(true);
    expect(out.text).toMatch(/^\r\x1b\[Ktargets 3\/10 · 1234 records · \d+\/s · 1 error$/);
    out.text = "";
    s.print("warning: something\n");
    expect(out.text.startsWith("\r\x1b[Kwarning: something\n\r\x1b[Ktargets 3/10")).toBe(true);
    out.text = "";
    s.stop();
    expect(out.text).toBe("\r\x1b[K");
  });

  it("is drawn on a terminal's stderr and not otherwise", async () => {
    const d = tempDir();
    const hosts = [makeHost(d, "a"), makeHost(d, "b")];
    const tty = captureIO();
    const err = sink();
    err.isTTY = true;
    await main([...hosts, "-f", "users", "-j", "--jobs", "1"], { ...tty, stderr: err }, testRegistry);
    expect(err.text).toMatch(/\r\x1b\[Ktargets \d\/2 · \d+ records/);
    expect(err.text).toMatch(/\r\x1b\[Ksummary: 2 targets/); // cleared before the summary
    const plain = captureIO();
    await main([...hosts, "-f", "users", "-j", "--jobs", "1"], plain, testRegistry);
    expect(plain.err()).not.toContain("\r");
    expect(plain.err()).toMatch(/^summary: 2 targets: 2 opened/);
    const off = sink();
    off.isTTY = true;
    await main([...hosts, "-f", "users", "-j", "--jobs", "1", "--no-progress"], { ...captureIO(), stderr: off }, testRegistry);
    expect(off.text).not.toContain("\r");
    expect(path.isAbsolute(hosts[0]!)).toBe(true);
  });
});
