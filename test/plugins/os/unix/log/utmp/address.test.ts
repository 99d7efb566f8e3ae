// The address rule on raw bytes, and the BigInt-free IPv6 text against the BigInt one.
import { describe, expect, it } from "vitest";
import { utmpAddress } from "../../../../../../plugins/os/unix/log/utmp/address.js";
import { formatIpv6, formatIpv6Bytes, ipv6FromBytes } from "../../../../../../src/records/ip.js";

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.padEnd(32, "0"), "hex"));

describe("utmpAddress", () => {
  it.each([
    ["", "localhost", null],
    ["c6336417", "198.51.100.23", "198.51.100.23"],
    ["13370001", "1337:1::", "1337:1::"],
    ["13370001", "other.example", "19.55.0.1"],
    ["20010db8", "six.example.net", "32.1.13.184"],
    ["00000000000000000000ffffcb007109", "203.0.113.9", "203.0.113.9"],
    ["20010db8001f00000000000000000005", "", "2001:db8:1f::5"],
    ["0a000002", "10.0.0.1", "10.0.0.2"],
  ])("%s with host %s → %s", (bytes, host, want) => {
    expect(utmpAddress(hex(bytes), host)).toBe(want);
    const shifted = new Uint8Array(40);
    shifted.set(hex(bytes), 20);
    expect(utmpAddress(shifted, host, 20)).toBe(want);
  });

  it("formatIpv6Bytes equals formatIpv6 on 20000 random sparse addresses", () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 20000; k++) {
      const b = new Uint8Array(16);
      for (let i = 0; i < 16; i++) b[i] = rnd() < 0.6 ? 0 : Math.floor(rnd() * 256);
      expect(formatIpv6Bytes(b, 0)).toBe(formatIpv6(ipv6FromBytes(b)));
    }
  });
});
