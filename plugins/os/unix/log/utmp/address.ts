import { formatIpv6, formatIpv6Bytes, ipv6FromBytes, parseIpv6 } from "quarry";
// The project's address rule (specs/utmp.md §3): ut_addr_v6 holds network-order bytes; IPv4 in bytes 0–3.
//   all 16 bytes zero           → null (no address; utmpdump and last print 0.0.0.0)
//   v4-mapped ::ffff:a.b.c.d    → a.b.c.d (as last -i does)
//   bytes 4–15 zero             → IPv4 of bytes 0–3, unless ut_host is an IPv6 literal whose 16 bytes equal the
//                                 stored ones (then that IPv6: `1337:1::`)
//   otherwise                   → IPv6
// ut_host is never rewritten from the address, nor the address from ut_host.

/** The address of the 16 bytes at `at` in `a` (ut_addr_v6), by the rule above. */
export function utmpAddress(a: Uint8Array, host: string, at = 0): string | null {
  let tailZero = true;
  for (let i = at + 4; i < at + 16; i++) {
    if (a[i] !== 0) {
      tailZero = false;
      break;
    }
  }
  if (tailZero) {
    if (a[at] === 0 && a[at + 1] === 0 && a[at + 2] === 0 && a[at + 3] === 0) return null;
    if (host.includes(":")) {
      const h = parseIpv6(host);
      if (h !== null && h === ipv6FromBytes(a, at)) return formatIpv6(h);
    }
    return `${a[at]}.${a[at + 1]}.${a[at + 2]}.${a[at + 3]}`;
  }
  let mapped = a[at + 10] === 0xff && a[at + 11] === 0xff;
  for (let i = at; mapped && i < at + 10; i++) if (a[i] !== 0) mapped = false;
  if (mapped) return `${a[at + 12]}.${a[at + 13]}.${a[at + 14]}.${a[at + 15]}`;
  return formatIpv6Bytes(a, at);
}
