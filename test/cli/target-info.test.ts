// target-info: every property with the file it came from, the login users, -j (a document), -J (lines), -q/-v.
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-info.js";
import type { CliIO } from "../../src/cli/common.js";
import { UsageError } from "../../src/plugin/args.js";
import { elfArchitecture } from "../../plugins/os/unix/architecture.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";

const SAMPLE = path.resolve("fixtures/hosts/web01.tar");

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  return { stdout, stderr, stdoutIsTTY: false, out: () => Buffer.concat(o).toString(), err: () => Buffer.concat(e).toString() };
}

/** An ELF header as the gABI lays it out: class, data (byte order), e_machine at 18. */
function elf(cls: 1 | 2, data: 1 | 2, machine: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, cls, data, 1]);
  if (data === 1) b.set([machine & 0xff, machine >> 8], 18);
  else b.set([machine >> 8, machine & 0xff], 18);
  return b;
}

describe("architecture from an ELF header", () => {
  it.each([
    [2, 1, 0x3e, "x86_64"],
    [1, 1, 0x03, "i386"],
    [2, 1, 0xb7, "aarch64"],
    [1, 1, 0x28, "arm"],
    [2, 1, 0x15, "ppc64le"],
    [2, 2, 0x15, "ppc64"],
    [2, 2, 0x16, "s390x"],
    [2, 1, 0xf3, "riscv64"],
    [2, 1, 0x102, "loongarch64"],
  ] as const)("class %i, data %i, e_machine %i → %s", (cls, data, machine, name) => {
    expect(elfArchitecture(elf(cls, data, machine))?.machine).toBe(name);
  });

  it("anything else is no answer: a script, a truncated header, an unknown machine, a bad class", () => {
    expect(elfArchitecture(new TextEncoder().encode("#!/bin/sh\necho hi\n"))).toBeNull();
    expect(elfArchitecture(elf(2, 1, 0x3e).subarray(0, 19))).toBeNull();
    expect(elfArchitecture(elf(2, 1, 0x9999))).toBeNull();
    const bad = elf(2, 1, 0x3e);
    bad[4] = 3;
    expect(elfArchitecture(bad)).toBeNull();
  });
});

describe("target-info", () => {
  it("the sample host: every property, with the file it was read from", async () => {
    const x = io();
    expect(await main([SAMPLE], x)).toBe(0);
    const out = x.out();
    expect(out).toMatch(/^hostname\s*: web01$/m);
    expect(out).toMatch(/^os\s*: linux$/m);
    // the truncated copy of Debian 12's /bin/ls in the sample host (bin → usr/bin, merged /usr)
    expect(out).toMatch(/^architecture : x86_64-linux \(from \/bin\/ls\)$/m);
    expect(out).toMatch(/^timezone\s*: Europe\/Berlin \(from \/etc\/localtime\)$/m);
    // the sample tar stores every member with the mtime 2024-03-15 10:00 UTC
    expect(out).toMatch(/^last_activity: 2024-03-15T10:00:00\+00:00 \(from \/var\/log\/.+\)$/m);
    expect(out).toMatch(/^users\s*: root \(\/bin\/bash\), alice \(\/bin\/bash\), bob \(\/bin\/zsh\)/m);
    expect(x.err()).toBe("");
  });

  it("-j: one indented document per target; -J: one line per target", async () => {
    const x = io();
    expect(await main(["-j", SAMPLE], x)).toBe(0);
    const doc = JSON.parse(x.out()) as Record<string, unknown>;
    expect(doc).toMatchObject({ hostname: "web01", architecture: "x86_64-linux", timezone: "Europe/Berlin", sources: { architecture: "/bin/ls", timezone: "/etc/localtime" } });
    expect(x.out().split("\n").length).toBeGreaterThan(20);
    const y = io();
    expect(await main(["-J", SAMPLE, SAMPLE], y)).toBe(0);
    const lines = y.out().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const l of lines) expect((JSON.parse(l) as { users: { name: string }[] }).users.map((u) => u.name)).toEqual(["root", "alice", "bob"]);
    await expect(main(["-j", "-J", SAMPLE], io())).rejects.toThrow(UsageError);
  });

  it("a bare collection: no answers is None, not a guess; accounts without a login shell are left out", async () => {
    const root = tmpdir();
    writeTree(root, {
      "etc/hostname": "bare\n",
      "etc/passwd": "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\nsvc:x:999:999::/srv:/bin/false\n",
      "var/log/.keep": "",
    });
    const x = io();
    expect(await main([root], x)).toBe(0);
    expect(x.out()).toMatch(/^architecture : None$/m);
    expect(x.out()).toMatch(/^timezone\s*: None$/m);
    expect(x.out()).toMatch(/^users\s*: root \(\/bin\/sh\)$/m);
    // nothing applies is no news by default; -v says why
    expect(x.err()).toBe("");
    const v = io();
    expect(await main(["-v", root], v)).toBe(0);
    expect(v.err()).toMatch(/architecture: not applicable: none of \/bin\/ls/);
  });

  it("a time zone warning is the target's, shown under warnings; -q keeps stderr for errors", async () => {
    const root = tmpdir();
    writeTree(root, { "etc/hostname": "tz\n", "etc/os-release": "NAME=Debian\n", "etc/timezone": "Mars/Olympus_Mons\n", "var/log/x": "" });
    fs.symlinkSync("/usr/share/zoneinfo/Nowhere/At_All", path.join(root, "etc/localtime"));
    const x = io();
    expect(await main(["-q", root], x)).toBe(0);
    expect(x.err()).toBe("");
    expect(x.out()).toMatch(/^warnings\s*: [1-9]/m);
    expect(x.out()).toMatch(/^ {2}- timezone: .*not in the target/m);
  });

  it("a target that cannot be opened: exit 1, the others described", async () => {
    const x = io();
    expect(await main([path.join(tmpdir(), "missing"), SAMPLE], x)).toBe(1);
    expect(x.err()).toMatch(/^error: .*missing: path does not exist/m);
    expect(x.out()).toMatch(/^hostname\s*: web01$/m);
  });
});
