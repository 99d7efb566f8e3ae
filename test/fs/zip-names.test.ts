// Hostile member names in a zip (fixtures/zip/hostile-names.zip, written by Python's zipfile with a NUL patched
// in; its `unzip -Z -l` listing beside it): nothing escapes the target, each skipped member is named with its
// offset, duplicates follow tar's rule (the last wins, with a warning). And Velociraptor's escaping, decoded.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { loadZip } from "../../loaders/zip.js";
import { decodeName } from "../../src/fs/zip/entries.js";
import { zipNameProblem } from "../../src/fs/zip/names.js";
import { buildZip, stored } from "./zipbuild.js";
import { unescapeComponent, unescapeUploadPath } from "../../src/fs/zip/velociraptor.js";
import { openTarget } from "../../plugins/index.js";

function loadZipBuffer(zip: Buffer): ReturnType<typeof loadZip> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-names-"));
  const p = path.join(dir, "names.zip");
  fs.writeFileSync(p, zip);
  try {
    return loadZip(p);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true }); // the open descriptor keeps the file readable
  }
}

type Tree = Awaited<ReturnType<typeof openTarget>>["fs"];
function everything(fs: Tree, dir = "/"): string[] {
  const out: string[] = [];
  for (const name of fs.readdir(dir)) {
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    out.push(p);
    if (fs.lstat(p)?.type === "dir") out.push(...everything(fs, p));
  }
  return out;
}

describe("hostile names", () => {
  it("never leave the target; skipped with a warning naming the member and its offset; the last duplicate wins", async () => {
    const t = await openTarget("fixtures/zip/hostile-names.zip");
    expect(everything(t.fs).sort()).toEqual(["/abs", "/abs/evil", "/etc", "/etc/back\\slash", "/etc/dup", "/etc/hostname"]);
    expect(t.fs.readText("/etc/dup")).toBe("second wins\n");
    expect(t.fs.readText("/etc/hostname")).toBe("hostile\n");
    expect(t.fs.readText("/etc/back\\slash")).toBe("kept\n");
    const w = t.warnings.join("\n");
    expect(w).toMatch(/member "\.\.\/evil" at offset \d+: name has a '\.\.' segment; skipped/);
    expect(w).toMatch(/member "a\/\.\.\/\.\.\/b" at offset \d+: name has a '\.\.' segment; skipped/);
    expect(w).toMatch(/member "\.\.\\\\\.\.\\\\winevil" at central directory offset \d+: name has a '\.\.' segment when its backslashes are read as separators; skipped/);
    expect(w).toMatch(/member "\\\\rooted\\\\evil" at central directory offset \d+: name is absolute/);
    expect(w).toMatch(/member "C:\/drive\/evil" at central directory offset \d+: name starts with a drive letter; skipped/);
    expect(w).toMatch(/member "etc\/nul\\u0000name" at offset \d+: name contains a NUL byte; skipped/);
    expect(w).toMatch(/member "etc\/dup" at offset \d+: duplicate of the member at offset \d+; the last one wins/);
    expect(w).toMatch(/member "etc\/hostname" at offset \d+: duplicate of the member at offset \d+; the last one wins/);
    t.close();
  });

  it("zipNameProblem: backslashes are kept unless read as separators they climb, root or name a drive", () => {
    expect(zipNameProblem("etc/systemd/system/dev-disk-by\\x2duuid.swap")).toBeNull();
    expect(zipNameProblem("a\\..\\..\\b")).toMatch(/'\.\.'/);
    expect(zipNameProblem("..\\b")).toMatch(/'\.\.'/);
    expect(zipNameProblem("\\b")).toMatch(/absolute/);
    expect(zipNameProblem("c:\\b")).toMatch(/drive/);
    expect(zipNameProblem("plain/name")).toBeNull();
  });
});

describe("name encodings", () => {
  it("UTF-8 flagged or valid; CP437 from a DOS/Windows host; Latin-1 otherwise; Info-ZIP's Unicode path field wins when its CRC matches", () => {
    // CP437 bytes: 0x81 ü, 0x94 ö, 0xE1 ß (the table checked against Python's cp437 codec)
    const cp = Buffer.from([0x81, 0x62, 0x65, 0x72, 0x20, 0x94, 0xe1]);
    expect(decodeName(cp, false, 0)).toBe("über öß");
    expect(decodeName(cp, false, 11)).toBe("über öß");
    expect(decodeName(cp, false, 3)).toBe("\u0081ber \u0094á");
    expect(decodeName(Buffer.from("naïve"), false, 0)).toBe("naïve");
    const up = (name: Buffer, crc: number): Buffer => {
      const b = Buffer.alloc(9 + name.length);
      b.writeUInt16LE(0x7075, 0);
      b.writeUInt16LE(5 + name.length, 2);
      b[4] = 1;
      b.writeUInt32LE(crc, 5);
      name.copy(b, 9);
      return b;
    };
    const raw = Buffer.from("caf?.txt");
    const t = loadZipBuffer(
      buildZip([
        { ...stored("x", "1"), name: "caf?.txt", rawName: raw, extra: up(Buffer.from("café.txt"), zlib.crc32(raw)) },
        { ...stored("y", "2"), name: "stale?.txt", rawName: Buffer.from("stale?.txt"), extra: up(Buffer.from("renamed.txt"), 1234) },
        { ...stored("z", "3"), name: "dos", rawName: Buffer.from([0x94, 0x6c]), host: 0 },
      ]),
    );
    expect(t.fs.readdir("/").sort()).toEqual(["café.txt", "stale?.txt", "öl"]);
    t.close?.();
  });
});

describe("Velociraptor's component escaping", () => {
  // Pairs from Velociraptor's own test oracle (utils/fixtures/TestSanitizeForZip.golden): escaped → original.
  it("decodes what SanitizeStringForZip writes", () => {
    expect(unescapeComponent("filename%3Awith%3Acol.db")).toBe("filename:with:col.db");
    expect(unescapeComponent("foo%2E")).toBe("foo.");
    expect(unescapeComponent("Simple string")).toBe("Simple string");
    expect(unescapeComponent("你好")).toBe("你好");
    expect(unescapeComponent("%2Ebashrc")).toBe(".bashrc");
    expect(unescapeComponent("100%25")).toBe("100%");
  });

  it("keeps a component escaped when it would decode to a separator or a NUL; a stray % is literal", () => {
    expect(unescapeComponent("%2E.%2F..%2F..%2F")).toBe("%2E.%2F..%2F..%2F");
    expect(unescapeComponent("a%00b")).toBe("a%00b");
    expect(unescapeComponent("50%")).toBe("50%");
    expect(unescapeComponent("%zz")).toBe("%zz");
  });

  it("decodes only below uploads/", () => {
    expect(unescapeUploadPath("uploads/auto/C%3A/Windows")).toBe("uploads/auto/C:/Windows");
    expect(unescapeUploadPath("results/a%3Ab.json")).toBe("results/a%3Ab.json");
    expect(unescapeUploadPath("uploads/auto/%2E%2E/x")).toBe("uploads/auto/../x"); // then refused as '..' by sanitizeMemberName
  });
});
