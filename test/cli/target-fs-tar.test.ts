// target-fs TARGET tar PATH…: the exported archive, read back by our own tar loader, holds the same bytes,
// modes, owners, times and links as the target it came from.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-fs.js";
import { Target } from "../../src/target.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";
import { captureIO } from "./helpers.js";
import { openTarget } from "../../plugins/index.js";

const SAMPLE = path.resolve(import.meta.dirname, "../../fixtures/hosts/web01.tar");

describe("target-fs tar", () => {
  it("exports directories recursively, files byte for byte, links as links", async () => {
    const c = captureIO();
    expect(await main([SAMPLE, "tar", "/var/log", "/etc/hostname"], c.io)).toBe(0);
    const out = path.join(tmpdir(), "export.tar");
    fs.writeFileSync(out, c.stdout());
    const src = await openTarget(SAMPLE);
    const back = await openTarget(out, { loader: "tar" });
    try {
      for (const p of ["/var/log/wtmp", "/var/log/btmp", "/var/log/atop/atop_20261203", "/etc/hostname"]) {
        expect(back.fs.readFile(p).equals(src.fs.readFile(p)), p).toBe(true);
        const [a, b] = [src.fs.stat(p), back.fs.stat(p)];
        expect([b.mode, b.uid, b.gid, b.mtime?.seconds]).toEqual([a.mode, a.uid, a.gid, a.mtime?.seconds]);
      }
      expect(back.fs.exists("/etc/passwd")).toBe(false);
    } finally {
      src.close();
      back.close();
    }
  });

  it("keeps symlinks and long names (PAX) from a directory target", async () => {
    const root = tmpdir();
    const long = "d".repeat(120) + "/" + "f".repeat(150);
    writeTree(root, { "etc/hostname": "h\n", "var/log/x": "x", [`var/log/${long}`]: "deep\n" });
    fs.symlinkSync("x", path.join(root, "var/log/link"));
    const c = captureIO();
    expect(await main([root, "tar", "/var/log"], c.io)).toBe(0);
    const out = path.join(tmpdir(), "export.tar");
    fs.writeFileSync(out, c.stdout());
    const back = await openTarget(out, { loader: "tar" });
    try {
      expect(back.fs.readlink("/var/log/link")).toBe("x");
      expect(back.fs.readText(`/var/log/${long}`)).toBe("deep\n");
    } finally {
      back.close();
    }
  });

  it("keeps names as bytes: not UTF-8, in ustar fields and in PAX records alike", async () => {
    const root = tmpdir();
    writeTree(root, { "etc/hostname": "h\n", "var/log/.keep": "" });
    const raw = (...parts: (string | number[])[]): Buffer =>
      Buffer.concat([Buffer.from(path.join(root, "var/log") + "/"), ...parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p)))]);
    fs.writeFileSync(raw("short", [0x9b, 0xff]), "a");
    fs.writeFileSync(raw([0xfe], "x".repeat(200)), "b"); // past ustar's 100 bytes: a PAX path record
    fs.symlinkSync(Buffer.concat([Buffer.from("/" + "z".repeat(150)), Buffer.from([0x80])]), path.join(root, "var/log/link"));
    const c = captureIO();
    expect(await main([root, "tar", "/var/log"], c.io)).toBe(0);
    const out = path.join(tmpdir(), "export.tar");
    fs.writeFileSync(out, c.stdout());
    const src = await openTarget(root);
    const back = await openTarget(out, { loader: "tar" });
    try {
      const names = (t: Target): string[] => t.fs.scandir("/var/log").map((e) => e.name).sort();
      expect(names(back)).toEqual(names(src));
      expect(names(back)).toContain("short\udc9b\udcff");
      expect(back.fs.readlink("/var/log/link")).toBe(src.fs.readlink("/var/log/link"));
      expect(back.fs.readText("/var/log/\udcfe" + "x".repeat(200))).toBe("b");
    } finally {
      src.close();
      back.close();
    }
  });

  it("needs a path", async () => {
    await expect(main([SAMPLE, "tar"], captureIO().io)).rejects.toThrow(/tar needs a path/);
  });
});
