// Shell-style patterns for paths inside a target: * ? [..] within one component, ** across directories.

export type GlobPart = { kind: "literal"; name: string } | { kind: "match"; re: RegExp } | { kind: "globstar" };

export function hasMagic(s: string): boolean {
  return /[*?[]/.test(s);
}

/** One path component's pattern as an anchored regular expression. */
export function componentRegex(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      let negate = false;
      if (body[0] === "!" || body[0] === "^") {
        negate = true;
        body = body.slice(1);
      }
      body = body.replace(/[\\\]^]/g, (m) => "\\" + m);
      re += (negate ? "[^" : "[") + body + "]";
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(re + "$", "s");
}

export function compileGlob(pattern: string): GlobPart[] {
  const parts: GlobPart[] = [];
  for (const c of pattern.split("/")) {
    if (c === "" || c === ".") continue;
    if (c === "**") {
      if (parts[parts.length - 1]?.kind !== "globstar") parts.push({ kind: "globstar" });
    } else if (hasMagic(c)) parts.push({ kind: "match", re: componentRegex(c) });
    else parts.push({ kind: "literal", name: c });
  }
  return parts;
}

/** Does a whole path match a pattern (fnmatch-style over components, ** spanning directories)? */
export function matchPath(pattern: string, path: string): boolean {
  const parts = compileGlob(pattern);
  const comps = path.split("/").filter((c) => c !== "");
  const memo = new Map<string, boolean>();
  const rec = (i: number, j: number): boolean => {
    const key = i + ":" + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let ok: boolean;
    if (i === parts.length) ok = j === comps.length;
    else {
      const p = parts[i]!;
      if (p.kind === "globstar") ok = rec(i + 1, j) || (j < comps.length && rec(i, j + 1));
      else if (j >= comps.length) ok = false;
      else if (p.kind === "literal") ok = p.name === comps[j] && rec(i + 1, j + 1);
      else ok = p.re.test(comps[j]!) && rec(i + 1, j + 1);
    }
    memo.set(key, ok);
    return ok;
  };
  return rec(0, 0);
}
