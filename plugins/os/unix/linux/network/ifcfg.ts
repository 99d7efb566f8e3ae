// Red Hat's network-scripts: /etc/sysconfig/network-scripts/ifcfg-* (initscripts' ifcfg format, shell
// assignments KEY=value, quoted or not). DEVICE/NAME, TYPE, ONBOOT, BOOTPROTO (none/static/dhcp/bootp),
// IPADDR[n] with PREFIX[n] or NETMASK[n], GATEWAY, DNS1…, DOMAIN (the search list), HWADDR/MACADDR, VLAN_ID,
// IPV6ADDR (+ IPV6ADDR_SECONDARIES), IPV6_DEFAULTGW, DHCPV6C, IPV6_AUTOCONF.
import type { FunctionContext, Target } from "quarry";
import { cidr, filesIn, found, ip, prefixOfNetmask, readConfigText, record, type Rec } from "./common.js";

export const IFCFG_DIR = "/etc/sysconfig/network-scripts";

/** KEY=value lines: a value in single or double quotes keeps its text; a line that is no assignment is a problem. */
export function parseShellVars(text: string, problem: (line: number, m: string) => void): Map<string, { value: string; line: number }> {
  const out = new Map<string, { value: string; line: number }>();
  text.split("\n").forEach((raw, i) => {
    const s = raw.replace(/\r$/, "").trim();
    if (s === "" || s.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(s);
    if (!m) return problem(i + 1, "not a KEY=value line; skipped");
    let v = m[2]!;
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) v = v.slice(1, -1);
    else if (q === '"' || q === "'") problem(i + 1, `${m[1]}: a quote not closed; read as written`);
    else v = v.replace(/\s+#.*$/, "").trim();
    out.set(m[1]!, { value: v, line: i + 1 });
  });
  return out;
}

export function* ifcfgInterfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  for (const file of filesIn(t, ctx, IFCFG_DIR, (n) => n.startsWith("ifcfg-") && !/(~|\.bak|\.orig|\.rpmnew|\.rpmsave|\.old)$/.test(n))) {
    const text = readConfigText(t, ctx, file);
    if (text === null) continue;
    const vars = parseShellVars(text, (line, m) => ctx.warn({ message: `line ${line}: ${m}`, file }));
    const get = (k: string): string | null => vars.get(k)?.value ?? null;
    const w = (k: string) => (m: string) => ctx.warn({ message: `line ${vars.get(k)?.line ?? 0}: ${m}`, file });
    const f = found(get("DEVICE") ?? get("NAME") ?? file.slice(IFCFG_DIR.length + 7));
    f.type = get("TYPE")?.toLowerCase() ?? (get("VLAN") === "yes" ? "vlan" : null);
    const onboot = get("ONBOOT");
    f.enabled = onboot === null ? null : /^(yes|y|true|1)$/i.test(onboot);
    const proto = get("BOOTPROTO")?.toLowerCase() ?? null;
    f.method = proto;
    f.dhcp_ipv4 = proto === "dhcp" || proto === "bootp";
    f.dhcp_ipv6 = /^(yes|y)$/i.test(get("DHCPV6C") ?? "") || /^(yes|y)$/i.test(get("IPV6_AUTOCONF") ?? "");
    for (const suffix of ["", ...Array.from({ length: 256 }, (_, i) => String(i))]) {
      const a = get(`IPADDR${suffix}`);
      if (a === null) continue;
      const prefix = get(`PREFIX${suffix}`);
      const mask = get(`NETMASK${suffix}`);
      const p = prefix ?? (mask !== null ? prefixOfNetmask(mask) : null);
      if (mask !== null && prefix === null && p === null) w(`NETMASK${suffix}`)(`NETMASK${suffix} ${JSON.stringify(mask)} is not a netmask`);
      const c = cidr(p === null ? a : `${a}/${p}`, w(`IPADDR${suffix}`), `IPADDR${suffix}`);
      if (c !== null) f.cidr.push(c);
    }
    for (const k of ["IPV6ADDR", "IPV6ADDR_SECONDARIES"]) {
      for (const a of (get(k) ?? "").split(/\s+/).filter(Boolean)) {
        const c = cidr(a, w(k), k);
        if (c !== null) f.cidr.push(c);
      }
    }
    for (const k of ["GATEWAY", "IPV6_DEFAULTGW"]) {
      const g = get(k);
      const a = g === null ? null : ip(g, w(k), k);
      if (a !== null) f.gateway.push(a);
    }
    for (let n = 1; n <= 16; n++) {
      const d = get(`DNS${n}`);
      const a = d === null ? null : ip(d, w(`DNS${n}`), `DNS${n}`);
      if (a !== null) f.dns.push(a);
    }
    f.dns_search.push(...(get("DOMAIN") ?? "").split(/\s+/).filter(Boolean));
    for (const k of ["HWADDR", "MACADDR"]) if (get(k)) f.mac.push(get(k)!);
    const vid = get("VLAN_ID") ?? (/\.(\d{1,4})$/.exec(f.name ?? "")?.[1] ?? null);
    if (f.type === "vlan" && vid !== null && /^\d{1,4}$/.test(vid)) f.vlan.push(Number(vid));
    yield record(f, "ifcfg", file);
  }
}
