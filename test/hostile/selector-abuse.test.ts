// Hostile class: selectors (rdump -s) that attack the evaluator. Nesting that would run the parser, the compiler
// or the evaluator off the end of the stack (parentheses, lists, calls, indexing, `not`, `-`, attribute chains,
// and seeded random mixtures of them) is refused past MAX_SELECTOR_DEPTH as a SelectorError (rdump: a usage
// error, exit 2), and everything within the bound compiles and evaluates; a chain `a or b or …` of any length is
// one level. And a selector reaches only declared, own fields and the documented attributes and functions:
// Object.prototype members are absent whatever route is tried (attributes, indexing, `in`, calls, functions).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineRecord, RecordDescriptor, type AnyRecord } from "../../src/records/descriptor.js";
import { MISSING, Selector, SelectorError } from "../../src/records/selector/index.js";
import { MAX_SELECTOR_DEPTH } from "../../src/records/selector/parser.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { prng } from "../helpers/prng.js";
import { describeRun, runTool } from "./harness.js";

const Login = defineRecord("test/login", { ts: "datetime", ut_user: "string", tags: "string[]", n: "varint" });

function rec(): AnyRecord {
  const r = Login.create({ ts: Timestamp.parse("2024-03-04T05:06:07Z"), ut_user: "root", tags: ["ssh"], n: 3 }) as unknown as AnyRecord;
  r.hostname = "web01";
  return r;
}

/** Builders that each wrap an expression in one more level, of every kind the grammar has. */
const WRAPS: ((e: string) => string)[] = [
  (e) => `(${e})`,
  (e) => `[${e}]`,
  (e) => `not (${e})`,
  (e) => `-(${e})`,
  (e) => `lower(${e})`,
  (e) => `(${e})[0]`,
  (e) => `len(${e}) == 1`,
  (e) => `(${e} or r.n)`,
];

function nested(depth: number, wrap: (e: string) => string, leaf = "r.n"): string {
  let e = leaf;
  for (let i = 0; i < depth; i++) e = wrap(e);
  return e;
}

/** A seeded random mixture of the wrappers, `depth` levels deep. */
function mixture(seed: number, depth: number): string {
  const rnd = prng(seed);
  let e = "r.ut_user";
  for (let i = 0; i < depth; i++) e = WRAPS[Math.floor(rnd() * WRAPS.length)]!(e);
  return e;
}

function refused(src: string): SelectorError {
  let err: unknown = null;
  try {
    new Selector(src);
  } catch (e) {
    err = e;
  }
  expect(err, src.slice(0, 80)).toBeInstanceOf(SelectorError);
  expect((err as Error).message).toMatch(new RegExp(`nested more than ${MAX_SELECTOR_DEPTH} levels deep at position \\d+`));
  // The message quotes the selector around the place, never the whole of a long one.
  expect((err as Error).message.length).toBeLessThan(400);
  return err as SelectorError;
}

describe("hostile: selector nesting", () => {
  it("every kind of nesting past the bound is a SelectorError, never a RangeError; within it, it works", () => {
    for (const wrap of WRAPS) {
      for (const depth of [MAX_SELECTOR_DEPTH + 1, 2_000, 20_000]) refused(nested(depth, wrap));
      // Within the bound: compiles, and evaluating it is no error (its value is whatever it is).
      const s = new Selector(nested(Math.floor(MAX_SELECTOR_DEPTH / 4), wrap));
      s.match(rec());
      expect(s.errors).toBe(0);
    }
    refused(`r${".a".repeat(20_000)}`);
    refused(`r.tags${"[0]".repeat(5_000)}`);
    refused(`r.n${" == r.n".repeat(10)} and ${nested(3_000, (e) => `(${e})`)}`);
  });

  it("seeded random mixtures: refused past the bound, evaluated within it", () => {
    for (let seed = 1; seed <= 40; seed++) {
      refused(mixture(seed, MAX_SELECTOR_DEPTH + 1 + seed * 50));
      const ok = new Selector(mixture(seed, 20 + (seed % 20)));
      ok.match(rec());
      expect(ok.errors, `seed ${seed}`).toBe(0);
    }
  });

  it("a long chain of or/and is one level: 20,000 alternatives compile and short-circuit", () => {
    const alternatives = Array.from({ length: 20_000 }, (_, i) => `r.ut_user == "u${i}"`);
    expect(new Selector(alternatives.join(" or ")).match(rec())).toBe(false);
    expect(new Selector([...alternatives, 'r.ut_user == "root"'].join(" or ")).match(rec())).toBe(true);
    expect(new Selector(Array.from({ length: 20_000 }, () => "r.n == 3").join(" and ")).match(rec())).toBe(true);
  });
});

describe("hostile: selectors reach only record fields", () => {
  const PROTO = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__defineGetter__", "__lookupGetter__", "prototype", "length", "name"];

  it("no Object.prototype member is reachable by attribute, on records, strings, lists or datetimes", () => {
    const r = rec();
    for (const p of PROTO) {
      for (const base of ["r", "r.ts", "r.ut_user", "r.tags", "r.n", "Type.string"]) {
        const src = `${base}.${p}`;
        let s: Selector;
        try {
          s = new Selector(src);
        } catch (e) {
          expect(e, src).toBeInstanceOf(SelectorError); // e.g. a keyword; refused, never evaluated
          continue;
        }
        if (base !== "Type.string") expect(s.evaluate(r), src).toBe(MISSING);
        expect(new Selector(`${src} == ${src}`).match(r), src).toBe(false);
        expect(new Selector(`get_type(${src})`).evaluate(r), src).toBe(base === "Type.string" ? "object" : "NoneObject");
        expect(s.errors, src).toBe(0);
      }
    }
  });

  it("nor by indexing, `in`, calls or the functions that take field names", () => {
    const r = rec();
    for (const p of PROTO) {
      for (const src of [`r["${p}"]`, `r.ts["${p}"]`, `r.tags["${p}"]`, `r.ut_user["${p}"]`]) expect(new Selector(src).evaluate(r), src).toBe(MISSING);
      expect(new Selector(`"${p}" in r`).match(r)).toBe(false);
      expect(new Selector(`has_field(r, "${p}")`).match(r)).toBe(false);
      expect(new Selector(`field_equals(r, ["${p}"], ["x"])`).match(r)).toBe(false);
      expect(new Selector(`field_regex(r, ["${p}"], ".")`).match(r)).toBe(false);
      expect(new Selector(`field_contains(r, ["${p}"], ["o"])`).match(r)).toBe(false);
      // Only the selector's own functions can be called, never a method of a value.
      const calls = [`r.${p}()`, `r.ts.${p}()`, `r.ut_user.${p}()`, ...(p === "name" ? [] : [`${p}(r)`])]; // name(r) is a selector function
      for (const call of calls) {
        expect(() => new Selector(call), call).toThrow(SelectorError);
      }
    }
  });

  it("a stream may declare a field named like an Object.prototype member: its own value or None, never the member", () => {
    const d = new RecordDescriptor("evil/proto", [
      { name: "constructor", type: "string" },
      { name: "toString", type: "string" },
      { name: "valueOf", type: "varint" },
    ]);
    const withValue = d.create({ constructor: "c", toString: "t", valueOf: 1 }) as unknown as AnyRecord;
    const without = d.create({}) as unknown as AnyRecord;
    expect(new Selector("r.constructor").evaluate(withValue)).toBe("c");
    expect(new Selector('r.constructor == "c" and r.toString == "t" and r.valueOf == 1').match(withValue)).toBe(true);
    for (const f of ["constructor", "toString", "valueOf"]) {
      expect(new Selector(`r.${f}`).evaluate(without), f).toBe(null);
      expect(new Selector(`r.${f} is None`).match(without), f).toBe(true);
      expect(new Selector(`field_equals(r, ["${f}"], ["x"])`).match(without), f).toBe(false);
    }
    expect(new Selector('Type.string == "x"').match(without)).toBe(false);
  });
});

describe("hostile: rdump -s, as a child process", () => {
  let dir: string;
  let rec0: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-selector-"));
    rec0 = path.join(dir, "in.rec");
    fs.writeFileSync(rec0, encodeStream([rec(), rec()]));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("2,000 nested parentheses (and 5,000 `not`): a usage error, exit 2, before reading; no stack trace", async () => {
    const runs = await Promise.all(
      [nested(2_000, (e) => `(${e})`), nested(5_000, (e) => `not ${e}`), nested(1_000, (e) => `lower(${e})`), mixture(7, 3_000)].map((s) =>
        runTool("rdump", ["-s", s, rec0], { timeoutMs: 30_000 }),
      ),
    );
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr, describeRun(r)).toMatch(/^rdump: error: invalid selector: the selector is nested more than 256 levels deep at position \d+/);
      expect(r.stderr, describeRun(r)).not.toMatch(/RangeError|^\s+at /m);
      expect(r.stderr.length).toBeLessThan(600);
      expect(r.stdout.length).toBe(0);
      expect(r.wallMs).toBeLessThan(30_000);
      if (r.peakRssMb !== null) expect(r.peakRssMb).toBeLessThan(600);
    }
  });

  it("a 5,000-term chain (near the 128 KiB a command-line argument may have) selects as it should", async () => {
    const chain = Array.from({ length: 5_000 }, (_, i) => `r.n != ${i + 10}`).join(" and ");
    const r = await runTool("rdump", ["-s", chain, "--stats", rec0], { timeoutMs: 30_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/Processed 2 records \(matched=2, unmatched=0\)/);
  });
});
