// net.ipaddress values are kept as their canonical text (what Python's ipaddress prints); the binary stream
// needs the integer, which these helpers give.

export interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}

export function parseIp(text: string): ParsedIp | null {
  if (text.includes(":")) {
    const v6 = parseIpv6(text);
    return v6 === null ? null : { version: 6, value: v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { version: 4, value: BigInt(v4) };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== null;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    // Python rejects leading zeros ("010") as ambiguous; so do we.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

export function parseIpv6(text: string): bigint | null {
  let s = text;
  const pct = s.indexOf("%");
  if (pct >= 0) return null; // scoped addresses are not plain net.ipaddress values
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [(v4 >>> 16) & 0xffff, v4 & 0xffff];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith("::")) s = s.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === "") return [];
    const out: number[] = [];
    for (const g of h.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]!);
  if (head === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]!);
    if (rest === null) return null;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    groups = [...head, ...tail];
    if (groups.length !== 8) return null;
  }
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

export function formatIpv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 / Python ipaddress: lowercase, no leading zeros, the longest run (>= 2) of zero groups as "::". */
export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  return formatGroups(groups);
}

/** The same text from 16 network-order bytes, without BigInt (it runs once per login record). */
export function formatIpv6Bytes(b: Uint8Array, at = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!);
  return formatGroups(groups);
}

function formatGroups(g: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (x: number): string => x.toString(16);
  if (bestLen < 2) return g.map(hex).join(":");
  return `${g.slice(0, bestStart).map(hex).join(":")}::${g.slice(bestStart + bestLen).map(hex).join(":")}`;
}

export function formatIp(ip: ParsedIp): string {
  return ip.version === 4 ? formatIpv4(Number(ip.value)) : formatIpv6(ip.value);
}

/** Canonical text of an address given as text (e.g. "2001:DB8:0:0::1" → "2001:db8::1"), or null if it is not one. */
export function canonicalIp(text: string): string | null {
  const p = parseIp(text);
  return p ? formatIp(p) : null;
}

/** 16 network-order bytes → IPv6 integer. */
export function ipv6FromBytes(b: Uint8Array, offset = 0): bigint {
  let v = 0n;
  for (let i = 0; i < 16; i++) v = (v << 8n) | BigInt(b[offset + i]!);
  return v;
}
