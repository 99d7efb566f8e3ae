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

/**
 * Linux's PATH_MAX: the longest path a lookup takes, in bytes. A path given, or reached through symbolic links
 * (the resolved part, a link's target and what is left of the path), that is longer is ENAMETOOLONG. Real
 * systems cannot open such a path either, so no artefact a program wrote is lost by it; it bounds the work of
 * one lookup (with the 40-link limit) whatever the evidence holds.
 */
export const PATH_MAX = 4096;

/** A path's length in bytes as the target stored it: UTF-8, an escaped raw byte (U+DC80..U+DCFF) counting one. */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 code units, 4 bytes
      i++;
    } else if (c < 0xdc80 || c > 0xdcff) n += 2;
  }
  return n;
}

/** A path as a message shows it: whole up to 300 characters, else its start and end around the count left out. */
export function shownPath(p: string): string {
  if (p.length <= 300) return p;
  return `${p.slice(0, 150)}…(${p.length - 300} more characters)…${p.slice(-150)}`;
}
