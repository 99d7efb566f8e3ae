// Which journal files a target holds, and which are read together. journald writes
// /var/log/journal/<machine-id>/ (persistent) and /run/log/journal/<machine-id>/ (volatile, flushed to /var at
// boot): system.journal, user-<uid>.journal, their archived copies (name@seqnum_id-seqnum-realtime.journal) and
// dirty ones (name@<realtime>-<random>.journal~, left by a crash or found corrupt); a namespace's files are in
// <machine-id>.<namespace>/. systemd-journal-remote writes /var/log/journal/remote/. Every file ending in
// .journal or .journal~ is read; the files of one directory name (one machine id and namespace, whether under
// /var or /run) are merged into one stream (merge.ts), the groups one after another in name order.
import type { Target } from "quarry";

export const JOURNAL_ROOTS = ["/var/log/journal", "/run/log/journal"] as const;
export const JOURNAL_GLOBS = JOURNAL_ROOTS.flatMap((r) => [`${r}/*.journal`, `${r}/*.journal~`, `${r}/*/*.journal`, `${r}/*/*.journal~`]);

export interface JournalGroup {
  /** The directory's name: a machine id, "<machine-id>.<namespace>", another name, or "" for files in a root. */
  key: string;
  /** In path order (/run before /var within a group). */
  files: string[];
}

function isJournalName(p: string): boolean {
  return p.endsWith(".journal") || p.endsWith(".journal~");
}

export function journalFiles(t: Target): string[] {
  const all = new Set<string>();
  for (const g of JOURNAL_GLOBS) for (const p of t.fs.glob(g)) if (isJournalName(p) && t.fs.isFile(p)) all.add(p);
  return [...all].sort();
}

export function groups(files: readonly string[]): JournalGroup[] {
  const by = new Map<string, string[]>();
  for (const p of files) {
    const root = JOURNAL_ROOTS.find((r) => p.startsWith(r + "/"))!;
    const rest = p.slice(root.length + 1);
    const slash = rest.indexOf("/");
    const key = slash < 0 ? "" : rest.slice(0, slash);
    let list = by.get(key);
    if (!list) by.set(key, (list = []));
    list.push(p);
  }
  return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, files]) => ({ key, files: files.sort() }));
}
