// The target's network configuration: interfaces from every configurator a Linux host may use (ifupdown,
// netplan, NetworkManager, ifcfg, systemd-networkd), the addresses they configure (`ips`, as dissect's), and
// /etc/hosts and /etc/resolv.conf. What is configured, not what was running: no DHCP lease is read.
import { absent, definePlugin, ok, type FunctionContext, type Target } from "quarry";
import { netplanFiles, netplanInterfaces } from "./netplan.js";
import { ifcfgInterfaces, IFCFG_DIR } from "./ifcfg.js";
import { ifupdownInterfaces, INTERFACES } from "./ifupdown.js";
import { networkdInterfaces } from "./networkd.js";
import { networkManagerInterfaces } from "./networkmanager.js";
import { HostsRecord, InterfaceRecord, ResolvRecord } from "./records.js";
import { hostsEntries, HOSTS, resolvEntries, RESOLV } from "./resolv.js";
import type { Rec } from "./common.js";

export function* interfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  yield* ifupdownInterfaces(t, ctx);
  yield* netplanInterfaces(t, ctx);
  yield* networkManagerInterfaces(t, ctx);
  yield* ifcfgInterfaces(t, ctx);
  yield* networkdInterfaces(t, ctx);
}

const LOOPBACK = (a: string): boolean => a.startsWith("127.") || a === "::1";

/** The configured addresses of every interface, without prefix, loopback left out, each once, in file order. */
export function targetIps(t: Target, ctx: FunctionContext): string[] {
  const out = new Set<string>();
  for (const r of interfaces(t, ctx)) for (const c of r.cidr ?? []) if (!LOOPBACK(c.split("/")[0]!)) out.add(c.split("/")[0]!);
  return [...out];
}

const CONFIG_PATHS = [
  INTERFACES,
  "/etc/network/interfaces.d/*",
  "/etc/netplan/*.yaml",
  "/lib/netplan/*.yaml",
  "/run/netplan/*.yaml",
  "/etc/NetworkManager/system-connections/*",
  `${IFCFG_DIR}/ifcfg-*`,
  "/etc/systemd/network/*.network",
];

function hasConfig(t: Target): boolean {
  return (
    t.fs.isFile(INTERFACES) ||
    netplanFiles(t, { args: {}, warn: () => {}, error: () => {} }).length > 0 ||
    ["/etc/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections", "/run/NetworkManager/system-connections", IFCFG_DIR, "/etc/systemd/network", "/run/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network"].some((d) => t.fs.isDir(d))
  );
}

export default definePlugin({
  name: "network",
  path: "os.unix.linux.network",
  description: "Configured network interfaces (ifupdown, netplan, NetworkManager, ifcfg, systemd-networkd), /etc/hosts and /etc/resolv.conf",
  paths: [...CONFIG_PATHS, HOSTS, RESOLV],
  checkCompatible: (t) => (hasConfig(t) || t.fs.isFile(HOSTS) || t.fs.isFile(RESOLV) ? ok() : absent("no network configuration, /etc/hosts or /etc/resolv.conf")),
  functions: {
    interfaces: {
      output: "records",
      description: "One record per configured interface (an ifupdown iface stanza, a netplan device, a NetworkManager connection, an ifcfg file, a .network file): addresses, gateways, DNS, MACs, DHCP",
      records: [InterfaceRecord],
      run: (t, ctx) => interfaces(t, ctx),
    },
    ips: {
      output: "value",
      description: "The target's configured IP addresses (every interface's, loopback left out), as dissect's ips",
      value: (t, ctx) => targetIps(t, ctx),
    },
    etc_hosts: {
      output: "records",
      description: "One record per entry of /etc/hosts: address, canonical name and aliases, comment",
      records: [HostsRecord],
      run: (t, ctx) => hostsEntries(t, ctx),
    },
    resolv_conf: {
      output: "records",
      description: "One record per setting of /etc/resolv.conf: nameserver, search, domain, options, sortlist",
      records: [ResolvRecord],
      run: (t, ctx) => resolvEntries(t, ctx),
    },
  },
});
