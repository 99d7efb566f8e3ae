import { describe, expect, it } from "vitest";
import { encodeStream } from "../../src/records/stream/writer.js";
import { GOLDEN_HEX, GoldenDescriptor, goldenRecord } from "./golden.js";

describe("flow.record stream writer", () => {
  it("computes flow.record's descriptor hash", () => {
    expect(GoldenDescriptor.hash).toBe(0x7542e4cf);
  });

  it("writes Python's golden vector byte for byte", () => {
    const bytes = encodeStream([goldenRecord()]);
    expect(bytes.length).toBe(223);
    expect(Buffer.from(bytes).toString("hex")).toBe(GOLDEN_HEX);
  });

  it("sends the header once and each descriptor once, before its first record", () => {
    const bytes = Buffer.from(encodeStream([goldenRecord(), goldenRecord()]));
    const one = Buffer.from(GOLDEN_HEX, "hex");
    const recordFrame = one.subarray(one.length - 96);
    expect(bytes.length).toBe(223 + 96);
    expect(bytes.subarray(223).equals(recordFrame)).toBe(true);
  });

  it("writes a valid empty stream (header only)", () => {
    expect(Buffer.from(encodeStream([])).toString("hex")).toBe(GOLDEN_HEX.slice(0, 38));
  });
});
