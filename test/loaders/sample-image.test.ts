// The README's sample host image: opens as a Linux target, and is exactly what the script builds from
// fixtures/hosts/web01/ (rebuild with `node scripts/make-sample-image.mjs` after changing the tree).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scratch } from "../fs/tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
afterAll(() => s.cleanup());

describe("fixtures/hosts/web01.tar", () => {
  it("is a Linux target named web01", async () => {
    const t = await openTarget("fixtures/hosts/web01.tar");
    expect(t.loader).toBe("tar");
    expect(t.hostname).toBe("web01");
    expect(t.osPath).toMatch(/linux/);
    expect(t.warnings).toEqual([]);
    t.close();
  });

  it("is reproduced byte for byte by scripts/make-sample-image.mjs", () => {
    const out = path.join(s.dir, "web01.tar");
    execFileSync(process.execPath, ["scripts/make-sample-image.mjs", "fixtures/hosts/web01", out]);
    expect(fs.readFileSync(out).equals(fs.readFileSync("fixtures/hosts/web01.tar"))).toBe(true);
    // two journal files of the writer's smallest size (512 KiB each, mostly zeros and hash tables) and the text logs
    expect(fs.statSync(out).size).toBeLessThan(1536 * 1024);
  });
});
