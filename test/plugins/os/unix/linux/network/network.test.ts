// interfaces, ips, etc_hosts and resolv_conf over fixtures/network/tree. /etc/hosts is checked against glibc
// (getent-hosts.tsv: `getent hosts NAME` for every name, the file bind-mounted over /etc/hosts); the interface
// values are written by hand from the fixture files and the configurators' manuals (interfaces(5), netplan's
// YAML reference, nm-settings-keyfile(5), ifcfg's sysconfig.txt, systemd.network(5)): no tool here reads them.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../../../../helpers/prng.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { file, filesOf, runPath, runTree, threeTargets, type Member } from "../../packages/helpers.js";

const TREE = path.resolve(import.meta.dirname, "../../../../../../fixtures/network/tree");
const FIX = path.dirname(TREE);

function treeFiles(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const p of fs.readdirSync(TREE, { recursive: true }) as string[]) if (fs.statSync(path.join(TREE, p)).isFile()) out[p] = fs.readFileSync(path.join(TREE, p));
  return out;
}

let members: Member[];
beforeAll(() => {
  members = filesOf(treeFiles());
});

type Iface = [string | null, string, string | null, boolean | null, string | null, string[], string[], string[], string[], string[], boolean | null, boolean | null, number[]];
// name, configurator, type, enabled, method, cidr, gateway, dns, dns_search, mac, dhcp_ipv4, dhcp_ipv6, vlan
const WANT: Iface[] = [
  ["ens3.100", "ifupdown", "vlan", true, "static", ["10.100.0.5/24"], [], [], [], ["52:54:00:ab:cd:ef"], false, null, []],
  ["lo", "ifupdown", "loopback", true, "loopback", [], [], [], [], [], false, null, []],
  ["ens3", "ifupdown", null, true, "static", ["192.0.2.10/24"], ["192.0.2.1"], ["192.0.2.53", "2001:db8::53"], ["example.internal", "corp.example.internal"], [], false, null, []],
  ["ens3", "ifupdown", null, true, "auto", [], [], [], [], [], null, true, []],
  ["eth0", "netplan", "ethernet", true, "dhcp", [], [], [], [], ["52:54:00:12:34:56"], true, false, []],
  ["eth1", "netplan", "ethernet", true, "static", ["198.51.100.7/24", "2001:db8:1::7/64", "198.51.100.8/24"], ["198.51.100.1", "2001:db8:1::1"], ["198.51.100.53", "2001:db8:1::53"], ["example.internal"], [], false, false, []],
  ["vlan42", "netplan", "vlan", true, "static", ["10.42.0.2/16"], [], [], [], [], false, false, [42]],
  ["Guest", "NetworkManager", "wifi", false, "ipv4:auto", [], [], [], [], [], true, null, []],
  ["enp1s0", "NetworkManager", "ethernet", true, "ipv4:manual ipv6:auto", ["203.0.113.20/24"], ["203.0.113.1"], ["203.0.113.53", "1.1.1.1"], ["lab.example.internal"], ["52:54:00:aa:bb:cc"], false, true, []],
  ["eth0", "ifcfg", "ethernet", true, "none", ["172.16.5.10/16", "2001:db8:5::10/64"], ["172.16.0.1", "2001:db8:5::1"], ["172.16.0.53", "172.16.0.54"], ["corp.example.internal", "example.internal"], ["52:54:00:00:00:01"], false, false, []],
  ["eth0.100", "ifcfg", "vlan", false, "dhcp", [], [], [], [], [], true, false, [100]],
  ["wan0", "systemd-networkd", null, null, "dhcp", ["100.64.1.2/30"], ["100.64.1.1", "100.64.1.254"], ["100.64.0.53", "2001:db8:9::53", "9.9.9.9"], ["~.", "wan.example"], ["52:54:00:99:88:77"], false, true, []],
];

describe("interfaces", () => {
  it("every configurator's interfaces, on dir, tar and tar.gz", async () => {
    const targets = await threeTargets(members, tmpdir());
    for (const [kind, target] of Object.entries(targets)) {
      const r = await runPath(target, "interfaces");
      expect(r.errors, kind).toEqual([]);
      expect(r.warnings, kind).toEqual([{ message: 'not named by any "source" line: ifupdown does not read it, nor does quarry', file: "/etc/network/interfaces.d/old-backup" }]);
      const got = r.records.map((x) => [x.name, x.configurator, x.type, x.enabled, x.method, x.cidr, x.gateway, x.dns, x.dns_search, x.mac, x.dhcp_ipv4, x.dhcp_ipv6, x.vlan]);
      expect(got, kind).toEqual(WANT);
      const wired = r.records.find((x) => x.name === "enp1s0")!;
      expect(String(wired.last_connected)).toBe("2024-03-05 14:00:00+00:00");
      const ips = await runPath(target, "ips");
      expect(ips.records.map((x) => x.value)).toEqual([
        "10.100.0.5, 192.0.2.10, 198.51.100.7, 2001:db8:1::7, 198.51.100.8, 10.42.0.2, 203.0.113.20, 172.16.5.10, 2001:db8:5::10, 100.64.1.2",
      ]);
    }
  });

  it("bad values: a warning naming the file and line; the rest of the interface kept", async () => {
    const r = await runTree(
      {
        "/etc/network/interfaces": "mtu 9000\niface eth0 inet static\n  address 10.0.0.300/24\n  address 10.0.0.3/33\n  gateway nope\n  netmask 255.0.255.0\n  address 10.0.0.4\nmtu 1500\niface\n",
        "/etc/sysconfig/network-scripts/ifcfg-x": "DEVICE=x\nIPADDR=10.9.9.9\nPREFIX=24\nthis is no assignment\nDNS1=10.9.9.300\n",
        "/etc/NetworkManager/system-connections/a.nmconnection": "[connection]\ntype=ethernet\ntimestamp=soon\n[ipv4]\naddress1=10.8.8.8/24,bad\nnot a key\n",
      },
      "interfaces",
    );
    expect(r.records.map((x) => [x.name, x.cidr, x.gateway])).toEqual([
      ["eth0", ["10.0.0.4"], []],
      [null, ["10.8.8.8/24"], []],
      ["x", ["10.9.9.9/24"], []],
    ]);
    expect(r.warnings.map((w) => `${w.file} ${w.message}`)).toEqual([
      '/etc/network/interfaces line 1: option "mtu" outside an iface stanza; skipped',
      '/etc/network/interfaces line 3: address "10.0.0.300/24" is not an address[/prefix]; skipped',
      '/etc/network/interfaces line 4: address "10.0.0.3/33": prefix 33 is not 0–32; skipped',
      '/etc/network/interfaces line 5: gateway "nope" is not an IP address; skipped',
      '/etc/network/interfaces line 9: "iface" needs a name, a family and a method; skipped',
      '/etc/network/interfaces iface eth0: netmask "255.0.255.0" is not a netmask; the address keeps no prefix',
      '/etc/NetworkManager/system-connections/a.nmconnection line 6: not "key=value"; skipped',
      '/etc/NetworkManager/system-connections/a.nmconnection line 5: gateway "bad" is not an IP address; skipped',
      '/etc/NetworkManager/system-connections/a.nmconnection line 3: timestamp "soon" is no date; last_connected null',
      "/etc/sysconfig/network-scripts/ifcfg-x line 4: not a KEY=value line; skipped",
      '/etc/sysconfig/network-scripts/ifcfg-x line 5: DNS1 "10.9.9.300" is not an IP address; skipped',
    ]);
  });

  it("source loops and includes outside the target stay inside it", async () => {
    const r = await runTree(
      {
        "/etc/network/interfaces": "source /etc/network/interfaces\nsource ../../../../etc/network/more\nsource-directory /etc/network/d\niface a inet dhcp\n",
        "/etc/network/more": "iface b inet dhcp\n",
        "/etc/network/d/c": "iface c inet dhcp\nsource /etc/network/interfaces\n",
      },
      "interfaces",
    );
    expect(r.records.map((x) => x.name)).toEqual(["b", "c", "a"]);
    expect(r.errors).toEqual([]);
  });

  it("absent without any configuration, hosts or resolv.conf", async () => {
    expect((await runTree({}, "interfaces")).outcome.status).toBe("absent");
  });
});

describe("etc_hosts and resolv_conf", () => {
  it("/etc/hosts as glibc resolves it: getent's address and names for every name are one entry", async () => {
    const r = await runTree({ "/etc/hosts": treeFiles()["etc/hosts"]! }, "etc_hosts");
    expect(r.warnings).toEqual([]);
    const rows = fs.readFileSync(path.join(FIX, "getent-hosts.tsv"), "utf8").split("\n").filter(Boolean);
    expect(rows.length).toBe(12);
    for (const row of rows) {
      const [name, answer] = row.split("\t");
      const [addr, ...names] = answer!.trim().split(/\s+/);
      const hit = r.records.find((x) => x.ip === addr && JSON.stringify(x.hostnames) === JSON.stringify(names));
      expect(hit, `${name} → ${answer}`).toBeDefined();
      expect(hit!.hostnames).toContain(name);
    }
    expect(r.records.find((x) => x.ip === "198.51.100.23")!.comment).toBe("pinned");
  });

  it("resolv.conf settings, a fourth nameserver noted, junk warned", async () => {
    const r = await runTree({ "/etc/resolv.conf": `${treeFiles()["etc/resolv.conf"]!.toString()}nameserver 300.1.1.1\nbogus x\n` }, "resolv_conf");
    expect(r.records.map((x) => [x.setting, x.values, x.lineno])).toEqual([
      ["search", ["example.internal", "corp.example.internal"], 2],
      ["nameserver", ["192.0.2.53"], 3],
      ["nameserver", ["2001:db8::53"], 4],
      ["nameserver", ["192.0.2.54"], 5],
      ["nameserver", ["192.0.2.55"], 6],
      ["options", ["edns0", "trust-ad"], 7],
    ]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      "line 6: a fourth nameserver: glibc uses only the first 3 (MAXNS)",
      'line 8: nameserver "300.1.1.1" is not an IP address; skipped',
      'line 9: "bogus" is no resolv.conf setting; skipped',
    ]);
  });
});

describe("seeded damage of every parser", () => {
  it("corrupted and cut configuration files give records and warnings, never an error or exception", async () => {
    const files = treeFiles();
    const rand = prng(0x7e7);
    for (let i = 0; i < 15; i++) {
      const tree: Record<string, ReturnType<typeof file>> = {};
      for (const [p, data] of Object.entries(files)) {
        const b = Buffer.from(data.subarray(0, i % 3 === 0 ? Math.floor(rand() * data.length) : data.length));
        for (let k = 0; k < 4; k++) b[Math.floor(rand() * b.length)] = Buffer.from("=[]:#;\\ \n\t-{}x\"'")[Math.floor(rand() * 17)]!;
        tree[`/${p}`] = file(b);
      }
      for (const fn of ["interfaces", "etc_hosts", "resolv_conf", "ips"]) {
        const r = await runTree(tree, fn);
        expect(r.errors, `${i} ${fn}`).toEqual([]);
        expect(r.outcome.status).toBe("ok");
      }
    }
  });
});
