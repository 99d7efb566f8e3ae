import { describe, expect, it } from "vitest";
import { cString, decodeLenient, encodeSurrogateEscape } from "../../src/util/text.js";
import { pyBytes, pyFloat, pyStr } from "../../src/util/pyrepr.js";

describe("lenient strings (Python surrogateescape)", () => {
  it("cuts at the first NUL and keeps spaces", () => {
    expect(cString(Buffer.from("sl eep(x)\0garbage"), 0, 16)).toBe("sl eep(x)");
    expect(cString(Buffer.from("  pts/0  "), 0, 9)).toBe("  pts/0  ");
  });
  it("decodes valid UTF-8 and escapes each invalid byte as U+DC00+byte", () => {
    expect(decodeLenient(Buffer.from("ünïcødé-✓", "utf8"))).toBe("ünïcødé-✓");
    // Python: b"a\xff\xe2\x82b\xc0\xaf".decode("utf-8", "surrogateescape") == 'a\udcff\udce2\udc82b\udcc0\udcaf'
    expect(decodeLenient(Buffer.from([0x61, 0xff, 0xe2, 0x82, 0x62, 0xc0, 0xaf]))).toBe("a\udcff\udce2\udc82b\udcc0\udcaf");
    // an encoded surrogate (ED A0 80) is invalid UTF-8 in Python too
    expect(decodeLenient(Buffer.from([0xed, 0xa0, 0x80]))).toBe("\udced\udca0\udc80");
  });
  it("round-trips raw bytes exactly", () => {
    const raw = Buffer.from([0x66, 0xff, 0x00, 0xe2, 0x9c, 0x93, 0x80]);
    expect(encodeSurrogateEscape(decodeLenient(raw)).equals(raw)).toBe(true);
  });
});

describe("Python repr", () => {
  it("str: quote choice and escapes", () => {
    expect(pyStr("abc")).toBe("'abc'");
    expect(pyStr("it's")).toBe(`"it's"`);
    expect(pyStr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pyStr("a\\b\n\t\x01\x7f\u00a0\u00ad é")).toBe("'a\\\\b\\n\\t\\x01\\x7f\\xa0\\xad é'");
    expect(pyStr("\u200b\u2028")).toBe("'\\u200b\\u2028'");
  });
  it("bytes", () => {
    expect(pyBytes(new Uint8Array([0x41, 0x00, 0xff, 0x27]))).toBe(`b"A\\x00\\xff'"`);
    expect(pyBytes(new Uint8Array([0x27, 0x22]))).toBe(`b'\\'"'`);
  });
  it("float repr switches to exponent form where Python does", () => {
    expect([1, 1.5, 0.1, 1e15, 1e16, 0.0001, 0.00001, 123456789.125, -2.5e-7, 1e300].map(pyFloat)).toEqual([
      "1.0", "1.5", "0.1", "1000000000000000.0", "1e+16", "0.0001", "1e-05", "123456789.125", "-2.5e-07", "1e+300",
    ]);
  });
});
