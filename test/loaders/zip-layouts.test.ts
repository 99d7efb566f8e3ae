// The zip loader on each layout, against the committed fixtures (fixtures/zip/, made by make-fixtures.sh with
// Info-ZIP and Python's zipfile): the tree and every member's bytes against the original tree/, names, sizes,
// methods and modes against the `unzip -Z -l` listing committed beside each zip.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openZipArchive } from "../../src/fs/zip/archive.js";
import { findLoader } from "../../loaders/index.js";
import { openTarget } from "../../plugins/index.js";
import { buildZip, stored } from "../fs/zipbuild.js";

const DIR = "fixtures/zip";
const TREE = path.join(DIR, "tree");

interface Listed {
  perms: string;
  size: number;
  method: string;
  name: string;
}

/** `unzip -Z -l` lines: perms, version, os, size, type, csize, method, date, time, name. */
function oracle(zip: string): Listed[] {
  const out: Listed[] = [];
  for (const line of fs.readFileSync(path.join(DIR, `${zip}.zipinfo.txt`), "utf8").split("\n")) {
    const m = /^([-dl][-rwxsStT]{9})\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\d+\s+(\S+)\s+\S+\s+\S+\s(.*)$/.exec(line);
    if (m) out.push({ perms: m[1]!, size: Number(m[2]), method: m[3]!, name: m[4]! });
  }
  return out;
}

function permString(type: string, mode: number): string {
  const c = type === "dir" ? "d" : type === "symlink" ? "l" : "-";
  const bits = "rwxrwxrwx".split("").map((ch, i) => (mode & (1 << (8 - i)) ? ch : "-"));
  return c + bits.join("");
}

function treeFiles(dir = TREE, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...treeFiles(dir, r));
    else out.push(r);
  }
  return out.sort();
}

describe("plain zips of a root (Info-ZIP: deflated, stored, zip64)", () => {
  for (const zip of ["plain-deflated.zip", "plain-stored.zip", "plain-zip64.zip", "cylr-linux.zip"]) {
    it(`${zip}: every member as zipinfo lists it, every file's bytes as the original`, async () => {
      const p = path.join(DIR, zip);
      expect(findLoader(p)?.name).toBe("zip");
      const t = await openTarget(p);
      expect(t.loader).toBe("zip");
      expect(t.hostname).toBe("ziphost");
      expect(t.warnings).toEqual([]);
      const listed = oracle(zip);
      expect(listed.length).toBeGreaterThan(10);
      for (const l of listed) {
        const name = "/" + l.name.replace(/\/$/, "");
        const st = t.fs.lstat(name)!;
        expect(st, name).not.toBeNull();
        if (!zip.startsWith("cylr")) expect(permString(st.type, st.mode), name).toBe(l.perms);
        if (st.type === "file") expect(st.size, name).toBe(l.size);
        // zipinfo's date (made with TZ=UTC): from Info-ZIP's UT field, or from the DOS time for Python's zips
        expect(st.mtime?.isoformat().slice(0, 16), name).toBe("2024-03-01T12:00");
        if (st.type === "symlink") expect(t.fs.readlink(name)).toBe(fs.readlinkSync(path.join(TREE, l.name)));
      }
      for (const f of treeFiles()) {
        const host = path.join(TREE, f);
        if (fs.lstatSync(host).isSymbolicLink()) continue;
        expect(t.fs.readFile("/" + f).equals(fs.readFileSync(host)), f).toBe(true);
      }
      t.close();
      const a = openZipArchive(p);
      expect(a.zip.zip64).toBe(zip === "plain-zip64.zip");
      const methods = new Map(a.members.map((m) => [m.name, m]));
      for (const l of listed) expect(methods.has(l.name), l.name).toBe(true);
      a.close();
    });
  }

  it("a root inside one top folder is mounted from that folder", async () => {
    const t = await openTarget(path.join(DIR, "top-folder.zip"));
    expect(t.loader).toBe("zip");
    expect(t.hostname).toBe("ziphost");
    expect(t.fs.readText("/etc/hostname")).toBe("ziphost\n");
    expect(t.fs.readdir("/").sort()).toEqual(["bin", "etc", "home", "root", "usr", "var"]);
    t.close();
  });
});

describe("collections delivered as zip", () => {
  it("UAC: [root]/ is /, the rest under /$uac$/, hostname from live_response", async () => {
    const t = await openTarget(path.join(DIR, "uac-uaczip-linux-20240301120000.zip"));
    expect(t.loader).toBe("uac");
    expect(t.fs.readText("/etc/passwd")).toBe(fs.readFileSync(path.join(TREE, "etc/passwd"), "utf8"));
    expect(t.fs.readText("/$uac$/uac.log")).toMatch(/^UAC/);
    expect(t.fs.readdir("/$uac$").sort()).toEqual(["live_response", "uac.log"]);
    // /etc/hostname comes first (the OS plugin), the UAC hint after it
    expect(t.hostname).toBe("ziphost");
    t.close();
  });

  it("Velociraptor: uploads/auto/ is /, names unescaped, its own files under /$velociraptor$/", async () => {
    const t = await openTarget(path.join(DIR, "Collection-vrhost-2024-03-01T12_00_00Z.zip"));
    expect(t.loader).toBe("velociraptor");
    expect(t.fs.readText("/etc/hostname")).toBe("ziphost\n");
    expect(t.fs.readText("/home/alice/.bashrc")).toBe("export PS1=x\n");
    expect(t.fs.readText("/var/log/app:1.log")).toBe("colon\n");
    expect(t.fs.readText("/var/log/100%.log")).toBe("percent\n");
    expect(t.fs.readText("/var/log/trailing.")).toBe("dot\n");
    expect(t.fs.readText("/etc/systemd/system/dev-disk-by\\x2duuid-1234.swap")).toMatch(/^\[Swap\]/);
    expect(t.fs.readText("/home/alice/naïve café.txt")).toBe("héllo\n");
    expect(t.fs.readdir("/$velociraptor$").sort()).toEqual(["client_info.json", "collection_context.json", "log.json", "results", "uploads", "uploads.json"]);
    expect(t.fs.readText("/$velociraptor$/uploads/ntfs/\\\\.\\C:/Windows/win.ini")).toBe("[fonts]\n");
    for (const f of treeFiles()) {
      const host = path.join(TREE, f);
      if (!fs.lstatSync(host).isSymbolicLink()) expect(t.fs.readFile("/" + f).equals(fs.readFileSync(host)), f).toBe(true);
    }
    t.close();
  });

  it("Velociraptor without /etc/hostname: client_info.json's Hostname", async () => {
    const { loadZip } = await import("../../loaders/zip.js");
    const l = loadZip(path.join(DIR, "Collection-vrhost-2024-03-01T12_00_00Z.zip"));
    expect(l.subloader).toBe("velociraptor");
    expect(l.hints?.hostname).toBe("vrhost");
    l.close?.();
  });

  it("Velociraptor uploads/file/ (an older collector's accessor), no /etc/hostname: client_info.json's hostname, keys in any case", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-vr-"));
    try {
      const p = path.join(dir, "Collection-x.zip");
      fs.writeFileSync(p, buildZip([stored("uploads/file/etc/os-release", "ID=debian\n"), stored("uploads/file/var/log/a%3Ab", "ab\n"), stored("client_info.json", '{"hostname":"lowerhost","fqdn":"lowerhost.example"}')]));
      const t = await openTarget(p);
      expect(t.loader).toBe("velociraptor");
      expect(t.hostname).toBe("lowerhost");
      expect(t.fs.readText("/var/log/a:b")).toBe("ab\n");
      t.close();
      fs.writeFileSync(p, buildZip([stored("uploads/auto/etc/os-release", "ID=debian\n"), stored("client_info.json", '{"Hostname":"","Fqdn":"only.fqdn.example"}')]));
      const f = await openTarget(p);
      expect(f.hostname).toBe("only.fqdn.example");
      f.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CyLR (Windows): the drive folder C/ is the root, the hostname from the zip's name", async () => {
    const { loadZip } = await import("../../loaders/zip.js");
    const l = loadZip(path.join(DIR, "CYLRHOST.zip"));
    expect(l.subloader).toBe("cylr");
    expect(l.hints?.hostname).toBe("CYLRHOST");
    expect(l.fs.readText("/Windows/System32/drivers/etc/hosts")).toBe("127.0.0.1 localhost\r\n");
    expect(l.fs.readdir("/").sort()).toEqual(["Users", "Windows"]);
    l.close?.();
  });
});
