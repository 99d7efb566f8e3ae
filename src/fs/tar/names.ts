// Archive member names → paths inside the target. The one place where a member name is cleaned: only a
// leading "./" or "/" (repeated) is stripped, then the layout prefix ("[root]", "fs/$rootfs$") when asked.
// Nothing is replaced in the middle of a name (dissect's `replace("fs/", "")` turned
// fs/$rootfs$/etc/nfs/exports into etc/nexports). A ".." segment anywhere means the member is skipped.

export type SanitizedName = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Clean a raw member name. Returns the relative path ("" for the archive root itself) or why it is skipped.
 * With `prefix`, the name must lie at or below that prefix (after the leading "./" or "/" is stripped) and the
 * prefix is removed; a name outside the prefix is reported as { ok: false, reason: "outside prefix" }.
 */
export function sanitizeMemberName(raw: string, prefix?: string): SanitizedName {
  // Fast path (almost every member): nothing to strip or check, and no prefix.
  if ((prefix === undefined || prefix === "") && isPlain(raw)) return { ok: true, path: raw };
  if (raw.includes("\0")) return { ok: false, reason: "name contains a NUL byte" };
  let name = raw;
  for (;;) {
    if (name.startsWith("./")) name = name.slice(2);
    else if (name.startsWith("/")) name = name.slice(1);
    else break;
  }
  if (name === ".") name = "";
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return { ok: false, reason: "name has a '..' segment" };
    parts.push(part);
  }
  if (prefix !== undefined && prefix !== "") {
    const pre = prefix.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.length < pre.length || pre.some((p, i) => parts[i] !== p)) return { ok: false, reason: "outside prefix" };
    parts.splice(0, pre.length);
  }
  return { ok: true, path: parts.join("/") };
}

/** No leading "/" or ".", no "//", no trailing "/", no "." or ".." segment (nor any ".." at all), no NUL. */
function isPlain(name: string): boolean {
  if (name === "" || name.charCodeAt(0) === 0x2f || name.charCodeAt(0) === 0x2e || name.charCodeAt(name.length - 1) === 0x2f) return false;
  return !name.includes("//") && !name.includes("/.") && !name.includes("..") && !name.includes("\0");
}
