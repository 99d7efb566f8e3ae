// POSIX paths inside a target: always absolute, "/" separated. Lexical helpers only; symlinks and ".."
// across them are resolved by the RootFilesystem, component by component.

/** Split into components, dropping empty and "." parts ("..": kept; the resolver handles it). */
export function components(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split("/")) if (part !== "" && part !== ".") out.push(part);
  return out;
}

/** Lexical normalisation: absolute, no "." or empty parts, ".." stops at the root. */
export function normalize(path: string): string {
  const stack: string[] = [];
  for (const part of components(path)) {
    if (part === "..") stack.pop();
    else stack.push(part);
  }
  return "/" + stack.join("/");
}

export function join(...parts: string[]): string {
  return normalize(parts.join("/"));
}

export function basename(path: string): string {
  const c = components(path);
  return c.length ? c[c.length - 1]! : "/";
}

export function dirname(path: string): string {
  const c = components(normalize(path));
  c.pop();
  return "/" + c.join("/");
}

/** True when `path` is `prefix` or lies below it (both normalised). */
export function isWithin(path: string, prefix: string): boolean {
  if (prefix === "/") return true;
  return path === prefix || path.startsWith(prefix + "/");
}
