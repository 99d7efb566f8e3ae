import { describe, expect, it } from "vitest";
import { dir, symlink } from "../src/fs/memory.js";
import { Target, targetId } from "../src/target.js";
import { targetFromTree } from "../plugins/index.js";

const linuxBase = { "/etc": dir(), "/var/log": dir(), "/run": dir() };

describe("Target: OS detection and properties", () => {
  it("Linux with /etc/hostname and os-release", () => {
    const t = targetFromTree({
      ...linuxBase,
      "/etc/hostname": "web01\n",
      "/etc/os-release": 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
    });
    expect([t.os, t.hostname, t.domain, t.version]).toEqual(["linux", "web01", null, "Debian GNU/Linux 12 (bookworm)"]);
    expect(t.osPath).toBe("os.unix.linux");
  });

  it("a dotted hostname splits into hostname and domain", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "db1.corp.example\n" });
    expect([t.hostname, t.domain]).toEqual(["db1", "corp.example"]);
  });

  it("falls back through HOSTNAME, sysconfig/network and /etc/hosts; the FQDN in hosts gives the domain", () => {
    expect(targetFromTree({ ...linuxBase, "/etc/HOSTNAME": "suse1\n" }).hostname).toBe("suse1");
    expect(targetFromTree({ ...linuxBase, "/etc/sysconfig/network": "NETWORKING=yes\nHOSTNAME=rh7.lab\n" }).hostname).toBe("rh7");
    const t = targetFromTree({
      ...linuxBase,
      "/etc/hosts": "127.0.0.1\tlocalhost\n127.0.1.1\tmail.example.org mail\n",
    });
    expect([t.hostname, t.domain]).toEqual(["mail", "example.org"]);
    const u = targetFromTree({ ...linuxBase, "/etc/hostname": "mail\n", "/etc/hosts": "127.0.1.1 mail.example.org mail\n" });
    expect([u.hostname, u.domain]).toEqual(["mail", "example.org"]);
  });

  it("never invents localhost: unknown stays null; an empty /etc/hostname is skipped", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/hostname": "\n", "/etc/hosts": "127.0.0.1 localhost\n::1 localhost ip6-localhost\n" });
    expect(t.hostname).toBe(null);
    expect(t.domain).toBe(null);
  });

  it("unix without Linux markers, and no OS at all", () => {
    const u = targetFromTree({ "/etc/hostname": "bsd\n", "/var/db": dir() });
    expect([u.os, u.osPath]).toEqual(["unix", "os.unix"]);
    const none = targetFromTree({ "/data/x": "1" });
    expect([none.os, none.osPath, none.hostname]).toEqual([null, null, null]);
  });

  it("version: the longer of DISTRIB_DESCRIPTION and NAME VERSION over /etc/*-release", () => {
    const t = targetFromTree({
      ...linuxBase,
      "/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.4 LTS\"\n",
      "/etc/os-release": 'NAME="Ubuntu"\nVERSION_ID="22.04"\n',
    });
    expect(t.version).toBe("Ubuntu 22.04.4 LTS");
    const c = targetFromTree({ ...linuxBase, "/etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\n" });
    expect(c.version).toBe("CentOS Linux release 7.9.2009 (Core)");
  });

  it("os-release reached through a symlink into /usr/lib", () => {
    const t = targetFromTree({ ...linuxBase, "/etc/os-release": symlink("../usr/lib/os-release"), "/usr/lib/os-release": "NAME=Fedora\nVERSION=40\n" });
    expect(t.version).toBe("Fedora 40");
  });

  it("target ids are stable, readable and distinguish locations", () => {
    expect(targetId("/cases/a/host.tar")).toBe(targetId("/cases/a/host.tar"));
    expect(targetId("/cases/a/host.tar")).not.toBe(targetId("/cases/b/host.tar"));
    expect(targetId("/cases/a/host.tar")).toMatch(/^host\.tar-[0-9a-f]{8}$/);
  });
});
