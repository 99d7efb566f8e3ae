import { describe, expect, it } from "vitest";
import { defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { Selector, SelectorError } from "../../src/records/selector/index.js";

const Login = defineRecord("test/login", {
  ts: "datetime",
  ut_user: "string",
  ut_pid: "varint",
  ut_addr: "net.ipaddress",
  tags: "string[]",
  raw: "bytes",
  ok: "boolean",
});

function rec(over: Partial<Record<string, unknown>> = {}): AnyRecord {
  const r = Login.create({
    ts: Timestamp.parse("2024-03-04T05:06:07.000008Z"),
    ut_user: "Root",
    ut_pid: 1001,
    ut_addr: "10.1.2.3",
    tags: ["ssh", "tty1"],
    raw: Uint8Array.from([1, 2, 3]),
    ok: true,
  }) as unknown as AnyRecord;
  r.hostname = "web01";
  r.domain = null;
  r._source = "a.tar";
  r._classification = null;
  r._generated = Timestamp.parse("2024-06-01T00:00:00Z");
  r._version = 1;
  return Object.assign(r, over);
}

const m = (src: string, r: AnyRecord = rec()): boolean => new Selector(src).match(r);

describe("selector language", () => {
  it("compares fields", () => {
    expect(m('r.ut_user == "Root"')).toBe(true);
    expect(m("r.ut_user == 'root'")).toBe(false);
    expect(m('r.ut_user != "x"')).toBe(true);
    expect(m("r.ut_pid == 1001 and r.ut_pid > 1000 and r.ut_pid >= 1001 and r.ut_pid < 2000 and r.ut_pid <= 1001")).toBe(true);
    expect(m("1000 < r.ut_pid < 1002")).toBe(true);
    expect(m("r.ut_pid == 1001.0")).toBe(true);
    expect(m("r.ok == True and r.ok")).toBe(true);
    expect(m("r.domain == None and r.domain is None and r.hostname is not None")).toBe(true);
    expect(m('r.ut_pid == "1001"')).toBe(false);
  });

  it("has and/or/not with Python precedence", () => {
    expect(m('not r.ut_user == "x" and r.ut_pid == 1001')).toBe(true);
    expect(m('r.ut_user == "x" or r.ut_pid == 1001 and r.ok')).toBe(true);
    expect(m('(r.ut_user == "x" or r.ut_pid == 1001) and not r.ok')).toBe(false);
  });

  it("treats missing fields as comparing false", () => {
    expect(m('r.nosuch == "x"')).toBe(false);
    expect(m('r.nosuch != "x"')).toBe(false);
    expect(m("r.nosuch < 3 or r.nosuch > 3")).toBe(false);
    expect(m('"x" in r.nosuch')).toBe(false);
    expect(m('"x" not in r.nosuch')).toBe(false);
    expect(m("not r.nosuch")).toBe(true);
    expect(m('lower(r.nosuch) == "x"')).toBe(false);
  });

  it("supports in / not in on strings, lists and networks", () => {
    expect(m('"oo" in r.ut_user')).toBe(true);
    expect(m('"oo" in lower(r.ut_user) and "ROOT" == upper(r.ut_user)')).toBe(true);
    expect(m('r.ut_user in ["Root", "admin"]')).toBe(true);
    expect(m('r.ut_user not in ("admin", "guest")')).toBe(true);
    expect(m('"ssh" in r.tags and "x" not in r.tags')).toBe(true);
    expect(m('r.ut_addr in net.ipnetwork("10.0.0.0/8")')).toBe(true);
    expect(m('r.ut_addr in net.ipnetwork("192.168.0.0/16")')).toBe(false);
    expect(m('r.ut_addr not in net.ipnetwork("192.168.0.0/16")')).toBe(true);
    expect(m('r.ut_addr in net.ipnetwork("2001:db8::/32")', rec({ ut_addr: "2001:db8::5" }))).toBe(true);
    expect(m('r.ut_addr == net.ipaddress("10.1.2.3")')).toBe(true);
    expect(m('b"\\x02" in r.raw')).toBe(true);
  });

  it("matches regular expressions", () => {
    expect(m('r.ut_user matches "^R.o+t$"')).toBe(true);
    expect(m('r.ut_user matches "(?i)^root$"')).toBe(true);
    expect(m('regex(r.ut_user, r"o{2}")')).toBe(true);
    expect(m('re.search("oo", r.ut_user) and not re.match("oo", r.ut_user)')).toBe(true);
    expect(m('field_regex(r, ["ut_user", "hostname"], r"^web\\d+$")')).toBe(true);
    expect(m('field_equals(r, ["ut_user"], ["root"])')).toBe(true);
    expect(m('field_contains(r, ["ut_user"], ["OO"])')).toBe(true);
  });

  it("compares datetimes with datetimes and ISO strings", () => {
    expect(m('r.ts > "2024-03-04" and r.ts < "2024-03-05T00:00:00Z"')).toBe(true);
    expect(m('r.ts == "2024-03-04T05:06:07.000008+00:00"')).toBe(true);
    expect(m("r.ts > r._generated")).toBe(false);
    expect(m("r.ts.year == 2024 and r.ts.microsecond == 8")).toBe(true);
  });

  it("has flow.record's helpers", () => {
    expect(m('name(r) == "test/login"')).toBe(true);
    expect(m('has_field(r, "ut_user") and not has_field(r, "x")')).toBe(true);
    expect(m('"oo" in Type.string')).toBe(true);
    expect(m('Type.string == "Root"')).toBe(true);
    expect(m('Type.net.ipaddress in net.ipnetwork("10.0.0.0/8")')).toBe(true);
    expect(m("len(r.tags) == 2 and r.tags[0] == 'ssh' and r.tags[-1] == 'tty1'")).toBe(true);
    expect(m("")).toBe(true);
  });

  it("handles bigints exactly", () => {
    expect(m("r.ut_pid == 18446744073709551617", rec({ ut_pid: 2n ** 64n + 1n }))).toBe(true);
    expect(m("r.ut_pid > 18446744073709551616", rec({ ut_pid: 2n ** 64n + 1n }))).toBe(true);
    expect(m("r.ut_pid > -5")).toBe(true);
  });

  it("rejects anything that is not the language, before reading records", () => {
    for (const bad of [
      "r.x ==",
      "process.exit(1)",
      "r.constructor.constructor('return 1')()",
      "require('fs')",
      "r.ut_user = 'x'",
      'net.ipnetwork("not a net")',
      "lower()",
      "r.x +",
      "'unterminated",
      "r.a ; r.b",
      "eval('1')",
      "net.nothing('x')",
      "lower",
    ]) {
      expect(() => new Selector(bad), bad).toThrow(SelectorError);
    }
  });

  it("never reaches JavaScript objects through attributes", () => {
    expect(m("r.constructor == None")).toBe(false);
    expect(m("r.__proto__ == None")).toBe(false);
    expect(m('r.ut_user.length == 4')).toBe(false);
  });
});
