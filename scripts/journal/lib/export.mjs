// The journal export format, as systemd's docs/JOURNAL_EXPORT_FORMATS.md defines it: one `NAME=value\n` line per
// field whose value is UTF-8 made only of code points >= 32 or TAB; any other value as `NAME\n`, a 64-bit
// little-endian length, the bytes and `\n`; an empty line ends the entry. `__REALTIME_TIMESTAMP` and
// `__MONOTONIC_TIMESTAMP` give the entry's clocks; systemd-journal-remote ignores other `__` lines (so no
// `__SEQNUM`: the writer numbers entries itself) and takes the entry's boot id from its `_BOOT_ID` field.

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** True when the export format allows the value on a `NAME=value` line. */
export function isTextSafe(bytes) {
  let s;
  try {
    s = utf8.decode(bytes);
  } catch {
    return false;
  }
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c < 32 && c !== 9) return false;
  }
  return true;
}

export function toBytes(value) {
  return Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8");
}

/**
 * One entry: { realtime, monotonic, fields: [[NAME, value], ...] } where a value is a string or a Buffer and
 * a field may repeat. `binary: Set(NAME)` forces the length-prefixed form for printable values too.
 */
export function serializeEntry(entry) {
  const parts = [Buffer.from(`__REALTIME_TIMESTAMP=${entry.realtime}\n__MONOTONIC_TIMESTAMP=${entry.monotonic}\n`, "latin1")];
  for (const [name, value] of entry.fields) {
    const bytes = toBytes(value);
    if (isTextSafe(bytes) && !entry.binary?.has(name)) {
      parts.push(Buffer.from(`${name}=`, "latin1"), bytes, Buffer.from("\n"));
    } else {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(bytes.length));
      parts.push(Buffer.from(`${name}\n`, "latin1"), len, bytes, Buffer.from("\n"));
    }
  }
  parts.push(Buffer.from("\n"));
  return Buffer.concat(parts);
}

export function serializeStream(entries) {
  return Buffer.concat(entries.map(serializeEntry));
}
