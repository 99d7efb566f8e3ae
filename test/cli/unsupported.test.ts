// An input quarry cannot read says what it looks like and what quarry reads instead, through the installed
// bins: a disk image with no filesystem it reads, a damaged partition table or superblock, a Windows tree or
// artefact, a loose log (→ --direct); a zip no layout fits opens, with a warning that it is no system root.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
let dir: string;

function tool(name: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, `dist/src/cli/bin/${name}.js`), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, data: Uint8Array | string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
}

function withBytes(size: number, at: number, bytes: number[] | string): Buffer {
  const b = Buffer.alloc(size);
  if (typeof bytes === "string") b.write(bytes, at, "latin1");
  else b.set(bytes, at);
  return b;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-unsupported-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("inputs quarry does not read say what they are", () => {
  it.each([
    ["disk.qcow2", () => gunzipSync(fs.readFileSync(path.join(ROOT, "fixtures/disk/container/disk-2m.qcow2.gz"))), /disk\.qcow2: no filesystem could be opened \(1 volume: .*unknown filesystem, first bytes 71 75 61 72/],
    ["gpt.img", () => withBytes(4096, 512, "EFI PART"), /no usable GPT: primary GPT at byte 524: header size 0/],
    ["mbr.img", () => withBytes(4096, 510, [0x55, 0xaa]), /a raw disk image with an MBR partition table, but not one the disk loader can open/],
    ["fs.ext4", () => withBytes(4096, 1080, [0x53, 0xef]), /ext superblock: s_blocks_count 0 leaves no blocks/],
    ["fs.xfs", () => withBytes(4096, 0, "XFSB"), /XFS superblock: version 0 filesystem/],
    ["Security.evtx", () => withBytes(4096, 0, "ElfFile\0"), /a Windows event log \(EVTX\)/],
    ["SYSTEM", () => withBytes(4096, 0, "regf"), /a Windows registry hive/],
    ["wtmp-web01", () => fs.readFileSync(path.join(ROOT, "fixtures/hosts/web01/var/log/wtmp")), /a wtmp file \(utmp records\), a loose file, not a target: read it with --direct/],
    ["secure", () => fs.readFileSync(path.join(ROOT, "fixtures/hosts/web01/var/log/auth.log")), /a syslog file of logins .*: read it with --direct/],
    ["notes.txt", () => "just some notes\n", /no loader recognises this path \(quarry reads folders holding a system root/],
  ])("%s", (name, make, message) => {
    const p = file(name, make());
    for (const t of ["target-info", "target-query"] as const) {
      const r = tool(t, t === "target-query" ? ["-f", "hostname", p] : [p]);
      expect(r.code, `${t}: ${r.err}`).toBe(3);
      expect(r.err).toContain(p);
      expect(r.err).toMatch(message);
    }
  });

  it("a Windows tree", () => {
    fs.mkdirSync(path.join(dir, "win/Windows/System32/config"), { recursive: true });
    const r = tool("target-info", [path.join(dir, "win")]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/this looks like a Windows system tree; quarry's plugins are for Linux and Unix/);
  });

  it("a zip that no layout fits opens, with a warning that it is no system root", () => {
    const p = file("plain.zip", zipSync({ "notes/a.txt": new TextEncoder().encode("hi\n") }));
    const r = tool("target-info", [p]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/no collection layout fits \(Velociraptor, acquire, UAC, CyLR\) and the root has no etc\/ or var\//);
    const w = tool("target-info", [file("win.zip", zipSync({ "Windows/System32/config/SYSTEM": withBytes(16, 0, "regf") }))]);
    expect(w.out).toMatch(/this looks like a Windows system tree/);
  });
});
