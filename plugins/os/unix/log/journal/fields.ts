// Journal fields → record fields. A known field (systemd.journal-fields(7), systemd-coredump(8)) becomes its
// own record field, named as dissect.target names it: lowercased, leading underscores dropped (`_PID` → `pid`),
// `_HOSTNAME` → `journal_hostname` (the record's `hostname` is the target's). Typed where the type is known; a
// value that is not of the type (an application may write `PRIORITY=high`) and every other field is kept whole
// as "NAME=value" in `fields`, so nothing journalctl shows is lost.
import { decodeLenient, Timestamp, type FieldTypeName } from "quarry";

export type FieldKind = "string" | "varint" | "path" | "datetime";

export interface KnownField {
  /** The journal's field name. */
  journal: string;
  /** The record's field name. */
  field: string;
  kind: FieldKind;
}

function f(journal: string, kind: FieldKind = "string", field = journal.replace(/^_+/, "").toLowerCase()): KnownField {
  return { journal, field, kind };
}

/** Record field order: user fields, trusted fields, kernel fields, coredump fields. */
export const KNOWN_FIELDS: readonly KnownField[] = [
  // written by the program (systemd.journal-fields(7), "User Journal Fields")
  f("MESSAGE"),
  f("MESSAGE_ID"),
  f("PRIORITY", "varint"),
  f("CODE_FILE", "path"),
  f("CODE_LINE", "varint"),
  f("CODE_FUNC"),
  f("ERRNO", "varint"),
  f("INVOCATION_ID"),
  f("USER_INVOCATION_ID"),
  f("SYSLOG_FACILITY", "varint"),
  f("SYSLOG_IDENTIFIER"),
  f("SYSLOG_PID", "varint"),
  f("SYSLOG_TIMESTAMP"),
  f("SYSLOG_RAW"),
  f("DOCUMENTATION"),
  f("TID", "varint"),
  f("UNIT"),
  f("USER_UNIT"),
  // added by journald ("Trusted Journal Fields")
  f("_PID", "varint"),
  f("_UID", "varint"),
  f("_GID", "varint"),
  f("_COMM"),
  f("_EXE", "path"),
  f("_CMDLINE"),
  f("_CAP_EFFECTIVE"),
  f("_AUDIT_SESSION", "varint"),
  f("_AUDIT_LOGINUID", "varint"),
  f("_SYSTEMD_CGROUP", "path"),
  f("_SYSTEMD_SLICE"),
  f("_SYSTEMD_UNIT"),
  f("_SYSTEMD_USER_UNIT"),
  f("_SYSTEMD_USER_SLICE"),
  f("_SYSTEMD_SESSION"),
  f("_SYSTEMD_OWNER_UID", "varint"),
  f("_SYSTEMD_INVOCATION_ID"),
  f("_SELINUX_CONTEXT"),
  f("_SOURCE_REALTIME_TIMESTAMP", "datetime"),
  f("_SOURCE_MONOTONIC_TIMESTAMP", "varint"),
  f("_SOURCE_BOOTTIME_TIMESTAMP", "varint"),
  f("_MACHINE_ID"),
  f("_HOSTNAME", "string", "journal_hostname"),
  f("_TRANSPORT"),
  f("_STREAM_ID"),
  f("_LINE_BREAK"),
  f("_NAMESPACE"),
  f("_RUNTIME_SCOPE"),
  // the kernel's ("Kernel Journal Fields")
  f("_KERNEL_DEVICE"),
  f("_KERNEL_SUBSYSTEM"),
  f("_UDEV_SYSNAME"),
  f("_UDEV_DEVNODE", "path"),
  f("_UDEV_DEVLINK", "path"),
  // systemd-coredump's
  f("COREDUMP_UNIT"),
  f("COREDUMP_USER_UNIT"),
  f("COREDUMP_SLICE"),
  f("COREDUMP_SIGNAL", "varint"),
  f("COREDUMP_SIGNAL_NAME"),
  f("COREDUMP_PID", "varint"),
  f("COREDUMP_UID", "varint"),
  f("COREDUMP_GID", "varint"),
  f("COREDUMP_OWNER_UID", "varint"),
  f("COREDUMP_SESSION"),
  f("COREDUMP_TIMESTAMP", "datetime"),
  f("COREDUMP_RLIMIT", "varint"),
  f("COREDUMP_HOSTNAME"),
  f("COREDUMP_COMM"),
  f("COREDUMP_EXE", "path"),
  f("COREDUMP_CMDLINE"),
  f("COREDUMP_CGROUP", "path"),
  f("COREDUMP_CWD", "path"),
  f("COREDUMP_ROOT", "path"),
  f("COREDUMP_FILENAME", "path"),
  f("COREDUMP_TRUNCATED"),
  f("COREDUMP_OPEN_FDS"),
  f("COREDUMP_ENVIRON"),
  f("COREDUMP_PROC_STATUS"),
  f("COREDUMP_PROC_MAPS"),
  f("COREDUMP_PROC_LIMITS"),
  f("COREDUMP_PROC_CGROUP"),
  f("COREDUMP_PROC_MOUNTINFO"),
  f("COREDUMP_PROC_AUXV"),
  f("COREDUMP_CONTAINER_CMDLINE"),
  f("COREDUMP_PACKAGE_NAME"),
  f("COREDUMP_PACKAGE_VERSION"),
  f("COREDUMP_PACKAGE_JSON"),
];

export const RECORD_TYPE: Readonly<Record<FieldKind, FieldTypeName>> = { string: "string", varint: "varint", path: "path", datetime: "datetime" };

const SLOT_OF = new Map(KNOWN_FIELDS.map((k, i) => [k.journal, i]));

/** Where a DATA object's value goes. */
export const SLOT_FIELDS = -1;
/** `_BOOT_ID=`: the entry's own boot_id says it (journalctl prints that one); kept in `fields` only if it differs. */
export const SLOT_BOOT_ID = -2;
/** A DATA object that could not be read: the entry is emitted without it (the error was reported). */
export const SLOT_BROKEN = -3;

/** One DATA object's field, decoded once (and cached by offset when more entries share it). */
export interface Decoded {
  slot: number;
  /** The typed value (slot ≥ 0) or the boot id text (SLOT_BOOT_ID). */
  value: unknown;
  name: string;
  /** The value's text; null for a typed value, whose text is its canonical rendering (pairOf). */
  text: string | null;
  /** "NAME=value", made when first needed (pairOf). */
  pair: string | null;
  /** What the cache counts for it, about its size in bytes. */
  weight: number;
  /** The DATA object's stored hash (regular files' entry items repeat it). */
  hashHi: number;
  hashLo: number;
  /** The payload's Jenkins hash, of which an ENTRY's xor_hash is made. */
  jenkinsHi: number;
  jenkinsLo: number;
}

export function blankDecoded(): Decoded {
  return { slot: SLOT_BROKEN, value: null, name: "", text: "", pair: "", weight: 0, hashHi: 0, hashLo: 0, jenkinsHi: 0, jenkinsLo: 0 };
}

export const BROKEN: Decoded = blankDecoded();

/** The text a typed value was read from: integers and times are only taken in their one canonical form. */
function textOf(d: Decoded): string {
  if (d.text !== null) return d.text;
  const v = d.value;
  return v instanceof Timestamp ? String(BigInt(v.seconds) * 1_000_000n + BigInt(v.micros)) : String(v);
}

/** "NAME=value": for `fields`, and for a second value of a known field. */
export function pairOf(d: Decoded): string {
  return (d.pair ??= d.name + "=" + textOf(d));
}

// Field names seen, by their bytes: a unique MESSAGE costs no new name string and no Map probe by text.
// Direct-mapped on an FNV-1a hash of the bytes, so hostile files with a million names cost no more memory.
interface NameEntry {
  bytes: Uint8Array;
  name: string;
  slot: number;
}
const NAME_TABLE = 1024;
const names: (NameEntry | undefined)[] = new Array<NameEntry | undefined>(NAME_TABLE);

function nameAt(b: Uint8Array, start: number, end: number): NameEntry {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  const idx = (h >>> 0) & (NAME_TABLE - 1);
  const e = names[idx];
  const len = end - start;
  if (e !== undefined && e.bytes.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (e.bytes[i] !== b[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return e;
  }
  const name = decodeLenient(b, start, end);
  const slot = name === "_BOOT_ID" ? SLOT_BOOT_ID : (SLOT_OF.get(name) ?? SLOT_FIELDS);
  const fresh: NameEntry = { bytes: new Uint8Array(b.subarray(start, end)), name, slot };
  if (len <= 256) names[idx] = fresh;
  return fresh;
}

/**
 * A decimal integer exactly as written in b[start, end) (an optional '-', no leading zeros, no spaces, at most
 * 20 digits), else undefined: so its text is String(value), and nothing is lost by keeping only the number.
 */
function integer(b: Uint8Array, start: number, end: number): number | bigint | undefined {
  const neg = end > start && b[start] === 0x2d;
  const first = neg ? start + 1 : start;
  const digits = end - first;
  if (digits < 1 || digits > 20) return undefined;
  if (b[first] === 0x30 && (digits > 1 || neg)) return undefined; // "007", "-0"
  let v = 0;
  for (let i = first; i < end; i++) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  if (digits <= 15) return neg ? -v : v;
  let big = 0n;
  for (let i = first; i < end; i++) big = big * 10n + BigInt(b[i]! - 0x30);
  if (neg) big = -big;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** The typed value of b[start, end) for a field of this kind, or undefined when it is not one. */
function typed(kind: FieldKind, b: Uint8Array, start: number, end: number): unknown {
  if (kind === "varint") return integer(b, start, end);
  // "datetime": µs since the epoch, as journald writes _SOURCE_REALTIME_TIMESTAMP and systemd-coredump its TIMESTAMP
  const us = integer(b, start, end);
  if (us === undefined || us < 0) return undefined;
  if (typeof us === "number") return Timestamp.fromUnix(Math.floor(us / 1e6), us % 1e6);
  return Timestamp.fromMicrosInRange(us) ?? undefined;
}

/**
 * The field of payload b[start, end) ("NAME=value"); null when it has no '=' (not a field). Filled into `into`
 * when given (a value no other entry shares is used once: no object of its own).
 */
export function decodeField(
  b: Uint8Array,
  start: number,
  end: number,
  hashHi: number,
  hashLo: number,
  jenkinsHi: number,
  jenkinsLo: number,
  into?: Decoded,
): Decoded | null {
  let eq = start;
  while (eq < end && b[eq] !== 0x3d) eq++;
  if (eq === end) return null;
  const n = nameAt(b, start, eq);
  let slot = n.slot;
  let value: unknown = null;
  let text: string | null = null;
  const kind = slot >= 0 ? KNOWN_FIELDS[slot]!.kind : "string";
  if (kind === "varint" || kind === "datetime") value = typed(kind, b, eq + 1, end);
  if (value === null || value === undefined) {
    text = decodeLenient(b, eq + 1, end);
    if (slot >= 0 && kind !== "varint" && kind !== "datetime") value = text;
    else if (slot === SLOT_BOOT_ID) value = text;
    else {
      if (slot >= 0) slot = SLOT_FIELDS;
      value = null;
    }
  }
  const d = into ?? blankDecoded();
  d.slot = slot;
  d.value = value;
  d.name = n.name;
  d.text = text;
  d.pair = null;
  d.weight = 64 + (end - start) * 2;
  d.hashHi = hashHi;
  d.hashLo = hashLo;
  d.jenkinsHi = jenkinsHi;
  d.jenkinsLo = jenkinsLo;
  return d;
}
