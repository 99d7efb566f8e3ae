// The pieces of the budgets: sizes, the inflation rule, the bounded gunzip (also over positioned reads, as a
// plugin would use it on a target's file), and warnings capped per kind.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { gunzipBounded, gunzipHead } from "../../src/util/gunzip.js";
import { formatSize, INFLATE_FLOOR, InflateBudget, InflateLimitError, maxInflateFromEnv, parseSize } from "../../src/util/inflate-budget.js";
import { WarningLog } from "../../src/util/warnings.js";
import { scratch } from "../fs/tarbuild.js";

const s = scratch();
const tmp = path.join(s.dir, "tmp");
afterAll(() => s.cleanup());
const saved = { ...process.env };
beforeEach(() => {
  fs.mkdirSync(tmp, { recursive: true });
  process.env.QUARRY_TMPDIR = tmp;
  delete process.env.QUARRY_MAX_INFLATE;
});
afterEach(() => {
  process.env = { ...saved };
  expect(fs.readdirSync(tmp)).toEqual([]);
});

describe("sizes and the inflation rule", () => {
  it("parses binary sizes and refuses the rest", () => {
    expect(parseSize("64M")).toBe(64 * 1024 ** 2);
    expect(parseSize("2g")).toBe(2 * 1024 ** 3);
    expect(parseSize("1.5TiB")).toBe(1.5 * 1024 ** 4);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("10 MB")).toBe(10 * 1024 ** 2);
    for (const bad of ["", "0", "-1", "lots", "1e9", "5X"]) expect(parseSize(bad), bad).toBeNull();
    expect(formatSize(1024 ** 3)).toBe("1 GiB");
    expect(formatSize(21237840)).toBe("20.3 MiB");
  });

  it("the default is the larger of 1 GiB and 100 × the compressed size; a fixed limit replaces it", () => {
    expect(new InflateBudget(1000).limit).toBe(INFLATE_FLOOR);
    expect(new InflateBudget(50 * 1024 ** 2).limit).toBe(5000 * 1024 ** 2);
    expect(new InflateBudget(50 * 1024 ** 2, 123).limit).toBe(123);
    process.env.QUARRY_MAX_INFLATE = "2M";
    expect(new InflateBudget(1000).limit).toBe(2 * 1024 ** 2);
    expect(new InflateBudget(1000, 99).limit).toBe(99); // the flag wins
    process.env.QUARRY_MAX_INFLATE = "much";
    expect(() => maxInflateFromEnv()).toThrow(/QUARRY_MAX_INFLATE="much" is not a size/);
  });

  it("check throws with both offsets past the limit", () => {
    const b = new InflateBudget(10, 100, "/var/log/wtmp.1.gz");
    b.check(100, 5);
    const e = (() => {
      try {
        b.check(101, 7);
      } catch (x) {
        return x as InflateLimitError;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(InflateLimitError);
    expect(e!.message).toMatch(/^\/var\/log\/wtmp\.1\.gz: gzip inflates to more than 100 bytes .*stopped at compressed offset 7, inflated offset 101/);
    expect([e!.compressedOffset, e!.inflatedOffset]).toEqual([7, 101]);
  });
});

describe("gunzipBounded", () => {
  const data = Buffer.alloc(3 * 1024 * 1024, 0x61);
  const gz = zlib.gzipSync(data);

  it("inflates a host path into memory or a temp file, and positioned reads the same way", async () => {
    const p = s.file("a.gz", gz);
    const mem = await gunzipBounded(p, { memoryLimit: 16 * 1024 * 1024 });
    expect(mem.storage).toBe("memory");
    expect(mem.storage === "memory" && mem.data.equals(data)).toBe(true);
    const fh = { size: gz.length, read: (b: Uint8Array, o: number, l: number, pos: number) => gz.copy(b, o, pos, Math.min(pos + l, gz.length)) };
    const file = await gunzipBounded(fh, { memoryLimit: 0 });
    expect(file.storage).toBe("tempfile");
    expect(file.size).toBe(data.length);
    if (file.storage === "tempfile") {
      const back = Buffer.alloc(10);
      fs.readSync(file.temp.fd, back, 0, 10, data.length - 10);
      expect(back.toString()).toBe("aaaaaaaaaa");
      file.temp.dispose();
    }
  });

  it("stops at the budget (temp file freed); on a damaged stream too, where the budget is not mistaken for damage", async () => {
    const p = s.file("b.gz", gz);
    await expect(gunzipBounded(p, { memoryLimit: 0, maxInflate: 1024 * 1024, label: "b.gz" })).rejects.toThrow(/^b\.gz: gzip inflates to more than 1 MiB/);
    const damaged = s.file("c.gz", Buffer.concat([gz, Buffer.from("garbage after the stream")]));
    const ok = await gunzipBounded(damaged, { memoryLimit: 0 });
    expect(ok.size).toBe(data.length);
    expect(ok.warning).toMatch(/gzip stream damaged/);
    if (ok.storage === "tempfile") ok.temp.dispose();
    await expect(gunzipBounded(damaged, { memoryLimit: 0, maxInflate: 1024 * 1024 })).rejects.toBeInstanceOf(InflateLimitError);
  });

  it("gunzipHead inflates only what it needs", () => {
    const bomb = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const p = s.file("bomb.gz", bomb);
    const head = gunzipHead(p, 512);
    expect(head.length).toBe(512);
  });
});

describe("WarningLog", () => {
  it("keeps the first N of each kind, counts the rest after the last kept one, and warns once per key", () => {
    const w = new WarningLog(2);
    for (let i = 0; i < 5; i++) w.add("dup", `dup ${i}`, i);
    w.add("dup", "dup 0 again", 0);
    w.add("other", "other 0");
    w.add("dup", "dup 5", 5);
    expect(w.lines()).toEqual(["dup 0", "dup 1", "… and 4 more warnings of this kind (dup)", "other 0"]);
    expect(w.total).toBe(7);
  });
});
