// Cross-check against archives written by GNU tar itself (skipped where GNU tar is not installed).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scratch } from "./tarbuild.js";
import { openTarget } from "../../plugins/index.js";

function gnuTar(): boolean {
  try {
    return /GNU tar/.test(execFileSync("tar", ["--version"], { encoding: "utf8" }));
  } catch {
    return false;
  }
}

const s = scratch();
afterAll(() => s.cleanup());

describe.skipIf(!gnuTar())("archives written by GNU tar", () => {
  const src = path.join(s.dir, "src");
  const build = (): void => {
    fs.mkdirSync(path.join(src, "var/log"), { recursive: true });
    const fd = fs.openSync(path.join(src, "var/log/sparse.img"), "w");
    fs.writeSync(fd, "BEGIN", 0, "utf8");
    fs.writeSync(fd, "MIDDLE", 3 * 1024 * 1024, "utf8");
    fs.writeSync(fd, "END", 8 * 1024 * 1024 - 3, "utf8");
    fs.closeSync(fd);
    fs.mkdirSync(path.join(src, "etc", "d".repeat(110)), { recursive: true });
    fs.writeFileSync(path.join(src, "etc", "d".repeat(110), "f".repeat(120)), "long name\n");
    fs.symlinkSync("/etc/" + "d".repeat(110), path.join(src, "etc/ln"));
  };

  for (const [label, args] of [
    ["gnu", ["--format=gnu"]],
    ["pax 1.0", ["--format=pax", "--sparse-version=1.0"]],
    ["pax 0.1", ["--format=pax", "--sparse-version=0.1"]],
    ["pax 0.0", ["--format=pax", "--sparse-version=0.0"]],
  ] as const) {
    it(`${label}: sparse file, long names, link`, async () => {
      if (!fs.existsSync(src)) build();
      const out = path.join(s.dir, `${label.replace(/\W/g, "_")}.tar`);
      execFileSync("tar", ["-c", "-S", ...args, "-f", out, "-C", src, "."]);
      const t = await openTarget(out);
      const data = t.fs.readFile("/var/log/sparse.img");
      expect(data.length).toBe(8 * 1024 * 1024);
      expect(data.subarray(0, 5).toString()).toBe("BEGIN");
      expect(data.subarray(3 * 1024 * 1024, 3 * 1024 * 1024 + 6).toString()).toBe("MIDDLE");
      expect(data.subarray(8 * 1024 * 1024 - 3).toString()).toBe("END");
      expect(data.subarray(5, 3 * 1024 * 1024).every((b) => b === 0)).toBe(true);
      expect(t.fs.readText(`/etc/ln/${"f".repeat(120)}`)).toBe("long name\n");
      expect(t.warnings).toEqual([]);
      t.close();
    });
  }
});
