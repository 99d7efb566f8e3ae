// Class: non-regular files inside a target. A FIFO, a socket, a character device (/dev/zero: an endless read)
// and a block device (a disk of the ANALYSIS machine) in a directory target, and fifo/device members in a tar,
// are listed with their type and never opened for reading: `cat` gives "not a regular file (fifo)" at once
// instead of hanging, and the plugins that glob past them (/var/log/wtmp*) finish with the good files' records.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { entry, tar } from "../fs/tarbuild.js";
import { evidenceRoot, makeCanary } from "./canary.js";
import { describeRun, ROOT, runNode, runTool, type BoundedRun } from "./harness.js";

const c = makeCanary("quarry-hostile-nonreg-", 0x0f1f0);
const host = path.join(c.dir, "host");
evidenceRoot(host, "nr");
fs.copyFileSync(path.join(ROOT, "fixtures/utmp/wtmp_basic"), path.join(host, "var/log/wtmp"));
for (const f of ["var/log/fifo", "var/log/wtmp.1"]) spawnSync("mkfifo", [path.join(host, f)]);
fs.symlinkSync("../var/log/fifo", path.join(host, "etc/motd"));
fs.mkdirSync(path.join(host, "dev"));
// Device nodes need CAP_MKNOD (root); elsewhere those cases are left out.
const devices = spawnSync("mknod", [path.join(host, "dev/zero"), "c", "1", "5"]).status === 0 && spawnSync("mknod", [path.join(host, "dev/loop"), "b", "7", "0"]).status === 0;
// A unix socket exists only while it is bound: held for the file's tests.
const sockPath = path.join(host, "var/log/sock");
const server = net.createServer();
const listening = new Promise<void>((resolve) => server.listen(sockPath, resolve));
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(c.dir, { recursive: true, force: true });
});

// A read that blocks is killed at the ceiling; a refusal takes well under a second.
const CEILING = { timeoutMs: 20_000, refuseMs: 10_000, rssMb: 600 };

const tarPath = path.join(c.dir, "host.tar");
fs.writeFileSync(
  tarPath,
  tar(
    entry({ name: "etc/hostname", data: "tarhost\n" }),
    entry({ name: "var/log/", flag: "5" }),
    entry({ name: "var/log/fifo", flag: "6" }),
    entry({ name: "dev/zero", flag: "3" }),
    entry({ name: "dev/sda", flag: "4" }),
    entry({ name: "var/log/wtmp.1", flag: "1", linkname: "var/log/fifo" }),
  ),
);

function fsRun(target: string, ...args: string[]): Promise<BoundedRun> {
  return runTool("target-fs", [target, ...args], { timeoutMs: CEILING.timeoutMs });
}

function refusedQuickly(r: BoundedRun, p: string, type: string): void {
  const what = describeRun(r);
  expect(r.timedOut, what).toBe(false);
  expect(r.wallMs, what).toBeLessThan(CEILING.refuseMs);
  expect(r.peakRssMb ?? 0, what).toBeLessThan(CEILING.rssMb);
  expect(r.code, what).toBe(1);
  expect(r.stderr, what).toContain(`${p}: a ${type}, not a regular file`);
  expect(r.stdout.length, what).toBe(0);
}

describe("hostile: non-regular files in a directory target", () => {
  it("cat on a FIFO, a link to it, a socket and device nodes is refused at once, never blocks", async () => {
    await listening;
    const cases: [string, string, string][] = [
      ["/var/log/fifo", "/var/log/fifo", "fifo"],
      ["/etc/motd", "/etc/motd", "fifo"],
      ["/var/log/wtmp.1", "/var/log/wtmp.1", "fifo"],
      ["/var/log/sock", "/var/log/sock", "socket"],
      ...(devices ? ([["/dev/zero", "/dev/zero", "chardev"], ["/dev/loop", "/dev/loop", "blockdev"]] as [string, string, string][]) : []),
    ];
    const runs = await Promise.all(cases.map(([p]) => fsRun(host, "cat", p)));
    cases.forEach(([, shown, type], i) => refusedQuickly(runs[i]!, shown, type));
  });

  it("they are listed with their type (ls -l, stat, walk)", async () => {
    await listening;
    const [ls, lsDev, stat, walk] = await Promise.all([fsRun(host, "ls", "-l", "/var/log"), fsRun(host, "ls", "-l", "/dev"), fsRun(host, "stat", "/var/log/fifo"), fsRun(host, "walk", "/")]);
    expect(ls.code, describeRun(ls)).toBe(0);
    const lines = ls.stdout.toString().split("\n");
    expect(lines.find((l) => l.endsWith(" fifo"))).toMatch(/^p/);
    expect(lines.find((l) => l.endsWith(" wtmp.1"))).toMatch(/^p/);
    expect(lines.find((l) => l.endsWith(" sock"))).toMatch(/^s/);
    if (devices) {
      const dev = lsDev.stdout.toString().split("\n");
      expect(dev.find((l) => l.endsWith(" zero"))).toMatch(/^c/);
      expect(dev.find((l) => l.endsWith(" loop"))).toMatch(/^b/);
    }
    expect(stat.stdout.toString()).toContain("type: fifo");
    expect(walk.code, describeRun(walk)).toBe(0);
    expect(walk.stdout.toString().split("\n")).toEqual(expect.arrayContaining(["/var/log/fifo", "/var/log/sock", "/var/log/wtmp.1"]));
  });

  it("a plugin globbing /var/log/wtmp* past a FIFO finishes with the regular file's records", async () => {
    const r = await runTool("target-query", ["-f", "wtmp,users,hostname", "-j", host], { timeoutMs: CEILING.timeoutMs });
    const what = describeRun(r);
    expect(r.timedOut, what).toBe(false);
    expect(r.wallMs, what).toBeLessThan(CEILING.refuseMs);
    expect(r.code, what).toBe(0);
    const wtmp = r.stdout.toString().split("\n").filter((l) => l.includes('"linux/log/wtmp"') && l.includes('"_type": "record"'));
    expect(wtmp.length, what).toBeGreaterThan(0);
    expect(wtmp.every((l) => l.includes('"filepath": "/var/log/wtmp"'))).toBe(true);
  });

  it("DirectoryBackend.open: the lstat refuses, and a FIFO swapped in after it is caught by the fstat (O_NONBLOCK: no wait)", async () => {
    // In a child with a ceiling: a blocking open of a FIFO would hang this process where no test timeout reaches.
    const script = `
      import fs from "node:fs";
      const { DirectoryBackend } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "dist/src/fs/dir.js")).href)});
      const b = new DirectoryBackend(${JSON.stringify(host)});
      const out = {};
      const attempt = (k, p) => { try { b.open(p).close(); out[k] = "opened"; } catch (e) { out[k] = e.message; } };
      attempt("plain", "/var/log/fifo");
      // The race: lstat says "regular file" (the FIFO was swapped in after it), the open meets the FIFO.
      const real = fs.lstatSync, regular = real(${JSON.stringify(path.join(host, "etc/passwd"))});
      let faked = 0;
      fs.lstatSync = (p, o) => (String(p).endsWith("/var/log/fifo") ? (faked++, regular) : real(p, o));
      attempt("race", "/var/log/fifo");
      fs.lstatSync = real;
      attempt("file", "/etc/hostname");
      console.log(JSON.stringify({ ...out, faked }));
    `;
    const r = await runNode(["--input-type=module", "-e", script], { timeoutMs: CEILING.timeoutMs });
    const what = describeRun(r);
    expect(r.timedOut, what).toBe(false);
    expect(r.wallMs, what).toBeLessThan(CEILING.refuseMs);
    expect(r.code, what).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      plain: "EINVAL: not a regular file (fifo): /var/log/fifo",
      race: "EINVAL: not a regular file (fifo): /var/log/fifo",
      file: "opened",
      faked: 1,
    });
  });
});

describe("hostile: fifo and device members of a tar", () => {
  it("are listed with their type and refused when read", async () => {
    const [fifo, zero, sda, hard, ls] = await Promise.all([
      fsRun(tarPath, "cat", "/var/log/fifo"),
      fsRun(tarPath, "cat", "/dev/zero"),
      fsRun(tarPath, "cat", "/dev/sda"),
      fsRun(tarPath, "cat", "/var/log/wtmp.1"),
      fsRun(tarPath, "ls", "-l", "/dev"),
    ]);
    refusedQuickly(fifo, "/var/log/fifo", "fifo");
    refusedQuickly(zero, "/dev/zero", "chardev");
    refusedQuickly(sda, "/dev/sda", "blockdev");
    refusedQuickly(hard, "/var/log/wtmp.1", "fifo");
    const dev = ls.stdout.toString().split("\n");
    expect(dev.find((l) => l.endsWith(" zero"))).toMatch(/^c/);
    expect(dev.find((l) => l.endsWith(" sda"))).toMatch(/^b/);
  });

  it("target-fs tar copies a FIFO as a fifo member and names every device it leaves out (exit 1), never opening either", async () => {
    const r = await fsRun(tarPath, "tar", "/");
    expect(r.timedOut, describeRun(r)).toBe(false);
    expect(r.wallMs, describeRun(r)).toBeLessThan(CEILING.refuseMs);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toContain("target-fs: tar: /dev/zero: a chardev, which this export does not write");
    expect(r.stderr).toContain("target-fs: tar: /dev/sda: a blockdev, which this export does not write");
    const flags = new Map<string, string>();
    for (let off = 0; off + 512 <= r.stdout.length; ) {
      const h = r.stdout.subarray(off, off + 512);
      if (h.every((b) => b === 0)) break;
      const name = h.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
      const size = parseInt(h.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
      flags.set(name, String.fromCharCode(h[156]!));
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(flags.get("var/log/fifo")).toBe("6");
    expect(flags.has("dev/zero")).toBe(false);
  });
});
