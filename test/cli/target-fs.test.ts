import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-fs.js";
import type { CliIO } from "../../src/cli/common.js";
import { entry, scratch, tar } from "../fs/tarbuild.js";

const s = scratch();
afterAll(() => s.cleanup());

function sink(): { w: Writable; bytes(): Buffer; text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  return { w, bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString("utf8") };
}

async function run(...argv: string[]): Promise<{ code: number; out: Buffer; stdout: string; stderr: string }> {
  const o = sink();
  const e = sink();
  const io: CliIO = { stdout: o.w, stderr: e.w, stdoutIsTTY: false };
  const code = await main(argv, io);
  return { code, out: o.bytes(), stdout: o.text(), stderr: e.text() };
}

const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
const img = s.file(
  "img.tar",
  tar(
    entry({ name: "etc/", flag: "5", mode: 0o755 }),
    entry({ name: "etc/hostname", data: "cli01\n", mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000 }),
    entry({ name: "etc/motd", flag: "2", linkname: "hostname" }),
    entry({ name: "var/log/bin.dat", data: binary, mode: 0o4755 }),
    entry({ name: "var/log/a.log", data: "a\n" }),
    entry({ name: "../evil", data: "x" }),
  ),
);

describe("target-fs", () => {
  it("ls and ls -l", async () => {
    const r = await run(img, "ls", "/etc");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("hostname\nmotd\n");
    expect(r.stderr).toMatch(/warning: .*img\.tar: member "\.\.\/evil".*'\.\.' segment; skipped/);
    const l = await run("-q", img, "ls", "-l", "/etc");
    expect(l.stderr).toBe("");
    expect(l.stdout).toBe("-rw-r--r--     0     0          6 2023-11-14 22:13:20 hostname\nlrw-r--r--     0     0          8 2023-11-14 22:13:20 motd -> hostname\n");
    expect((await run("-q", img, "ls", "-l", "/var/log/bin.dat")).stdout).toMatch(/^-rwsr-xr-x .* \/var\/log\/bin\.dat\n$/);
  });

  it("cat writes raw bytes; links are followed inside the target", async () => {
    expect((await run("-q", img, "cat", "/var/log/bin.dat")).out.equals(binary)).toBe(true);
    expect((await run("-q", img, "cat", "/etc/motd")).stdout).toBe("cli01\n");
  });

  it("stat, walk, find", async () => {
    const st = await run("-q", img, "stat", "/etc/motd");
    expect(st.stdout).toMatch(/type: symlink/);
    expect(st.stdout).toMatch(/link: hostname/);
    expect((await run("-q", img, "walk", "/")).stdout).toBe("/etc\n/etc/hostname\n/etc/motd\n/var\n/var/log\n/var/log/a.log\n/var/log/bin.dat\n");
    expect((await run("-q", img, "find", "/var/**/*.log")).stdout).toBe("/var/log/a.log\n");
  });

  it("errors: missing path (exit 1), no loader (exit 3), usage (throws)", async () => {
    const r = await run("-q", img, "cat", "/nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ENOENT.*\/nope/);
    const d = await run("-q", img, "cat", "/etc");
    expect(d.stderr).toMatch(/EISDIR/);
    const nt = await run(s.file("x.txt", "hi"), "ls", "/");
    expect(nt.code).toBe(3);
    expect(nt.stderr).toMatch(/no loader recognises this path/);
    await expect(run(img, "rm", "/")).rejects.toThrow(/unknown command/);
    expect((await run()).code).toBe(2);
    expect((await run("-h")).stdout).toMatch(/^usage: target-fs/);
    await expect(run(img, "cat")).rejects.toThrow(/needs a path/);
  });
});
