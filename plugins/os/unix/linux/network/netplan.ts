// netplan: /{lib,etc,run}/netplan/*.yaml (netplan's "network:" tree, version 2). netplan reads the files of
// the three folders in name order, a name in /run hiding it in /etc and /lib, and /etc hiding /lib; that is
// the order here. Each device definition is one record; netplan's deep merge of one device across files is
// not done (each file's definition is its own record, in the order netplan would apply them).
import type { FunctionContext, Target } from "quarry";
import { cidr, filesIn, found, ip, readConfigText, record, type Rec } from "./common.js";
import { parseYaml, type YamlMap, type YamlValue } from "./yaml.js";

const DIRS = ["/lib/netplan", "/etc/netplan", "/run/netplan"];
const KINDS: Record<string, string> = {
  ethernets: "ethernet",
  wifis: "wifi",
  bonds: "bond",
  bridges: "bridge",
  vlans: "vlan",
  tunnels: "tunnel",
  vrfs: "vrf",
  modems: "modem",
  "dummy-devices": "dummy",
  "virtual-ethernets": "veth",
};
// netplan's boolean words (its parse.c handle_generic_bool)
const TRUE = new Set(["true", "yes", "on", "y"]);
const FALSE = new Set(["false", "no", "off", "n"]);

export function netplanFiles(t: Target, ctx: FunctionContext): string[] {
  const byName = new Map<string, string>();
  for (const d of DIRS) for (const p of filesIn(t, ctx, d, (n) => n.endsWith(".yaml"))) byName.set(p.slice(d.length + 1), p);
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

const map = (v: YamlValue | undefined): YamlMap | null => (v instanceof Map ? v : null);
const list = (v: YamlValue | undefined): YamlValue[] => (Array.isArray(v) ? v : typeof v === "string" ? [v] : []);
const text = (v: YamlValue | undefined): string | null => (typeof v === "string" ? v : null);

export function* netplanInterfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  for (const file of netplanFiles(t, ctx)) {
    const src = readConfigText(t, ctx, file);
    if (src === null) continue;
    const root = parseYaml(src, (p) => ctx.warn({ message: p.message, file }));
    const network = map(map(root)?.get("network"));
    if (!network) {
      if (root !== null) ctx.warn({ message: `no "network:" mapping at the top: not a netplan file`, file });
      continue;
    }
    const warn = (m: string): void => ctx.warn({ message: m, file });
    const bool = (v: YamlValue | undefined, what: string): boolean | null => {
      const s = text(v)?.toLowerCase();
      if (s === undefined) return null;
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      warn(`${what}: ${JSON.stringify(s)} is not a boolean`);
      return null;
    };
    for (const [kind, type] of Object.entries(KINDS)) {
      const devices = map(network.get(kind));
      if (!devices) continue;
      for (const [name, def] of devices) {
        const d = map(def) ?? new Map<string, YamlValue>();
        const f = found(text(d.get("set-name")) ?? name);
        const at = `${kind}.${name}`;
        f.type = type;
        f.dhcp_ipv4 = bool(d.get("dhcp4"), `${at}.dhcp4`) ?? false;
        f.dhcp_ipv6 = bool(d.get("dhcp6"), `${at}.dhcp6`) ?? false;
        f.enabled = bool(d.get("optional"), `${at}.optional`) === true ? null : true;
        for (const a of list(d.get("addresses"))) {
          // an address is "addr/prefix", or a one-key mapping {addr/prefix: {lifetime, label}}
          const s = a instanceof Map ? ([...a.keys()][0] ?? null) : text(a);
          const c = s === null ? null : cidr(s, (m) => warn(`${at}: ${m}`));
          if (c !== null) f.cidr.push(c);
        }
        f.method = f.dhcp_ipv4 || f.dhcp_ipv6 ? "dhcp" : f.cidr.length ? "static" : "manual";
        for (const g of ["gateway4", "gateway6"]) {
          const v = text(d.get(g));
          const a = v === null ? null : ip(v, (m) => warn(`${at}.${g}: ${m}`), "gateway");
          if (a !== null) f.gateway.push(a);
        }
        for (const r of list(d.get("routes"))) {
          const rm = map(r);
          const to = text(rm?.get("to"));
          const via = text(rm?.get("via"));
          if (via !== null && (to === "default" || to === "0.0.0.0/0" || to === "::/0")) {
            const a = ip(via, (m) => warn(`${at}.routes: ${m}`), "via");
            if (a !== null) f.gateway.push(a);
          }
        }
        const ns = map(d.get("nameservers"));
        for (const a of list(ns?.get("addresses"))) {
          const v = text(a);
          const x = v === null ? null : ip(v, (m) => warn(`${at}.nameservers: ${m}`), "nameserver");
          if (x !== null) f.dns.push(x);
        }
        for (const s of list(ns?.get("search"))) if (typeof s === "string") f.dns_search.push(s);
        const mac = text(d.get("macaddress")) ?? text(map(d.get("match"))?.get("macaddress"));
        if (mac) f.mac.push(mac);
        const id = text(d.get("id"));
        if (type === "vlan" && id !== null) {
          if (/^\d{1,4}$/.test(id)) f.vlan.push(Number(id));
          else warn(`${at}.id: ${JSON.stringify(id)} is not a VLAN id`);
        }
        yield record(f, "netplan", file);
      }
    }
  }
}
