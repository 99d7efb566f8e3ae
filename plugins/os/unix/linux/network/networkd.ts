// systemd-networkd: *.network files (systemd.network(5)) of /etc/systemd/network, /run/systemd/network,
// /usr/local/lib/systemd/network and /usr/lib/systemd/network (and /lib); a name in an earlier folder hides the
// same name in a later one, and the files apply in name order. [Match] Name=, MACAddress=, Type=; [Network]
// DHCP= (yes, no, ipv4, ipv6), Address=, Gateway=, DNS=, Domains=, VLAN=; [Address] Address=; [Route]
// Gateway=; [Link] MACAddress=. Drop-ins (*.network.d/*.conf) are not merged.
import type { FunctionContext, Target } from "quarry";
import { cidr, filesIn, found, ip, readConfigText, record, type Rec } from "./common.js";
import { parseIni, type IniSection } from "./ini.js";

const DIRS = ["/etc/systemd/network", "/run/systemd/network", "/usr/local/lib/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network"];

export function* networkdInterfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  const byName = new Map<string, string>();
  for (const d of DIRS) for (const p of filesIn(t, ctx, d, (n) => n.endsWith(".network"))) if (!byName.has(p.slice(d.length + 1))) byName.set(p.slice(d.length + 1), p);
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name)!;
    const text = readConfigText(t, ctx, file);
    if (text === null) continue;
    const sections = parseIni(text, (p) => ctx.warn({ message: p.message, file }));
    const all = (n: string): IniSection[] => sections.filter((s) => s.name === n);
    const vals = (n: string, key: string): { value: string; line: number }[] => all(n).flatMap((s) => s.entries.filter((e) => e.key === key));
    const words = (n: string, key: string) => vals(n, key).flatMap((e) => e.value.split(/\s+/).filter(Boolean).map((value) => ({ value, line: e.line })));
    const f = found(words("Match", "Name").map((e) => e.value).join(" ") || null);
    f.type = words("Match", "Type")[0]?.value ?? null;
    const dhcp = vals("Network", "DHCP").at(-1)?.value.toLowerCase() ?? "no";
    f.dhcp_ipv4 = dhcp === "yes" || dhcp === "ipv4" || dhcp === "true";
    f.dhcp_ipv6 = dhcp === "yes" || dhcp === "ipv6" || dhcp === "true";
    const addrs = [...words("Network", "Address"), ...words("Address", "Address")];
    f.method = f.dhcp_ipv4 || f.dhcp_ipv6 ? "dhcp" : addrs.length ? "static" : null;
    const warnAt = (line: number) => (m: string) => ctx.warn({ message: `line ${line}: ${m}`, file });
    for (const a of addrs) {
      const c = cidr(a.value, warnAt(a.line));
      if (c !== null) f.cidr.push(c);
    }
    for (const g of [...words("Network", "Gateway"), ...words("Route", "Gateway")]) {
      if (g.value === "_dhcp4" || g.value === "_ipv6ra") continue;
      const a = ip(g.value, warnAt(g.line), "gateway");
      if (a !== null) f.gateway.push(a);
    }
    for (const d of words("Network", "DNS")) {
      // DNS= takes [addr]:port%ifname#server-name too: the address is what matters here
      let v = d.value.replace(/#.*$/, "");
      const bracket = /^\[([^\]]+)\]/.exec(v);
      if (bracket) v = bracket[1]!;
      else {
        v = v.replace(/%.*$/, "");
        if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.replace(/:\d+$/, "");
      }
      const a = ip(v, warnAt(d.line), "DNS");
      if (a !== null) f.dns.push(a);
    }
    f.dns_search.push(...words("Network", "Domains").map((e) => e.value));
    for (const m of [...words("Match", "MACAddress"), ...words("Link", "MACAddress")]) f.mac.push(m.value);
    f.enabled = null;
    yield record(f, "systemd-networkd", file);
  }
}
