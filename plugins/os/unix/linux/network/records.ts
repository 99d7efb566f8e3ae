// The network records: dissect's unix/network/interface (UnixInterfaceRecord; cidr as text, quarry has no
// net.ipinterface type), /etc/hosts entries and resolv.conf settings.
import { defineRecord } from "quarry";

export const InterfaceRecord = defineRecord("unix/network/interface", {
  name: "string",
  // ethernet, wifi, bond, bridge, vlan, loopback, … where the configuration says; null when it does not
  type: "string",
  // configured to come up at boot (ifupdown auto/allow-hotplug, ONBOOT, autoconnect); null when unknown
  enabled: "boolean",
  // static, dhcp, manual, loopback, auto, link-local, … as the configurator names it
  method: "string",
  // addresses with their prefix, "192.0.2.10/24"; an address without a prefix keeps none
  cidr: "string[]",
  gateway: "net.ipaddress[]",
  dns: "net.ipaddress[]",
  dns_search: "string[]",
  mac: "string[]",
  dhcp_ipv4: "boolean",
  dhcp_ipv6: "boolean",
  last_connected: "datetime",
  vlan: "varint[]",
  // ifupdown, netplan, NetworkManager, ifcfg, systemd-networkd
  configurator: "string",
  filepath: "path",
});

export const HostsRecord = defineRecord("unix/network/hosts", {
  ip: "net.ipaddress",
  // the canonical name first, then the aliases, as getent hosts prints them
  hostnames: "string[]",
  comment: "string",
  lineno: "varint",
  filepath: "path",
});

export const ResolvRecord = defineRecord("unix/network/resolv", {
  // nameserver, search, domain, options, sortlist
  setting: "string",
  values: "string[]",
  lineno: "varint",
  filepath: "path",
});
