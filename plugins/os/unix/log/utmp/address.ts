// The project's address rule (specs/utmp.md §3): ut_addr_v6 holds network-order bytes; IPv4 in bytes 0–3.
//   all 16 bytes zero           → null (no address; utmpdump and last print 0.0.0.0)
//   v4-mapped ::ffff:a.b.c.d    → a.b.c.d (as last -i does)
//   bytes 4–15 zero             → IPv4 of bytes 0–3, unless ut_host is an IPv6 literal whose 16 bytes equal the
//                                 stored ones (then that IPv6: `1337:1::`)
//   otherwise                   → IPv6
// ut_host is never rewritten from the address, nor the address from ut_host.
import { formatIpv4, formatIpv6, ipv6FromBytes, parseIpv6 } from "../../../../../src/records/ip.js";

export function utmpAddress(a: Uint8Array, host: string): string | null {
  let tailZero = true;
  for (let i = 4; i < 16; i++) {
    if (a[i] !== 0) {
      tailZero = false;
      break;
    }
  }
  if (tailZero) {
    if (a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0) return null;
    if (host.includes(":")) {
      const h = parseIpv6(host);
      if (h !== null && h === ipv6FromBytes(a)) return formatIpv6(h);
    }
    return formatIpv4(((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0);
  }
  let mapped = a[10] === 0xff && a[11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) if (a[i] !== 0) mapped = false;
  if (mapped) return formatIpv4(((a[12]! << 24) | (a[13]! << 16) | (a[14]! << 8) | a[15]!) >>> 0);
  return formatIpv6(ipv6FromBytes(a));
}
