import { describe, expect, it } from "vitest";
import { canonicalIp, formatIpv6, parseIp, ipv6FromBytes } from "../../src/records/ip.js";
import { Timestamp } from "../../src/records/timestamp.js";

describe("Timestamp", () => {
  it("keeps microseconds and formats like Python's isoformat", () => {
    const t = Timestamp.fromUnix(1709539200, 123456);
    expect(t.isoformat()).toBe("2024-03-04T08:00:00.123456+00:00");
    expect(t.toString()).toBe("2024-03-04 08:00:00.123456+00:00");
    expect(Timestamp.fromUnix(0).isoformat()).toBe("1970-01-01T00:00:00+00:00");
    expect(Timestamp.fromUnix(-1).isoformat()).toBe("1969-12-31T23:59:59+00:00");
    expect(Timestamp.fromUnix(4294967295).isoformat()).toBe("2106-02-07T06:28:15+00:00");
  });
  it("micro arithmetic is exact", () => {
    expect(Timestamp.fromMicros(1709539200123456n).micros).toBe(123456);
    expect(Timestamp.fromMicros(-1n).isoformat()).toBe("1969-12-31T23:59:59.999999+00:00");
    expect(Timestamp.fromUnix(1.5).micros).toBe(500000);
  });
  it("parses ISO with offsets and nanoseconds", () => {
    expect(Timestamp.parse("2024-01-02T05:04:05.1234567+02:00").isoformat()).toBe("2024-01-02T03:04:05.123456+00:00");
    expect(Timestamp.parse("2024-01-02 03:04:05Z").parts()).toEqual([2024, 1, 2, 3, 4, 5, 0]);
  });
});

describe("IP addresses", () => {
  it("formats IPv6 as Python's ipaddress does", () => {
    expect(canonicalIp("2001:0DB8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(canonicalIp("1337:1::")).toBe("1337:1::");
    expect(canonicalIp("1:0:0:2:0:0:0:3")).toBe("1:0:0:2::3");
    expect(canonicalIp("::ffff:203.0.113.9")).toBe("::ffff:cb00:7109");
    expect(canonicalIp("::")).toBe("::");
    expect(formatIpv6(1n)).toBe("::1");
  });
  it("rejects what Python rejects", () => {
    expect(parseIp("010.1.1.1")).toBe(null);
    expect(parseIp("1.2.3")).toBe(null);
    expect(parseIp("1::2::3")).toBe(null);
    expect(parseIp("vpn-gw.example.net")).toBe(null);
    expect(parseIp(":0")).toBe(null);
  });
  it("reads 16 network-order bytes", () => {
    const b = Buffer.from("20010db8001f00000000000000000005", "hex");
    expect(formatIpv6(ipv6FromBytes(b))).toBe("2001:db8:1f::5");
    expect(parseIp("10.1.2.3")).toEqual({ version: 4, value: 0x0a010203n });
  });
});

import { defineRecord } from "../../src/records/descriptor.js";
import { recordProblems } from "../../src/records/validate.js";

describe("record validation", () => {
  const R = defineRecord("test/valid", { n: "varint", ip: "net.ipaddress", ts: "datetime", l: "string[]", filepath: "path" });
  it("accepts well-typed records and names every problem", () => {
    expect(recordProblems(R.create({ n: 2n ** 64n, ip: "10.0.0.1", ts: Timestamp.fromUnix(0), l: ["a"], filepath: null }))).toEqual([]);
    const bad = R.create({ n: 1.5, ip: "2001:DB8::1", ts: null, l: ["a"], filepath: "/x" });
    (bad as Record<string, unknown>).extra = 1;
    expect(recordProblems(bad)).toEqual([
      "test/valid.n: not an integer (number or bigint)",
      "test/valid.ip: not a canonical IP address: 2001:DB8::1",
      "test/valid: undeclared field extra",
    ]);
  });
});
