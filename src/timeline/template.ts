// Summary templates (summary.ts): literal text, `{field}` values, and `[…]` optional parts that are left out when
// a value in them is missing. Parsed once when a plugin declares one; a malformed template is a TypeError then,
// not a surprise in the middle of a run.

type Part = { text: string } | { field: string } | { optional: Part[] };

export interface Template {
  readonly parts: readonly Part[];
  /** Every field the template names. */
  readonly fields: readonly string[];
}

const FIELD = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseTemplate(src: string): Template {
  const fields: string[] = [];
  const top: Part[] = [];
  let cur = top;
  let inGroup = false;
  let text = "";
  const flush = (): void => {
    if (text) cur.push({ text });
    text = "";
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const next = src[i + 1];
    if ((c === "{" || c === "}" || c === "[" || c === "]") && next === c) {
      text += c;
      i++;
    } else if (c === "{") {
      const end = src.indexOf("}", i);
      const name = end < 0 ? "" : src.slice(i + 1, end);
      if (!FIELD.test(name)) throw new TypeError(`summary template: a {field} at character ${i} is not a field name: ${JSON.stringify(src)}`);
      flush();
      cur.push({ field: name });
      fields.push(name);
      i = end;
    } else if (c === "[") {
      if (inGroup) throw new TypeError(`summary template: optional parts do not nest (character ${i}): ${JSON.stringify(src)}`);
      flush();
      const group: Part[] = [];
      top.push({ optional: group });
      cur = group;
      inGroup = true;
    } else if (c === "]") {
      if (!inGroup) throw new TypeError(`summary template: "]" without "[" at character ${i}: ${JSON.stringify(src)}`);
      flush();
      cur = top;
      inGroup = false;
    } else if (c === "}") {
      throw new TypeError(`summary template: "}" without "{" at character ${i}: ${JSON.stringify(src)}`);
    } else text += c;
  }
  if (inGroup) throw new TypeError(`summary template: "[" not closed: ${JSON.stringify(src)}`);
  flush();
  return { parts: top, fields };
}

/** Render with `value(name)`: a field's text, or null when it is missing (its optional part is left out). */
export function renderTemplate(t: Template, value: (name: string) => string | null): string {
  const render = (parts: readonly Part[]): string | null => {
    let out = "";
    for (const p of parts) {
      if ("text" in p) out += p.text;
      else if ("field" in p) {
        const v = value(p.field);
        if (v === null) return null;
        out += v;
      } else out += render(p.optional) ?? "";
    }
    return out;
  };
  // At the top level a missing value is simply empty; only an optional part disappears whole.
  let out = "";
  for (const p of t.parts) {
    if ("text" in p) out += p.text;
    else if ("field" in p) out += value(p.field) ?? "";
    else out += render(p.optional) ?? "";
  }
  return out;
}
