// Hostile archives: random corruption of a valid archive never crashes, hangs, or reads outside the target.
import { describe, expect, it } from "vitest";
import { afterAll } from "vitest";
import { Target, TargetError } from "../../src/target.js";
import { FsError } from "../../src/fs/types.js";
import { entry, gnuLongName, gnuSparse, pax, paxSparse10, scratch, tar } from "./tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
afterAll(() => s.cleanup());

const base = tar(
  entry({ name: "etc/", flag: "5" }),
  entry({ name: "etc/hostname", data: "fuzz\n" }),
  gnuLongName("var/log/" + "x".repeat(150)),
  entry({ name: "var/log/xxx", data: "long" }),
  pax({ path: "var/pax", mtime: "1.5" }),
  entry({ name: "p", data: "pax data" }),
  gnuSparse("var/sparse", 5000, [[0, Buffer.from("a")], [4000, Buffer.from("b")]]),
  paxSparse10("var/s10", 9000, [[100, Buffer.from("c")], [8000, Buffer.from("d")]]),
  entry({ name: "etc/link", flag: "2", linkname: "/etc/hostname" }),
  entry({ name: "etc/hard", flag: "1", linkname: "etc/hostname" }),
);

describe("corrupted archives", () => {
  it("500 random corruptions: open fails cleanly or every file reads without escaping", async () => {
    let seed = 1234;
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    let opened = 0;
    for (let i = 0; i < 500; i++) {
      const buf = Buffer.from(base);
      const flips = 1 + rnd(8);
      for (let k = 0; k < flips; k++) buf[rnd(buf.length)] = rnd(256);
      const cut = rnd(4) === 0 ? rnd(buf.length) : buf.length;
      const p = s.file(`f${i % 10}.tar`, buf.subarray(0, cut));
      let t: Target;
      try {
        t = await openTarget(p, { loader: "tar" });
      } catch (e) {
        expect(e).toBeInstanceOf(TargetError);
        continue;
      }
      opened++;
      for (const { path, entry: e } of t.fs.walk("/")) {
        expect(path.startsWith("/")).toBe(true);
        expect(path.split("/")).not.toContain("..");
        if (e.type !== "file") continue;
        try {
          const data = t.fs.readFile(path);
          expect(data.length).toBeLessThanOrEqual(Math.max(t.fs.lstat(path).size, 0));
        } catch (err) {
          expect(err).toBeInstanceOf(FsError);
        }
      }
      t.close();
    }
    expect(opened).toBeGreaterThan(100);
  });
});
