// NetworkManager's keyfiles (nm-settings-keyfile(5)): /etc/NetworkManager/system-connections/*, and those of
// /usr/lib and /run. [connection] id, uuid, type, interface-name, autoconnect (default true), timestamp (the
// last successful activation, epoch seconds); [ethernet]/[wifi] mac-address; [ipv4]/[ipv6] method (auto is
// DHCP/SLAAC), addressN=addr/prefix[,gateway], gateway, dns (";"-separated), dns-search; [vlan] id, parent.
import { Timestamp, type FunctionContext, type Target } from "quarry";
import { cidr, filesIn, found, ip, readConfigText, record, type Rec } from "./common.js";
import { last, parseIni, type IniSection } from "./ini.js";

const DIRS = ["/etc/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections", "/run/NetworkManager/system-connections"];
const TYPES: Record<string, string> = { "802-3-ethernet": "ethernet", "802-11-wireless": "wifi" };

export function* networkManagerInterfaces(t: Target, ctx: FunctionContext): Generator<Rec> {
  for (const dir of DIRS) {
    // NetworkManager skips backup and editor files (.bak, ~, .swp, …); it reads names without an extension too
    for (const file of filesIn(t, ctx, dir, (n) => !/(~|\.bak|\.swp|\.tmp|\.orig|\.rpmnew|\.rpmsave|\.dpkg-\w+)$/.test(n) && !n.startsWith("."))) {
      const text = readConfigText(t, ctx, file);
      if (text === null) continue;
      const sections = parseIni(text, (p) => ctx.warn({ message: p.message, file }));
      const get = (name: string): IniSection | undefined => sections.find((s) => s.name === name);
      const conn = get("connection");
      if (!conn) {
        ctx.warn({ message: "no [connection] group: not a NetworkManager keyfile", file });
        continue;
      }
      const lineWarn = (s: IniSection | undefined, key: string) => (m: string) => ctx.warn({ message: `line ${s?.entries.find((e) => e.key === key)?.line ?? s?.line ?? 0}: ${m}`, file });
      const rawType = last(conn, "type");
      const type = rawType === null ? null : (TYPES[rawType] ?? rawType);
      const f = found(last(conn, "interface-name") ?? last(conn, "id"));
      f.type = type;
      const auto = last(conn, "autoconnect");
      f.enabled = auto === null ? true : auto.toLowerCase() === "true" || auto === "1" || auto.toLowerCase() === "yes";
      const sub = get(rawType ?? "") ?? get(type ?? "");
      const mac = last(sub, "mac-address");
      if (mac) f.mac.push(mac);
      const methods: string[] = [];
      for (const fam of ["ipv4", "ipv6"]) {
        const s = get(fam);
        if (!s) continue;
        const method = last(s, "method");
        if (method) methods.push(`${fam}:${method}`);
        if (fam === "ipv4") f.dhcp_ipv4 = method === "auto";
        else f.dhcp_ipv6 = method === "auto" || method === "dhcp";
        for (const e of s.entries) {
          const w = (m: string): void => ctx.warn({ message: `line ${e.line}: ${m}`, file });
          if (/^address(es)?\d*$/.test(e.key)) {
            for (const part of e.value.split(";").filter(Boolean)) {
              const [a, gw] = part.split(",");
              const c = cidr(a!, w);
              if (c !== null) f.cidr.push(c);
              const g = gw ? ip(gw, w, "gateway") : null;
              if (g !== null) f.gateway.push(g);
            }
          } else if (e.key === "gateway") {
            const g = ip(e.value, w, "gateway");
            if (g !== null) f.gateway.push(g);
          } else if (e.key === "dns") {
            for (const a of e.value.split(/[;,]/).filter(Boolean)) {
              const d = ip(a, w, "dns");
              if (d !== null) f.dns.push(d);
            }
          } else if (e.key === "dns-search") f.dns_search.push(...e.value.split(/[;,]/).filter(Boolean));
        }
      }
      f.method = methods.join(" ") || null;
      if (type === "vlan") {
        const id = last(get("vlan"), "id");
        if (id !== null && /^\d{1,4}$/.test(id)) f.vlan.push(Number(id));
      }
      const ts = last(conn, "timestamp");
      let lastConnected: Timestamp | null = null;
      if (ts !== null) {
        lastConnected = /^\d{1,12}$/.test(ts) ? Timestamp.fromUnixInRange(Number(ts)) : null;
        if (lastConnected === null) lineWarn(conn, "timestamp")(`timestamp ${JSON.stringify(ts)} is no date; last_connected null`);
      }
      yield record(f, "NetworkManager", file, lastConnected);
    }
  }
}
