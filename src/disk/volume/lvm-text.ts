// The LVM2 metadata text format (the same syntax as lvm.conf): `key = value` and `name { … }` sections; values
// are numbers, "strings" (with \" and \\ escapes) and [lists]. Sections are Maps, so a volume named
// "__proto__" is only a name. Nesting is capped; the text itself is bounded by its metadata area.
import { DiskError } from "../types.js";

export type LvmValue = number | string | LvmValue[] | LvmSection;
export type LvmSection = Map<string, LvmValue>;

/** VG { logical_volumes { lv { segment1 { … } } } } is four deep; a little room for what other writers add. */
const MAX_DEPTH = 16;

const isKeyChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2d;

/** Parses metadata text; `where` and `base` (its byte offset on the PV) name the place of a syntax error. */
export function parseLvmText(text: string, where: string, base: number): LvmSection {
  let i = 0;
  const fail = (what: string): never => {
    throw new DiskError(where, base + i, `LVM metadata text: ${what}`);
  };
  const skip = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x23) {
        const nl = text.indexOf("\n", i);
        i = nl < 0 ? text.length : nl + 1;
      } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const key = (): string => {
    const start = i;
    while (i < text.length && isKeyChar(text.charCodeAt(i))) i++;
    if (i === start) fail(`expected a name, found ${JSON.stringify(text.slice(i, i + 10))}`);
    return text.slice(start, i);
  };
  const string = (): string => {
    i++; // the opening quote
    let s = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text[i++]!;
      if (c === '"') return s;
      if (c === "\\") {
        if (i >= text.length) fail("unterminated string");
        s += text[i++];
      } else s += c;
    }
  };
  const number = (): number => {
    const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i, i + 32));
    if (!m) return fail(`expected a value, found ${JSON.stringify(text.slice(i, i + 10))}`);
    i += m[0].length;
    return Number(m[0]);
  };
  const value = (depth: number): LvmValue => {
    skip();
    const c = text[i];
    if (c === '"') return string();
    if (c === "[") {
      if (depth >= MAX_DEPTH) fail(`lists nested deeper than ${MAX_DEPTH}`);
      i++;
      const list: LvmValue[] = [];
      for (;;) {
        skip();
        if (text[i] === "]") {
          i++;
          return list;
        }
        list.push(value(depth + 1));
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "]") fail("expected , or ] in a list");
      }
    }
    return number();
  };
  const section = (depth: number, closing: boolean): LvmSection => {
    const out: LvmSection = new Map();
    for (;;) {
      skip();
      if (i >= text.length || text[i] === "\0") {
        if (closing) fail("section not closed");
        return out;
      }
      if (text[i] === "}") {
        if (!closing) fail("unexpected }");
        i++;
        return out;
      }
      const k = key();
      skip();
      if (text[i] === "=") {
        i++;
        out.set(k, value(depth));
      } else if (text[i] === "{") {
        if (depth >= MAX_DEPTH) fail(`sections nested deeper than ${MAX_DEPTH}`);
        i++;
        out.set(k, section(depth + 1, true));
      } else fail(`expected = or { after ${JSON.stringify(k)}`);
    }
  };
  return section(0, false);
}

export function isSection(v: LvmValue | undefined): v is LvmSection {
  return v instanceof Map;
}

/** Reading typed fields of a section, with a DiskError naming the missing or mistyped one. */
export class Fields {
  constructor(
    readonly section: LvmSection,
    private readonly path: string,
    private readonly where: string,
    private readonly at: number,
  ) {}

  private fail(key: string, what: string): never {
    throw new DiskError(this.where, this.at, `LVM metadata: ${this.path}/${key} ${what}`);
  }

  int(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.section.get(key);
    if (typeof v !== "number" || !Number.isSafeInteger(v)) return this.fail(key, "is missing or not an integer");
    if (v < min || v > max) return this.fail(key, `= ${v} is not within ${min}..${max}`);
    return v;
  }

  str(key: string): string {
    const v = this.section.get(key);
    if (typeof v !== "string") return this.fail(key, "is missing or not a string");
    return v;
  }

  list(key: string): LvmValue[] {
    const v = this.section.get(key);
    if (!Array.isArray(v)) return this.fail(key, "is missing or not a list");
    return v;
  }

  strings(key: string): string[] {
    const v = this.section.get(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  }

  sub(key: string): Fields {
    const v = this.section.get(key);
    if (!isSection(v)) return this.fail(key, "is missing or not a section");
    return new Fields(v, `${this.path}/${key}`, this.where, this.at);
  }

  /** The sub-sections, in the order the text gives them. */
  sections(): [string, Fields][] {
    const out: [string, Fields][] = [];
    for (const [k, v] of this.section) if (isSection(v)) out.push([k, new Fields(v, `${this.path}/${k}`, this.where, this.at)]);
    return out;
  }
}
