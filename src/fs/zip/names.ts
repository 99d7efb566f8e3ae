// What a zip member name may not be, beyond the tar rules (src/fs/tar/names.ts sanitizeMemberName, applied
// after this): zips written on Windows may use "\" as the separator and start with a drive letter. A Linux
// file name may hold a backslash (systemd's "dev-disk-by\x2duuid.swap"), so a backslash is kept as part of
// the name unless reading it as a separator would make the name climb ("..\..\x"), absolute ("\etc\x") or
// rooted in a drive ("C:\x"): then the member is skipped. A leading drive letter ("C:/x") is skipped too.

/** Why the member is skipped, or null when its name goes on to sanitizeMemberName. */
export function zipNameProblem(name: string): string | null {
  if (/^[A-Za-z]:/.test(name)) return "name starts with a drive letter";
  if (!name.includes("\\")) return null;
  const asWindows = name.replace(/\\/g, "/");
  if (asWindows.startsWith("/")) return "name is absolute when its backslashes are read as separators";
  if (asWindows.split("/").includes("..")) return "name has a '..' segment when its backslashes are read as separators";
  return null;
}
