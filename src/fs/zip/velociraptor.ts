// Velociraptor's escaping of path components in its collection zips (utils.SanitizeStringForZip in its
// source): characters a Windows file name cannot hold ( ?"*:|<>%/\ ), bytes that are not UTF-8, and a leading
// or trailing "." or " " are written as %XX (upper-case hex of the byte); everything else, Unicode included,
// is kept. Decoding is the inverse: %XX → the byte, then the bytes read as UTF-8.

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * One component decoded. A component that decodes to a "/" or NUL is kept as written: decoded it would
 * change the tree's shape (or hide a byte), and the escaped name is still the file's honest name.
 */
export function unescapeComponent(component: string): string {
  if (!component.includes("%")) return component;
  const b = Buffer.from(component, "utf8");
  const out = Buffer.alloc(b.length);
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    const hi = b[i] === 0x25 && i + 2 < b.length + 0 ? hex(b[i + 1]!) : -1;
    const lo = hi >= 0 ? hex(b[i + 2]!) : -1;
    if (lo >= 0) {
      out[j++] = (hi << 4) | lo;
      i += 2;
    } else out[j++] = b[i]!;
  }
  const s = out.subarray(0, j).toString("utf8");
  return s.includes("/") || s.includes("\0") ? component : s;
}

/** A member name with every component below `uploads/` decoded; names elsewhere are Velociraptor's own files. */
export function unescapeUploadPath(name: string): string {
  const parts = name.split("/");
  const start = parts.findIndex((p) => p !== "" && p !== ".");
  if (start < 0 || parts[start] !== "uploads") return name;
  return parts.map((p, i) => (i > start ? unescapeComponent(p) : p)).join("/");
}
