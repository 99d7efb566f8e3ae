// The selector grammar (Python's precedence; a subset of its expressions, never evaluated as code):
//
//   expr       := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | comparison
//   comparison := unary (compop unary)*          chained like Python: a < b < c
//   compop     := == != < <= > >= in | not in | is | is not | matches
//   unary      := "-" unary | postfix
//   postfix    := primary ("." NAME | "(" args ")" | "[" expr "]")*
//   primary    := NUMBER | STRING | NAME | "(" expr ("," expr)* ")" | "[" (expr ("," expr)*)? "]"
//
// The tree is at most MAX_SELECTOR_DEPTH levels deep (parentheses, lists, calls, indexing, `not`, `-` and
// attribute chains each add a level; `a or b or c …` is one level however long): parsing, compiling and
// evaluating all recurse over it, and a selector of 2,000 nested parentheses must be a message, not a
// RangeError. No hand-written selector comes near it.
import { SelectorError, tokenize, type Token } from "./tokenizer.js";

/** How deeply a selector may nest (docs/record-model.md). */
export const MAX_SELECTOR_DEPTH = 256;

export type CmpOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is" | "is not" | "matches";

export type Node =
  | { k: "lit"; v: unknown; pos: number }
  | { k: "name"; name: string; pos: number }
  | { k: "attr"; obj: Node; name: string; pos: number }
  | { k: "index"; obj: Node; index: Node; pos: number }
  | { k: "call"; fn: Node; args: Node[]; pos: number }
  | { k: "list"; items: Node[]; pos: number }
  | { k: "not"; e: Node; pos: number }
  | { k: "neg"; e: Node; pos: number }
  /** `a and b and c`: the operands of one chain, evaluated left to right with short-circuiting. */
  | { k: "and" | "or"; items: Node[]; pos: number }
  | { k: "cmp"; ops: CmpOp[]; operands: Node[]; pos: number };

const KEYWORDS = new Set(["and", "or", "not", "in", "is", "matches", "True", "False", "None"]);

export function parseSelector(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Token => toks[i]!;
  const fail = (msg: string, t: Token = peek()): never => {
    throw new SelectorError(msg, t.pos, src);
  };
  const isOp = (text: string): boolean => peek().kind === "op" && peek().text === text;
  const isKw = (text: string): boolean => peek().kind === "name" && peek().text === text;
  const expectOp = (text: string): void => {
    if (!isOp(text)) fail(`expected "${text}"${peek().kind === "eof" ? " before the end" : ` but found "${peek().text}"`}`);
    i++;
  };

  const tooDeep = `the selector is nested more than ${MAX_SELECTOR_DEPTH} levels deep`;
  // Two bounds: the parser's own recursion (counted on the way down, so that 2,000 parentheses stop at the
  // 257th), and the depth of the tree it builds (an attribute chain or a call deepens the tree without any
  // recursion here, and compiling and evaluating recurse over the tree).
  let recursion = 0;
  function nested<T>(parse: () => T): T {
    if (++recursion > MAX_SELECTOR_DEPTH) fail(tooDeep);
    try {
      return parse();
    } finally {
      recursion--;
    }
  }
  const depthOf = new WeakMap<Node, number>();
  function made(n: Node): Node {
    let d = 0;
    for (const c of children(n)) d = Math.max(d, depthOf.get(c) ?? 1);
    if (d + 1 > MAX_SELECTOR_DEPTH) fail(tooDeep, { kind: "op", text: "", pos: n.pos });
    depthOf.set(n, d + 1);
    return n;
  }
  function expr(): Node {
    return nested(or);
  }
  function or(): Node {
    const first = and();
    if (!isKw("or")) return first;
    const items = [first];
    while (isKw("or")) {
      i++;
      items.push(and());
    }
    return made({ k: "or", items, pos: first.pos });
  }
  function and(): Node {
    const first = not();
    if (!isKw("and")) return first;
    const items = [first];
    while (isKw("and")) {
      i++;
      items.push(not());
    }
    return made({ k: "and", items, pos: first.pos });
  }
  function not(): Node {
    if (isKw("not")) {
      const pos = toks[i++]!.pos;
      return made({ k: "not", e: nested(not), pos });
    }
    return comparison();
  }
  function compOp(): CmpOp | null {
    const t = peek();
    if (t.kind === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(t.text)) {
      i++;
      return t.text as CmpOp;
    }
    if (t.kind !== "name") return null;
    if (t.text === "in" || t.text === "matches") {
      i++;
      return t.text;
    }
    if (t.text === "not" && toks[i + 1]?.kind === "name" && toks[i + 1]!.text === "in") {
      i += 2;
      return "not in";
    }
    if (t.text === "is") {
      i++;
      if (isKw("not")) {
        i++;
        return "is not";
      }
      return "is";
    }
    return null;
  }
  function comparison(): Node {
    const first = unary();
    const ops: CmpOp[] = [];
    const operands = [first];
    for (let op = compOp(); op; op = compOp()) {
      ops.push(op);
      operands.push(unary());
    }
    return ops.length ? made({ k: "cmp", ops, operands, pos: first.pos }) : first;
  }
  function unary(): Node {
    if (isOp("-")) {
      const pos = toks[i++]!.pos;
      return made({ k: "neg", e: nested(unary), pos });
    }
    return postfix();
  }
  function postfix(): Node {
    let n = primary();
    for (;;) {
      if (isOp(".")) {
        i++;
        const t = peek();
        if (t.kind !== "name") fail("expected a field or attribute name after '.'");
        i++;
        n = made({ k: "attr", obj: n, name: t.text, pos: t.pos });
      } else if (isOp("(")) {
        const pos = toks[i++]!.pos;
        const args: Node[] = [];
        if (!isOp(")")) {
          args.push(expr());
          while (isOp(",")) {
            i++;
            if (isOp(")")) break;
            args.push(expr());
          }
        }
        expectOp(")");
        n = made({ k: "call", fn: n, args, pos });
      } else if (isOp("[")) {
        const pos = toks[i++]!.pos;
        const index = expr();
        expectOp("]");
        n = made({ k: "index", obj: n, index, pos });
      } else return n;
    }
  }
  function primary(): Node {
    const t = peek();
    switch (t.kind) {
      case "num": {
        i++;
        return { k: "lit", v: parseNumber(t.text, t, src), pos: t.pos };
      }
      case "str":
        i++;
        return { k: "lit", v: t.text, pos: t.pos };
      case "bytes":
        i++;
        return { k: "lit", v: Uint8Array.from(t.text, (c) => c.charCodeAt(0) & 0xff), pos: t.pos };
      case "name":
        i++;
        if (t.text === "True") return { k: "lit", v: true, pos: t.pos };
        if (t.text === "False") return { k: "lit", v: false, pos: t.pos };
        if (t.text === "None") return { k: "lit", v: null, pos: t.pos };
        if (KEYWORDS.has(t.text)) fail(`unexpected keyword "${t.text}"`, t);
        return { k: "name", name: t.text, pos: t.pos };
      case "op":
        if (t.text === "(" || t.text === "[") {
          i++;
          const close = t.text === "(" ? ")" : "]";
          const items: Node[] = [];
          let tuple = t.text === "[";
          if (!isOp(close)) {
            items.push(expr());
            while (isOp(",")) {
              i++;
              tuple = true;
              if (isOp(close)) break;
              items.push(expr());
            }
          } else tuple = true;
          expectOp(close);
          return tuple ? made({ k: "list", items, pos: t.pos }) : items[0]!;
        }
        return fail(`unexpected "${t.text}"`);
      case "eof":
        return fail("unexpected end of the expression");
    }
  }

  if (peek().kind === "eof") return { k: "lit", v: true, pos: 0 };
  const tree = expr();
  if (peek().kind !== "eof") fail(`unexpected "${peek().text}"`);
  return tree;
}

/** The nodes directly below a node. */
export function children(n: Node): Node[] {
  switch (n.k) {
    case "lit":
    case "name":
      return [];
    case "attr":
      return [n.obj];
    case "index":
      return [n.obj, n.index];
    case "call":
      return [n.fn, ...n.args];
    case "list":
    case "and":
    case "or":
      return n.items;
    case "not":
    case "neg":
      return [n.e];
    case "cmp":
      return n.operands;
  }
}

function parseNumber(text: string, t: Token, src: string): number | bigint {
  const clean = text.replace(/_/g, "");
  if (/^0[xXoObB]/.test(clean) || /^\d+$/.test(clean)) {
    const b = BigInt(clean.replace(/^0([oO])/, "0o"));
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  const n = Number(clean);
  if (!Number.isFinite(n)) throw new SelectorError(`bad number ${text}`, t.pos, src);
  return n;
}
