// Tokens of the selector language (a small, Python-flavoured expression language over a record `r`).

export type TokenKind = "num" | "str" | "bytes" | "name" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** The token's text (names, operators) or its decoded value (strings); numbers keep their source text. */
  text: string;
  pos: number;
}

export class SelectorError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly source: string,
  ) {
    super(`${message} at position ${pos + 1}: ${excerpt(source, pos)}`);
  }
}

/** The selector around a position (a long one is cut to the 40 characters each side). */
function excerpt(source: string, pos: number, around = 40): string {
  const from = Math.max(0, pos - around);
  const to = Math.min(source.length, pos + around);
  return (from > 0 ? "…" : "") + source.slice(from, pos) + "⟨here⟩" + source.slice(pos, to) + (to < source.length ? "…" : "");
}

const OPS = ["==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ",", ".", "-"];

function unescape(body: string, raw: boolean, at: number, src: string): string {
  if (raw) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case "0":
        out += "\0";
        break;
      case "\\":
      case "'":
      case '"':
        out += n;
        break;
      case "x": {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new SelectorError("bad \\x escape", at, src);
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      case "u": {
        const h = body.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) throw new SelectorError("bad \\u escape", at, src);
        out += String.fromCharCode(parseInt(h, 16));
        i += 4;
        break;
      }
      default:
        // Python keeps unknown escapes as they are (handy for regexes: "\d").
        out += "\\" + (n ?? "");
    }
  }
  return out;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    // String literals, with optional r (raw) or b (bytes) prefixes.
    const pre = /^([rRbB]{0,2})(['"])/.exec(src.slice(i, i + 3));
    if (pre && (pre[1] === "" || /^[a-zA-Z]/.test(c))) {
      const prefix = pre[1]!.toLowerCase();
      const quote = pre[2]!;
      i += prefix.length + 1;
      let body = "";
      let closed = false;
      while (i < src.length) {
        const ch = src[i]!;
        if (ch === "\\" && i + 1 < src.length) {
          body += ch + src[i + 1];
          i += 2;
          continue;
        }
        if (ch === quote) {
          closed = true;
          i++;
          break;
        }
        body += ch;
        i++;
      }
      if (!closed) throw new SelectorError("unterminated string", start, src);
      const text = unescape(body, prefix.includes("r"), start, src);
      out.push({ kind: prefix.includes("b") ? "bytes" : "str", text, pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*)?(\.\d+)?([eE][+-]?\d+)?|\d+\.)/.exec(src.slice(i));
      const text = m ? m[0] : c;
      out.push({ kind: "num", text, pos: start });
      i += text.length;
      continue;
    }
    if (/[a-zA-Z_]/.test(c)) {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(src.slice(i))!;
      out.push({ kind: "name", text: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new SelectorError(`unexpected character ${JSON.stringify(c)}`, start, src);
    out.push({ kind: "op", text: op, pos: start });
    i += op.length;
  }
  out.push({ kind: "eof", text: "", pos: src.length });
  return out;
}
