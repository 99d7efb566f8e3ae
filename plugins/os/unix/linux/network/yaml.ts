// A small YAML reader for netplan's files (and snap.yaml): block mappings and sequences by indentation, flow
// sequences and mappings on one line, plain, single- and double-quoted scalars, literal and folded block
// scalars of a mapping value (| and >, with - and + chomping), comments. Scalars stay strings (netplan decides
// what "true" or "2" means per key). Not read: anchors and aliases, tags, complex keys, multi-line plain or
// quoted scalars, multi-document streams: a line with them is a problem (its line number) and its value is
// kept as plain text. Bounded: depth, nodes and line count are capped, so a hostile file costs at most its size.
// Checked against PyYAML (libyaml) on the fixtures (test/plugins/os/unix/linux/network/yaml.test.ts).

export type YamlValue = string | null | YamlValue[] | YamlMap;
export type YamlMap = Map<string, YamlValue>;

export interface YamlProblem {
  message: string;
  line: number;
}

export const MAX_DEPTH = 64;
export const MAX_NODES = 100_000;

interface Line {
  no: number;
  indent: number;
  text: string;
  /** The line as written (comments kept): the text of a block scalar. */
  raw: string;
}

class Budget {
  nodes = 0;
  take(line: number): void {
    if (++this.nodes > MAX_NODES) throw new YamlStop(`more than ${MAX_NODES} values: not a netplan file`, line);
  }
}

class YamlStop extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The text before a comment: a # at the start or after white space, outside quotes. */
function uncomment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === "\\" && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s\[{,:-]/.test(s[i - 1]!)) q = c;
    } else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function linesOf(text: string, problem: (p: YamlProblem) => void): Line[] {
  const out: Line[] = [];
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const no = i + 1;
    let s = raw[i]!.replace(/\r$/, "");
    if (i === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    const whole = s;
    const lead = /^[ \t]*/.exec(s)![0];
    if (lead.includes("\t") && s.trim() !== "") problem({ message: `line ${no}: a tab in the indentation (YAML allows spaces only); read as spaces`, line: no });
    s = uncomment(s).trimEnd();
    const body = s.trimStart();
    if (body === "") continue;
    if (body === "---" && out.length === 0) continue;
    if (body === "---" || body === "...") {
      problem({ message: `line ${no}: a second YAML document; the rest of the file is not read`, line: no });
      break;
    }
    out.push({ no, indent: s.length - body.length, text: body, raw: whole });
  }
  return out;
}

/** The key of "key: value" / "key:" and the rest, or null when the text is no mapping entry. */
function splitKey(text: string): { key: string; rest: string } | null {
  if (text[0] === '"' || text[0] === "'") {
    const q = text[0];
    let i = 1;
    for (; i < text.length; i++) {
      if (text[i] === "\\" && q === '"') i++;
      else if (text[i] === q) {
        if (q === "'" && text[i + 1] === "'") i++;
        else break;
      }
    }
    const after = text.slice(i + 1);
    const m = /^\s*:(?:\s+(.*))?$/.exec(after);
    return m ? { key: scalar(text.slice(0, i + 1)), rest: m[1] ?? "" } : null;
  }
  const m = /^([^\s][^:]*?|[^\s]*?:[^\s][^:]*?)\s*:(?:\s+(.*))?$/.exec(text);
  if (!m || m[1]!.startsWith("- ") || m[1] === "-" || /^[\[{]/.test(m[1]!)) return null;
  return { key: m[1]!, rest: m[2] ?? "" };
}

function scalar(s: string): string {
  if (s.length >= 2 && s[0] === "'" && s[s.length - 1] === "'") return s.slice(1, -1).replace(/''/g, "'");
  if (s.length >= 2 && s[0] === '"' && s[s.length - 1] === '"') {
    return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
      if (e[0] === "x" || e[0] === "u") return String.fromCharCode(parseInt(e.slice(1), 16));
      return ({ n: "\n", t: "\t", r: "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/", " ": " " } as Record<string, string>)[e] ?? e;
    });
  }
  return s.trim();
}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);

/** A flow collection or scalar on one line. */
function inline(text: string, no: number, budget: Budget, problem: (p: YamlProblem) => void, depth: number): YamlValue {
  budget.take(no);
  const t = text.trim();
  if (/^[&*!]/.test(t) || /^[|>]/.test(t)) {
    problem({ message: `line ${no}: ${t[0] === "&" ? "an anchor" : t[0] === "*" ? "an alias" : t[0] === "!" ? "a tag" : "a block scalar"} (not read by quarry's YAML subset); kept as text`, line: no });
    return t;
  }
  if (t[0] === "[" || t[0] === "{") {
    const p = { at: 0 };
    try {
      const v = flow(t, p, no, budget, depth);
      if (t.slice(p.at).trim() !== "") throw new YamlStop(`text after the flow collection`, no);
      return v;
    } catch (e) {
      if (!(e instanceof YamlStop) || e.message.startsWith("more than") || e.message.startsWith("nested deeper")) throw e;
      problem({ message: `line ${no}: ${e.message} (flow collections must close on their line here); kept as text`, line: no });
      return t;
    }
  }
  return NULLS.has(t) ? null : scalar(t);
}

function flow(s: string, p: { at: number }, no: number, budget: Budget, depth: number): YamlValue {
  if (depth > MAX_DEPTH) throw new YamlStop(`nested deeper than ${MAX_DEPTH}: not a netplan file`, no);
  const ws = (): void => {
    while (p.at < s.length && s[p.at] === " ") p.at++;
  };
  ws();
  const open = s[p.at];
  if (open === "[" || open === "{") {
    p.at++;
    const close = open === "[" ? "]" : "}";
    const list: YamlValue[] = [];
    const map: YamlMap = new Map();
    for (;;) {
      ws();
      if (p.at >= s.length) throw new YamlStop(`${open} not closed`, no);
      if (s[p.at] === close) {
        p.at++;
        return open === "[" ? list : map;
      }
      const v = flow(s, p, no, budget, depth + 1);
      ws();
      if (open === "{" || s[p.at] === ":") {
        if (s[p.at] !== ":") throw new YamlStop(`a flow mapping entry without ":"`, no);
        p.at++;
        const val = flow(s, p, no, budget, depth + 1);
        if (open === "{") map.set(typeof v === "string" ? v : String(v), val);
        else list.push(new Map([[typeof v === "string" ? v : String(v), val]]));
      } else list.push(v);
      ws();
      if (s[p.at] === ",") p.at++;
      else if (s[p.at] !== close) throw new YamlStop(`"${s[p.at] ?? "end of line"}" where , or ${close} was expected`, no);
    }
  }
  budget.take(no);
  let end = p.at;
  if (s[p.at] === '"' || s[p.at] === "'") {
    const q = s[p.at]!;
    end++;
    while (end < s.length && s[end] !== q) end += s[end] === "\\" && q === '"' ? 2 : 1;
    if (end >= s.length) throw new YamlStop(`a quote not closed`, no);
    end++;
  } else {
    while (end < s.length && !/[,\]}]/.test(s[end]!) && !(s[end] === ":" && (end + 1 >= s.length || /[\s,\]}]/.test(s[end + 1]!)))) end++;
  }
  const raw = s.slice(p.at, end).trim();
  p.at = end;
  return NULLS.has(raw) ? null : scalar(raw);
}

class Parser {
  i = 0;
  constructor(
    readonly lines: Line[],
    readonly raw: string[],
    readonly budget: Budget,
    readonly problem: (p: YamlProblem) => void,
  ) {}

  block(indent: number, depth: number): YamlValue {
    if (depth > MAX_DEPTH) throw new YamlStop(`nested deeper than ${MAX_DEPTH}: not a netplan file`, this.lines[this.i]?.no ?? 0);
    const l = this.lines[this.i];
    if (!l || l.indent < indent) return null;
    return l.text === "-" || l.text.startsWith("- ") ? this.sequence(l.indent, depth) : this.mapping(l.indent, depth);
  }

  sequence(indent: number, depth: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let l = this.lines[this.i]; l && l.indent === indent && (l.text === "-" || l.text.startsWith("- ")); l = this.lines[this.i]) {
      this.budget.take(l.no);
      const content = l.text === "-" ? "" : l.text.slice(2);
      const lead = content.length - content.trimStart().length;
      if (content.trim() === "") {
        this.i++;
        out.push(this.block(indent + 1, depth + 1));
      } else if (splitKey(content.trim()) || content.trim().startsWith("- ")) {
        // "- key: value": a mapping (or sequence) whose first entry is on the dash's line
        l.indent = indent + 2 + lead;
        l.text = content.trim();
        out.push(this.block(l.indent, depth + 1));
      } else {
        this.i++;
        out.push(inline(content, l.no, this.budget, this.problem, depth));
      }
    }
    return out;
  }

  mapping(indent: number, depth: number): YamlMap {
    const out: YamlMap = new Map();
    for (let l = this.lines[this.i]; l && l.indent === indent; l = this.lines[this.i]) {
      const kv = splitKey(l.text);
      if (!kv) {
        this.problem({ message: `line ${l.no}: not "key: value" in a mapping; skipped`, line: l.no });
        this.i++;
        this.skipDeeper(indent);
        continue;
      }
      this.budget.take(l.no);
      this.i++;
      if (out.has(kv.key)) this.problem({ message: `line ${l.no}: key ${JSON.stringify(kv.key)} repeated; the last value kept`, line: l.no });
      const block = /^([|>])([-+]?)\s*$/.exec(kv.rest.trim());
      if (block) {
        out.set(kv.key, this.blockScalar(l.no, indent, block[1]!, block[2]!));
        continue;
      }
      if (kv.rest.trim() !== "") {
        out.set(kv.key, inline(kv.rest, l.no, this.budget, this.problem, depth));
        const next = this.lines[this.i];
        if (next && next.indent > indent) {
          this.problem({ message: `line ${next.no}: indented deeper than the mapping it follows; skipped`, line: next.no });
          this.skipDeeper(indent);
        }
        continue;
      }
      const next = this.lines[this.i];
      if (next && (next.indent > indent || (next.indent === indent && (next.text === "-" || next.text.startsWith("- "))))) out.set(kv.key, this.block(next.indent, depth + 1));
      else out.set(kv.key, null);
    }
    const l = this.lines[this.i];
    if (l && l.indent > indent) {
      this.problem({ message: `line ${l.no}: indented deeper than the mapping it follows; skipped`, line: l.no });
      this.skipDeeper(indent);
    }
    return out;
  }

  /** The raw lines after `keyLine` indented deeper than the key (and blank ones), as YAML's | or > gives them. */
  private blockScalar(keyLine: number, indent: number, style: string, chomp: string): string {
    const src: string[] = [];
    let no = keyLine; // 1-based number of the last line taken
    for (; no < this.raw.length; no++) {
      const r = this.raw[no]!.replace(/\r$/, "");
      if (r.trim() !== "" && r.length - r.trimStart().length <= indent) break;
      src.push(r);
    }
    while (this.lines[this.i] && this.lines[this.i]!.no <= no) this.i++;
    let trailing = 0;
    while (src.length && src[src.length - 1]!.trim() === "") {
      src.pop();
      trailing++;
    }
    if (src.length === 0) return "";
    const cut = src[0]!.length - src[0]!.trimStart().length;
    const lines = src.map((r) => (r.trim() === "" ? "" : r.slice(Math.min(cut, r.length - r.trimStart().length))));
    const text =
      style === "|" ? lines.join("\n") : lines.reduce((acc, l, i) => (i === 0 ? l : l === "" ? `${acc}\n` : lines[i - 1] === "" ? acc + l : /^\s/.test(l) ? `${acc}\n${l}` : `${acc} ${l}`), "");
    if (chomp === "-") return text;
    return chomp === "+" ? text + "\n".repeat(trailing + 1) : `${text}\n`;
  }

  private skipDeeper(indent: number): void {
    while (this.lines[this.i] && this.lines[this.i]!.indent > indent) this.i++;
  }
}

/** The document's root value; problems are reported with their line and the value read around them. */
export function parseYaml(text: string, problem: (p: YamlProblem) => void): YamlValue {
  const lines = linesOf(text, problem);
  const p = new Parser(lines, text.split("\n"), new Budget(), problem);
  try {
    const root = p.block(0, 0);
    while (p.i < lines.length) {
      const l = lines[p.i]!;
      problem({ message: `line ${l.no}: outside the document's top-level ${Array.isArray(root) ? "sequence" : "mapping"}; the rest is not read`, line: l.no });
      break;
    }
    return root;
  } catch (e) {
    if (e instanceof YamlStop) {
      problem({ message: `line ${e.line}: ${e.message}; the rest is not read`, line: e.line });
      return null;
    }
    throw e;
  }
}

/** Plain JSON of a value (for comparisons and messages). */
export function yamlToJson(v: YamlValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, yamlToJson(x)]));
  if (Array.isArray(v)) return v.map(yamlToJson);
  return v;
}
