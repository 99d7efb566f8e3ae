// Evaluates a parsed selector against records. The tree is compiled once into closures; names and
// functions are resolved at compile time (an unknown name is an error before any record is read), and
// nothing is ever run as JavaScript. Semantics follow flow.record's selectors: a field the record lacks is a
// "missing" value that makes every comparison false, `in` is containment, and `and`/`or` return operands.
import { DESCRIPTOR, type AnyRecord } from "../descriptor.js";
import { canonicalIp, parseIp } from "../ip.js";
import { reprDynamic } from "../render.js";
import { Timestamp } from "../timestamp.js";
import { parseSelector, type CmpOp, type Node } from "./parser.js";
import { SelectorError } from "./tokenizer.js";

/** flow.record's NoneObject: the value of a field the record does not have. */
export const MISSING: unique symbol = Symbol("missing field");

export class IpNetwork {
  readonly version: 4 | 6;
  readonly prefix: number;
  private readonly base: bigint;
  private readonly shift: bigint;

  constructor(readonly text: string) {
    const [addr, bits] = text.split("/");
    const ip = parseIp(addr ?? "");
    if (!ip) throw new RangeError(`not an IP network: ${JSON.stringify(text)}`);
    const width = ip.version === 4 ? 32 : 128;
    const prefix = bits === undefined ? width : Number(bits);
    if (!/^\d+$/.test(bits ?? String(width)) || prefix > width) throw new RangeError(`bad prefix length in ${JSON.stringify(text)}`);
    this.version = ip.version;
    this.prefix = prefix;
    this.shift = BigInt(width - prefix);
    this.base = ip.value >> this.shift;
  }

  contains(address: string): boolean {
    const ip = parseIp(address);
    return !!ip && ip.version === this.version && ip.value >> this.shift === this.base;
  }

  toString(): string {
    return this.text;
  }
}

/** `Type.string`, `Type.net.ipaddress`: every value of the record's fields of that type. */
class TypeRef {
  constructor(
    readonly rec: AnyRecord,
    readonly path: string,
  ) {}

  values(): unknown[] {
    const out: unknown[] = [];
    for (const f of this.rec[DESCRIPTOR].allFields) {
      if (f.type === this.path || (f.type === "string" && this.path === "wstring")) {
        const v = fieldValue(this.rec, f.name);
        if (v !== null) out.push(v);
      }
    }
    return out;
  }
}

interface Fn {
  readonly fn: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  call(args: unknown[]): unknown;
}

class Namespace {
  constructor(
    readonly name: string,
    readonly members: ReadonlyMap<string, Fn>,
  ) {}
}

type Compiled = (rec: AnyRecord) => unknown;

const regexCache = new Map<string, RegExp>();

/** A Python-style regular expression as a JS RegExp (leading inline flags like (?i) are honoured). */
export function toRegExp(pattern: string, anchored = false): RegExp {
  const key = (anchored ? "^" : "") + pattern;
  let re = regexCache.get(key);
  if (!re) {
    let flags = "u";
    let body = pattern;
    const m = /^\(\?([aiLmsux]+)\)/.exec(body);
    if (m) {
      body = body.slice(m[0].length);
      for (const f of m[1]!) if (f === "i" || f === "m" || f === "s") flags += f;
    }
    try {
      re = new RegExp(anchored ? `^(?:${body})` : body, flags);
    } catch {
      re = new RegExp(anchored ? `^(?:${body})` : body, flags.replace("u", ""));
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}

export function truthy(v: unknown): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === 0n || v === "") return false;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  return true;
}

function num(v: unknown): number | bigint | null {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return null;
}

function asTimestamp(v: unknown): Timestamp | null {
  if (v instanceof Timestamp) return v;
  if (typeof v === "string") {
    try {
      return Timestamp.parse(v);
    } catch {
      return null;
    }
  }
  return null;
}

export function eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === MISSING || b === MISSING || a === null || b === null || a === undefined || b === undefined) return false;
  const na = num(a);
  const nb = num(b);
  if (na !== null && nb !== null) return na == nb;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const ta = asTimestamp(a);
    const tb = asTimestamp(b);
    return !!ta && !!tb && ta.equals(tb);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]));
  if (a instanceof IpNetwork && b instanceof IpNetwork) return a.text === b.text;
  return false;
}

/** <0, 0, >0, or null when the two cannot be ordered (Python would raise TypeError; we say "no match"). */
function order(a: unknown, b: unknown): number | null {
  const na = num(a);
  const nb = num(b);
  if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : na == nb ? 0 : null;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Timestamp || b instanceof Timestamp) {
    const ta = asTimestamp(a);
    const tb = asTimestamp(b);
    return ta && tb ? ta.compare(tb) : null;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (eq(a[i], b[i])) continue;
      return order(a[i], b[i]);
    }
    return a.length - b.length;
  }
  return null;
}

/** Is `item` in `container`? null when containment does not apply. */
function contains(container: unknown, item: unknown): boolean | null {
  if (typeof container === "string") return typeof item === "string" ? container.includes(item) : null;
  if (Array.isArray(container)) return container.some((x) => eq(x, item));
  if (container instanceof IpNetwork) return typeof item === "string" ? container.contains(item) : null;
  if (container instanceof Uint8Array && item instanceof Uint8Array) return Buffer.from(container).includes(Buffer.from(item));
  return null;
}

export function compare(op: CmpOp, a: unknown, b: unknown): boolean {
  if (a instanceof TypeRef) return a.values().some((v) => compare(op, v, b));
  if (b instanceof TypeRef) {
    if (op === "in") return b.values().some((v) => contains(v, a) === true);
    if (op === "not in") return !b.values().some((v) => contains(v, a) === true);
    return b.values().some((v) => compare(op, a, v));
  }
  if (op === "is") return a === b;
  if (op === "is not") return a !== b;
  if (a === MISSING || b === MISSING) return false;
  switch (op) {
    case "==":
      return eq(a, b);
    case "!=":
      return !eq(a, b);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const o = order(a, b);
      if (o === null) return false;
      return op === "<" ? o < 0 : op === "<=" ? o <= 0 : op === ">" ? o > 0 : o >= 0;
    }
    case "in":
      return contains(b, a) === true;
    case "not in":
      return contains(b, a) === false;
    case "matches":
      return typeof a === "string" && typeof b === "string" && toRegExp(b).test(a);
  }
}

// ---- functions (flow.record's whitelist, plus a few of our own) ----

function isRecord(v: unknown): v is AnyRecord {
  return !!v && typeof v === "object" && DESCRIPTOR in v;
}

function strOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "None";
  if (v instanceof IpNetwork) return v.text;
  return reprDynamic(v);
}

function fieldValues(r: unknown, fields: unknown): unknown[] {
  if (!isRecord(r)) return [];
  const names = fields instanceof TypeRef ? fields.rec[DESCRIPTOR].allFields.filter((f) => f.type === fields.path).map((f) => f.name) : fields;
  const list = Array.isArray(names) ? names : typeof names === "string" ? [names] : [];
  const desc = r[DESCRIPTOR];
  const out: unknown[] = [];
  for (const n of list) if (typeof n === "string" && desc.fieldTypes.has(n)) out.push(fieldValue(r, n));
  return out;
}

function stringsOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function fn(name: string, minArgs: number, maxArgs: number, call: (args: unknown[]) => unknown): Fn {
  return { fn: name, minArgs, maxArgs, call };
}

const lower = (s: unknown): unknown => (typeof s === "string" ? s.toLowerCase() : s);

const FUNCTIONS: ReadonlyMap<string, Fn> = new Map(
  [
    fn("lower", 1, 1, ([s]) => lower(s)),
    fn("upper", 1, 1, ([s]) => (typeof s === "string" ? s.toUpperCase() : s)),
    fn("name", 1, 1, ([r]) => (isRecord(r) ? r[DESCRIPTOR].name : "UnknownRecord")),
    fn("names", 1, 1, ([r]) => (isRecord(r) ? [r[DESCRIPTOR].name] : ["UnknownRecord"])),
    fn("has_field", 2, 2, ([r, f]) => isRecord(r) && typeof f === "string" && r[DESCRIPTOR].fieldTypes.has(f)),
    fn("get_type", 1, 1, ([v]) => (isRecord(v) ? v[DESCRIPTOR].name : v === MISSING ? "NoneObject" : v === null ? "None" : v instanceof Timestamp ? "datetime" : Array.isArray(v) ? "list" : typeof v)),
    fn("field_regex", 3, 3, ([r, fields, re]) => {
      if (typeof re !== "string") return false;
      const rx = toRegExp(re);
      return fieldValues(r, fields).some((v) => typeof v === "string" && rx.test(v));
    }),
    fn("field_equals", 3, 4, ([r, fields, strings, nocase]) => {
      const ci = nocase === undefined || truthy(nocase);
      const want = stringsOf(strings).map((s) => (ci ? lower(s) : s));
      return fieldValues(r, fields).some((v) => want.some((s) => eq(s, ci ? lower(v) : v)));
    }),
    fn("field_contains", 3, 5, ([r, fields, strings, nocase, wordBoundary]) => {
      const ci = nocase === undefined || truthy(nocase);
      const want = stringsOf(strings).map((s) => (ci ? lower(s) : s));
      return fieldValues(r, fields).some((v) => {
        const fv = ci ? lower(v) : v;
        return want.some((s) => {
          if (typeof s !== "string" || typeof fv !== "string") return contains(fv, s) === true;
          if (!truthy(wordBoundary)) return fv.includes(s);
          return new RegExp(`\\b${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, ci ? "i" : "").test(fv);
        });
      });
    }),
    fn("len", 1, 1, ([v]) => (typeof v === "string" || Array.isArray(v) || v instanceof Uint8Array ? v.length : v === MISSING ? 0 : MISSING)),
    fn("str", 1, 1, ([v]) => (v === MISSING ? MISSING : strOf(v))),
    fn("int", 1, 1, ([v]) => {
      if (typeof v === "number") return Math.trunc(v);
      if (typeof v === "bigint") return v;
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) {
        const b = BigInt(v.trim());
        return Number.isSafeInteger(Number(b)) ? Number(b) : b;
      }
      return MISSING;
    }),
    fn("regex", 2, 2, ([v, re]) => typeof v === "string" && typeof re === "string" && toRegExp(re).test(v)),
    fn("any", 1, 1, ([v]) => Array.isArray(v) && v.some(truthy)),
    fn("all", 1, 1, ([v]) => Array.isArray(v) && v.every(truthy)),
  ].map((f) => [f.fn, f]),
);

const NAMESPACES: ReadonlyMap<string, Namespace> = new Map([
  [
    "net",
    new Namespace(
      "net",
      new Map([
        ["ipnetwork", fn("net.ipnetwork", 1, 1, ([s]) => new IpNetwork(String(s)))],
        ["ipaddress", fn("net.ipaddress", 1, 1, ([s]) => {
          const c = canonicalIp(String(s));
          if (c === null) throw new RangeError(`not an IP address: ${JSON.stringify(s)}`);
          return c;
        })],
      ]),
    ),
  ],
  [
    "re",
    new Namespace(
      "re",
      new Map([
        ["search", fn("re.search", 2, 2, ([re, v]) => typeof v === "string" && typeof re === "string" && toRegExp(re).test(v))],
        ["match", fn("re.match", 2, 2, ([re, v]) => typeof v === "string" && typeof re === "string" && toRegExp(re, true).test(v))],
        ["fullmatch", fn("re.fullmatch", 2, 2, ([re, v]) => typeof v === "string" && typeof re === "string" && toRegExp(`(?:${re})$`, true).test(v))],
      ]),
    ),
  ],
]);

// What a selector can reach is only ever looked up in Maps of what is documented: a record's declared fields
// and these attributes of datetimes. Never a property of a JS object by name, so `r.ts.constructor`,
// `r.__proto__` or `r.toString` are simply absent (MISSING), as unknown attributes are in flow.record.
const TIMESTAMP_ATTRS: ReadonlyMap<string, (t: Timestamp) => number> = new Map([
  ["year", (t: Timestamp) => t.parts()[0]],
  ["month", (t: Timestamp) => t.parts()[1]],
  ["day", (t: Timestamp) => t.parts()[2]],
  ["hour", (t: Timestamp) => t.parts()[3]],
  ["minute", (t: Timestamp) => t.parts()[4]],
  ["second", (t: Timestamp) => t.parts()[5]],
  ["microsecond", (t: Timestamp) => t.micros],
]);

/**
 * A declared field's value: the record's own property only. A declared field the record object lacks is None,
 * even when its name is also that of an Object.prototype member (a stream may declare a field `constructor`).
 */
export function fieldValue(rec: AnyRecord, name: string): unknown {
  return Object.hasOwn(rec, name) ? (rec[name] ?? null) : null;
}

function getAttr(v: unknown, name: string): unknown {
  if (isRecord(v)) return v[DESCRIPTOR].fieldTypes.has(name) ? fieldValue(v, name) : MISSING;
  if (v instanceof TypeRef) return new TypeRef(v.rec, v.path ? v.path + "." + name : name);
  const attr = v instanceof Timestamp ? TIMESTAMP_ATTRS.get(name) : undefined;
  return attr ? attr(v as Timestamp) : MISSING;
}

/** A compiled selector. `match` never throws on a record: a runtime type problem means "no match". */
export class Selector {
  private readonly fn: Compiled;
  /** Records on which evaluation failed (counted, not fatal). */
  errors = 0;
  lastError: Error | null = null;

  constructor(readonly source: string) {
    this.fn = compileNode(parseSelector(source), source);
  }

  match(rec: AnyRecord): boolean {
    try {
      return truthy(this.fn(rec));
    } catch (e) {
      this.errors++;
      this.lastError = e as Error;
      return false;
    }
  }

  /** The expression's value for a record (tests, debugging). */
  evaluate(rec: AnyRecord): unknown {
    return this.fn(rec);
  }
}

export function compileSelector(source: string): Selector {
  return new Selector(source);
}

/** A compile-time constant: a namespace or a function (not record-dependent). */
type Static = { ns: Namespace } | { fn: Fn };

function staticOf(n: Node, src: string): Static | null {
  if (n.k === "name") {
    const f = FUNCTIONS.get(n.name);
    if (f) return { fn: f };
    const ns = NAMESPACES.get(n.name);
    if (ns) return { ns };
    return null;
  }
  if (n.k === "attr") {
    const base = staticOf(n.obj, src);
    if (base && "ns" in base) {
      const f = base.ns.members.get(n.name);
      if (!f) throw new SelectorError(`unknown name ${base.ns.name}.${n.name}`, n.pos, src);
      return { fn: f };
    }
  }
  return null;
}

function compileNode(n: Node, src: string): Compiled {
  switch (n.k) {
    case "lit": {
      const v = n.v;
      return () => v;
    }
    case "name": {
      if (n.name === "r" || n.name === "obj") return (rec) => rec;
      if (n.name === "Type") return (rec) => new TypeRef(rec, "");
      const s = staticOf(n, src);
      if (s) throw new SelectorError(`${n.name} is a ${"fn" in s ? "function" : "namespace"}; call it or use one of its members`, n.pos, src);
      throw new SelectorError(`unknown name "${n.name}" (fields are r.${n.name})`, n.pos, src);
    }
    case "attr": {
      if (staticOf(n.obj, src)) {
        const s = staticOf(n, src);
        throw new SelectorError(`${s && "fn" in s ? s.fn.fn : n.name} must be called`, n.pos, src);
      }
      const obj = compileNode(n.obj, src);
      const name = n.name;
      if (n.obj.k === "name" && (n.obj.name === "r" || n.obj.name === "obj")) {
        return (rec) => (rec[DESCRIPTOR].fieldTypes.has(name) ? fieldValue(rec, name) : MISSING);
      }
      return (rec) => getAttr(obj(rec), name);
    }
    case "index": {
      const obj = compileNode(n.obj, src);
      const idx = compileNode(n.index, src);
      return (rec) => {
        const o = obj(rec);
        const i = idx(rec);
        if ((typeof o === "string" || Array.isArray(o) || o instanceof Uint8Array) && typeof i === "number" && Number.isInteger(i)) {
          const k = i < 0 ? o.length + i : i;
          return k >= 0 && k < o.length ? (typeof o === "string" ? o[k] : o[k]) : MISSING;
        }
        return MISSING;
      };
    }
    case "call": {
      const s = staticOf(n.fn, src);
      if (!s || !("fn" in s)) throw new SelectorError("only the selector's functions can be called", n.pos, src);
      const f = s.fn;
      if (n.args.length < f.minArgs || n.args.length > f.maxArgs) {
        const want = f.minArgs === f.maxArgs ? String(f.minArgs) : `${f.minArgs} to ${f.maxArgs}`;
        throw new SelectorError(`${f.fn}() takes ${want} argument(s), got ${n.args.length}`, n.pos, src);
      }
      const args = n.args.map((a) => compileNode(a, src));
      // Constant arguments (net.ipnetwork("10.0.0.0/8"), regexes) are evaluated once, here.
      if (n.args.every((a) => a.k === "lit")) {
        let v: unknown;
        try {
          v = f.call(args.map((a) => a(undefined as unknown as AnyRecord)));
        } catch (e) {
          throw new SelectorError((e as Error).message, n.pos, src);
        }
        return () => v;
      }
      return (rec) => f.call(args.map((a) => a(rec)));
    }
    case "list": {
      const items = n.items.map((x) => compileNode(x, src));
      return (rec) => items.map((x) => x(rec));
    }
    case "not": {
      const e = compileNode(n.e, src);
      return (rec) => !truthy(e(rec));
    }
    case "neg": {
      const e = compileNode(n.e, src);
      return (rec) => {
        const v = e(rec);
        if (typeof v === "number") return -v;
        if (typeof v === "bigint") return -v;
        return MISSING;
      };
    }
    case "and": {
      const items = n.items.map((x) => compileNode(x, src));
      return (rec) => {
        let v: unknown;
        for (const item of items) if (!truthy((v = item(rec)))) return v;
        return v;
      };
    }
    case "or": {
      const items = n.items.map((x) => compileNode(x, src));
      return (rec) => {
        let v: unknown;
        for (const item of items) if (truthy((v = item(rec)))) return v;
        return v;
      };
    }
    case "cmp": {
      const operands = n.operands.map((x) => compileNode(x, src));
      const ops = n.ops;
      if (ops.length === 1) {
        const [a, b] = operands as [Compiled, Compiled];
        const op = ops[0]!;
        return (rec) => compare(op, a(rec), b(rec));
      }
      return (rec) => {
        let left = operands[0]!(rec);
        for (let i = 0; i < ops.length; i++) {
          const right = operands[i + 1]!(rec);
          if (!compare(ops[i]!, left, right)) return false;
          left = right;
        }
        return true;
      };
    }
  }
}
