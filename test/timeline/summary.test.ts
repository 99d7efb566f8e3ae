// The message of an entry: generic (text fields first, then the others; null and empty left out; one printable
// line, cut at MAX_MESSAGE), or a template a plugin declared for its descriptor.
import { describe, expect, it } from "vitest";
import { defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { MAX_MESSAGE, declareSummary, summarize } from "../../src/timeline/summary.js";
import { parseTemplate, renderTemplate } from "../../src/timeline/template.js";
import { prng } from "../helpers/prng.js";

const Rec = defineRecord("test/summary", {
  ts: "datetime",
  pid: "varint",
  user: "string",
  ok: "boolean",
  cmdline: "string",
  addr: "net.ipaddress",
  raw: "bytes",
  tags: "string[]",
  offset: "varint",
  filepath: "path",
});

function rec(values: Partial<Record<string, unknown>>): AnyRecord {
  return Rec.create({ ts: Timestamp.fromUnix(0), pid: 42, user: "alice", ok: true, cmdline: null, addr: null, raw: null, tags: [], offset: 7, filepath: "/x", ...values } as never);
}

describe("the generic summary", () => {
  it("text fields first, then the others, in declared order; datetimes, bytes, filepath and offset left out", () => {
    expect(summarize(rec({ addr: "10.0.0.5", raw: new Uint8Array([1]), tags: ["a", "b"] }))).toBe("user=alice addr=10.0.0.5 pid=42 ok=True tags=['a', 'b']");
  });

  it("null, empty strings and empty lists are left out; a value that is not one plain word is quoted", () => {
    expect(summarize(rec({ user: "", pid: null, cmdline: "sshd: alice [priv]" }))).toBe("cmdline='sshd: alice [priv]' ok=True");
    expect(summarize(rec({ user: "a=b" }))).toBe("user='a=b' pid=42 ok=True");
  });

  it("one printable line: control characters and undecodable bytes escaped", () => {
    expect(summarize(rec({ user: "x\ny\x1b[2J", cmdline: "\udcff" }))).toBe("user='x\\ny\\x1b[2J' cmdline='\\udcff' pid=42 ok=True");
  });

  it("cut at MAX_MESSAGE characters, with an ellipsis", () => {
    const m = summarize(rec({ cmdline: "x".repeat(1000) }));
    expect(m.length).toBe(MAX_MESSAGE);
    expect(m.endsWith("…")).toBe(true);
    expect(m.startsWith("user=alice cmdline=xxx")).toBe(true);
  });
});

describe("declared templates", () => {
  const T = defineRecord("test/templated", { ts: "datetime", user: "string", host: "string", pid: "varint" });
  declareSummary(T, "login of {user}[ from {host}][ (pid {pid})] [[{{literal}}]]");
  const r = (user: string | null, host: string | null, pid: number | null): AnyRecord => T.create({ ts: Timestamp.fromUnix(0), user, host, pid });

  it("fields filled in; an optional part with a missing value left out; doubled brackets are literal", () => {
    expect(summarize(r("bob", "10.0.0.9", 12))).toBe("login of bob from 10.0.0.9 (pid 12) [{literal}]");
    expect(summarize(r("bob", "", null))).toBe("login of bob [{literal}]");
    expect(summarize(r(null, "h\n", 1))).toBe("login of  from h\\n (pid 1) [{literal}]");
  });

  it("a template naming a field the descriptor lacks, or malformed, is a TypeError when declared", () => {
    expect(() => declareSummary(T, "{nope}")).toThrow(/test\/templated: summary template names no field of it: nope/);
    for (const bad of ["{user", "{}", "a } b", "[a [b]]", "a ] b", "[ {user}"]) expect(() => parseTemplate(bad), bad).toThrow(TypeError);
  });
});

describe("templates under seeded mutation", () => {
  it("parse or a TypeError, never anything else; what parses renders", () => {
    const rnd = prng(7);
    const alphabet = "{}[]ab_ ";
    for (let i = 0; i < 5000; i++) {
      let t = "";
      for (let k = Math.floor(rnd() * 12); k > 0; k--) t += alphabet[Math.floor(rnd() * alphabet.length)];
      try {
        const parsed = parseTemplate(t);
        expect(typeof renderTemplate(parsed, (n) => (n.length % 2 ? n : null))).toBe("string");
      } catch (e) {
        expect(e, t).toBeInstanceOf(TypeError);
      }
    }
  });
});
