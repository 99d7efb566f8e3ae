// The lines of a passwd(5) file: the users plugin lists them, lastlog names the uids of its slots with them.
// Exported from "quarry" for any plugin that needs the accounts of a target (users, lastlog, shadow, groups).

/**
 * How much of an account database (passwd, group) is read: ~650,000 accounts of 100 bytes, far past any local
 * file (directory services keep theirs elsewhere). A file that claims more is read this far, in whole lines.
 */
export const PASSWD_FILE_LIMIT = 64 * 1024 * 1024;

export interface PasswdEntry {
  name: string;
  passwd: string;
  /** null when the field is not a number. */
  uid: number | null;
  gid: number | null;
  gecos: string;
  /** null when empty. */
  home: string | null;
  /** The rest of the line (a shell path may hold a colon); null when empty. */
  shell: string | null;
  /** Byte offset of the line in the file. */
  offset: number;
}

/** A line that is not an account: fewer than the seven fields. */
export interface PasswdProblem {
  message: string;
  offset: number;
}

function intOrNull(s: string | undefined): number | null {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;
}

/** The accounts of a passwd file's text, in file order; blank lines and # comments skipped. */
export function* parsePasswd(text: string, onMalformed?: (p: PasswdProblem) => void): Generator<PasswdEntry> {
  let offset = 0;
  for (const line of text.split("\n")) {
    const at = offset;
    offset += Buffer.byteLength(line, "utf8") + 1;
    if (!line.trim() || line.startsWith("#")) continue;
    const f = line.replace(/\r$/, "").split(":");
    if (f.length < 7) {
      onMalformed?.({ message: `malformed passwd line (${f.length} fields)`, offset: at });
      continue;
    }
    yield {
      name: f[0]!,
      passwd: f[1]!,
      uid: intOrNull(f[2]),
      gid: intOrNull(f[3]),
      gecos: f[4]!,
      home: f[5] || null,
      shell: f.slice(6).join(":") || null,
      offset: at,
    };
  }
}
