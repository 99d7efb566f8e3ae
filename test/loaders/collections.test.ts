// Collection layouts over the tar index (and extracted directories): UAC, acquire, detection order, -L.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findLoader, LOADERS } from "../../loaders/index.js";
import { hostnameFromUacName } from "../../loaders/uac.js";
import { entry, gzip, scratch, tar } from "../fs/tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
afterAll(() => s.cleanup());

function uacTar(prefix: string, opts: { hostnameFile?: boolean; etcHostname?: boolean } = {}): Buffer {
  return tar(
    entry({ name: `${prefix}[root]/`, flag: "5" }),
    entry({ name: `${prefix}[root]/etc/os-release`, data: "ID=ubuntu\n" }),
    ...(opts.etcHostname ? [entry({ name: `${prefix}[root]/etc/hostname`, data: "frometc\n" })] : []),
    entry({ name: `${prefix}[root]/var/log/wtmp`, data: "wtmp" }),
    entry({ name: `${prefix}[root]/etc/nfs/exports`, data: "/srv *(ro)\n" }),
    entry({ name: `${prefix}uac.log`, data: "UAC log\n" }),
    ...(opts.hostnameFile ? [entry({ name: `${prefix}live_response/network/hostname.txt`, data: "\nlivehost\n" })] : []),
    entry({ name: `${prefix}live_response/process/ps.txt`, data: "PID CMD\n" }),
    entry({ name: `${prefix}bodyfile/bodyfile.txt`, data: "0|/etc|...\n" }),
  );
}

describe("UAC", () => {
  for (const prefix of ["", "./", "/"]) {
    it(`'${prefix}[root]/' members: [root] is /, the rest under /$uac$/`, async () => {
      const p = s.file(`uac-srv-db-01-linux-20240101120000${prefix.replace(/\W/g, "x")}.tar.gz`, gzip(uacTar(prefix, { hostnameFile: true })));
      const t = await openTarget(p);
      expect(t.loader).toBe("uac");
      expect(t.fs.readText("/etc/nfs/exports")).toBe("/srv *(ro)\n");
      expect(t.fs.readText("/var/log/wtmp")).toBe("wtmp");
      expect(t.fs.readdir("/")).toEqual(["$uac$", "etc", "var"]);
      expect(t.fs.readText("/$uac$/uac.log")).toBe("UAC log\n");
      expect(t.fs.readText("/$uac$/live_response/process/ps.txt")).toBe("PID CMD\n");
      expect(t.fs.readdir("/$uac$")).toEqual(["bodyfile", "live_response", "uac.log"]);
      expect(t.hostname).toBe("livehost");
      expect(t.warnings).toEqual([]);
      t.close();
    });
  }

  it("hostname: /etc/hostname first, then live_response, then the archive name", async () => {
    const a = await openTarget(s.file("uac-namehost-linux-20240101120000.tar", uacTar("./", { etcHostname: true, hostnameFile: true })));
    expect(a.hostname).toBe("frometc");
    a.close();
    const b = await openTarget(s.file("uac-name-host-linux-20240101120000.tar", uacTar("./")));
    expect(b.hostname).toBe("name-host");
    b.close();
    const c = await openTarget(s.file("collection.tar", uacTar("./")));
    expect(c.hostname).toBeNull();
    c.close();
  });

  it("parses uac-HOST-OS-YYYYMMDDhhmmss names", () => {
    expect(hostnameFromUacName("/x/uac-web-01.example-linux-20240315101112.tar.gz")).toBe("web-01.example");
    expect(hostnameFromUacName("uac-h-aix-20240315101112.tar")).toBe("h");
    expect(hostnameFromUacName("uac-h-aix-2024.tar")).toBeUndefined();
    expect(hostnameFromUacName("collection.tar.gz")).toBeUndefined();
  });

  it("an extracted UAC directory", async () => {
    const d = path.join(s.dir, "uac-extracted");
    fs.mkdirSync(path.join(d, "[root]/etc"), { recursive: true });
    fs.mkdirSync(path.join(d, "[root]/var/log"), { recursive: true });
    fs.mkdirSync(path.join(d, "live_response/network"), { recursive: true });
    fs.writeFileSync(path.join(d, "[root]/etc/os-release"), "ID=debian\n");
    fs.writeFileSync(path.join(d, "uac.log"), "log\n");
    fs.writeFileSync(path.join(d, "live_response/network/hostname.txt"), "dirhost\n");
    expect(findLoader(d)?.name).toBe("uac");
    const t = await openTarget(d);
    expect(t.loader).toBe("uac");
    expect(t.hostname).toBe("dirhost");
    expect(t.fs.readText("/etc/os-release")).toBe("ID=debian\n");
    expect(t.fs.readText("/$uac$/uac.log")).toBe("log\n");
    expect(t.fs.readdir("/$uac$")).toEqual(["live_response", "uac.log"]);
    expect(t.fs.exists("/$uac$/[root]/etc/os-release")).toBe(false);
    t.close();
  });

  it("-L uac forces the layout on an archive", async () => {
    const p = s.file("forced.tar", uacTar(""));
    const t = await openTarget(p, { loader: "uac" });
    expect(t.loader).toBe("uac");
    expect(t.fs.isFile("/etc/os-release")).toBe(true);
    t.close();
  });
});

describe("acquire", () => {
  const acq = (): Buffer =>
    tar(
      entry({ name: "fs/$rootfs$/etc/nfs/exports", data: "/export *(rw)\n" }),
      entry({ name: "fs/$rootfs$/sys/fs/cgroup/cgroup.controllers", data: "cpu\n" }),
      entry({ name: "fs/$rootfs$/etc/hostname", data: "acqhost\n" }),
      entry({ name: "fs/$rootfs$/var/log/fs/x", data: "x\n" }),
      entry({ name: "fs/boot/grub/grub.cfg", data: "grub\n" }),
      entry({ name: "$metadata$/fs/$rootfs$/etc/hostname-stat.json", data: "{}\n" }),
    );

  it("fs/$rootfs$/etc/nfs/exports reads back at exactly /etc/nfs/exports (only the leading prefix is stripped)", async () => {
    const t = await openTarget(s.file("acquire.tar.gz", gzip(acq())));
    expect(t.loader).toBe("acquire");
    expect(t.fs.readText("/etc/nfs/exports")).toBe("/export *(rw)\n");
    expect(t.fs.readText("/sys/fs/cgroup/cgroup.controllers")).toBe("cpu\n");
    expect(t.fs.readText("/var/log/fs/x")).toBe("x\n");
    expect(t.fs.exists("/etc/nexports")).toBe(false);
    expect(t.fs.readText("/$fs$/boot/grub/grub.cfg")).toBe("grub\n");
    expect(t.fs.readText("/$acquire$/$metadata$/fs/$rootfs$/etc/hostname-stat.json")).toBe("{}\n");
    expect(t.hostname).toBe("acqhost");
    t.close();
  });

  it("./fs/ and /fs/ spellings, and sysvol/", async () => {
    const t = await openTarget(s.file("acq2.tar", tar(entry({ name: "./fs/$rootfs$/etc/hostname", data: "a\n" }), entry({ name: "/fs/$rootfs$/var/x", data: "v" }))));
    expect(t.fs.readText("/etc/hostname")).toBe("a\n");
    expect(t.fs.readText("/var/x")).toBe("v");
    t.close();
    const w = await openTarget(s.file("acq3.tar", tar(entry({ name: "sysvol/windows/system32/config/SYSTEM", data: "regf" }), entry({ name: "fs/D:/data.txt", data: "d" }))));
    expect(w.fs.readText("/windows/system32/config/SYSTEM")).toBe("regf");
    expect(w.fs.readText("/$fs$/D:/data.txt")).toBe("d");
    w.close();
  });

  it("an extracted acquire directory", async () => {
    const d = path.join(s.dir, "acq-extracted");
    fs.mkdirSync(path.join(d, "fs/$rootfs$/etc/nfs"), { recursive: true });
    fs.writeFileSync(path.join(d, "fs/$rootfs$/etc/nfs/exports"), "e\n");
    fs.writeFileSync(path.join(d, "acquire.log"), "log\n");
    const t = await openTarget(d);
    expect(t.loader).toBe("acquire");
    expect(t.fs.readText("/etc/nfs/exports")).toBe("e\n");
    expect(t.fs.readdir("/$acquire$")).toEqual(["acquire.log"]);
    t.close();
  });
});

describe("loader selection", () => {
  it("lists the loaders in detection order with descriptions", () => {
    expect(LOADERS.map((l) => l.name)).toEqual(["memory", "uac", "acquire", "zip", "tar", "disk", "dir"]);
    for (const l of LOADERS) expect(l.description.length).toBeGreaterThan(10);
  });

  it("a path no loader takes is a clear error for that target", async () => {
    const p = s.file("notes.txt", "just text\n");
    expect(findLoader(p)).toBeUndefined();
    await expect(openTarget(p)).rejects.toThrow(/notes\.txt: no loader recognises this path/);
    await expect(openTarget(p, { loader: "tar" })).rejects.toThrow(/loader tar failed: not a tar archive/);
    await expect(openTarget(p, { loader: "nope" })).rejects.toThrow(/unknown loader "nope"/);
    const plain = s.file("plain.tar", tar(entry({ name: "etc/hostname", data: "h\n" })));
    await expect(openTarget(plain, { loader: "uac" })).rejects.toThrow(/loader uac failed: the archive does not have the uac layout/);
    await expect(openTarget(plain, { loader: "acquire" })).rejects.toThrow(/does not have the acquire layout/);
  });

  it("a plain tar without a tar extension is found by its header", async () => {
    const p = s.file("image.bin", tar(entry({ name: "etc/hostname", data: "h\n" }), entry({ name: "var/", flag: "5" })));
    expect(findLoader(p)?.name).toBe("tar");
  });
});
