// From a parsed line to the values of its record: the well-known fields in typed columns, every other pair in
// `fields` as name=value (decoded), so that nothing of the line is lost and the typed columns stay few.
import { canonicalIp, Timestamp } from "quarry";
import { decodeValue, keysOf, valueKind } from "./decode.js";
import type { AuditLine, RawPair } from "./line.js";
import { syscallName, typeName } from "./names.js";

/** The typed values of a line; null where the line has no such field (or a value that is no such thing). */
export interface LineValues {
  ts: Timestamp | null;
  audit_type: string;
  audit_id: number | bigint;
  node: string | null;
  audit_hostname: string | null;
  pid: number | bigint | null;
  ppid: number | bigint | null;
  uid: number | bigint | null;
  auid: number | bigint | null;
  ses: number | bigint | null;
  tty: string | null;
  terminal: string | null;
  addr: string | null;
  acct: string | null;
  exe: string | null;
  comm: string | null;
  cwd: string | null;
  cmd: string | null;
  op: string | null;
  syscall: string | null;
  success: boolean | null;
  exit: number | bigint | null;
  key: string | null;
  res: string | null;
  proctitle: string | null;
  fields: string[];
  enriched: string[];
  message: string;
  /** Set by the reader. */
  filepath: string;
}

/** One decoded pair, in line order: what `fields` and the events are made from. */
export interface Field {
  name: string;
  /** Decoded as ausearch -i decodes it (hex and quotes undone). */
  value: string;
  /** The value as written (quotes removed). */
  raw: string;
}

type Typed = "audit_hostname" | "pid" | "ppid" | "uid" | "auid" | "ses" | "tty" | "terminal" | "addr" | "acct" | "exe" | "comm" | "cwd" | "cmd" | "op" | "syscall" | "success" | "exit" | "key" | "res" | "proctitle";

// field name in the line → column
const COLUMN: Readonly<Record<string, Typed>> = {
  hostname: "audit_hostname",
  pid: "pid",
  ppid: "ppid",
  uid: "uid",
  auid: "auid",
  ses: "ses",
  tty: "tty",
  terminal: "terminal",
  addr: "addr",
  acct: "acct",
  exe: "exe",
  comm: "comm",
  cwd: "cwd",
  cmd: "cmd",
  op: "op",
  syscall: "syscall",
  success: "success",
  exit: "exit",
  key: "key",
  res: "res",
  proctitle: "proctitle",
};

const INTEGER = /^-?\d{1,20}$/;
// "?" is how libaudit writes an unknown hostname, address or terminal; "(none)" a process without a tty
const NONE = new Set(["?", "(none)"]);

/** A decimal integer (a bigint past 2^53), or null. */
export function integer(v: string): number | bigint | null {
  if (!INTEGER.test(v)) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : BigInt(v);
}

/** The decoded pairs of a line. */
export function decodedFields(type: string, pairs: readonly RawPair[]): Field[] {
  return pairs.map((p) => ({ name: p.name, value: decodeValue(valueKind(type, p), p), raw: p.value }));
}

export function lineValues(line: AuditLine): LineValues {
  const type = typeName(line.type);
  const v: LineValues = {
    ts: Timestamp.fromUnixInRange(line.sec, line.ms * 1000),
    audit_type: type,
    audit_id: line.serial,
    node: line.node,
    audit_hostname: null,
    pid: null,
    ppid: null,
    uid: null,
    auid: null,
    ses: null,
    tty: null,
    terminal: null,
    addr: null,
    acct: null,
    exe: null,
    comm: null,
    cwd: null,
    cmd: null,
    op: null,
    syscall: null,
    success: null,
    exit: null,
    key: null,
    res: null,
    proctitle: null,
    fields: [],
    enriched: line.enriched.map((p) => `${p.name}=${p.value}`),
    message: line.message,
    filepath: "",
  };
  const taken = new Set<Typed>();
  const arch = line.pairs.find((p) => p.name === "arch")?.value ?? null;
  for (const f of decodedFields(type, line.pairs)) {
    const col = COLUMN[f.name];
    if (col && !taken.has(col) && setColumn(v, col, f, arch)) taken.add(col);
    else v.fields.push(`${f.name}=${f.value}`);
  }
  return v;
}

/** Put a field in its column; false when its value is no such thing (the caller keeps it in `fields`). */
function setColumn(v: LineValues, col: Typed, f: Field, arch: string | null): boolean {
  switch (col) {
    case "pid":
    case "ppid":
    case "uid":
    case "auid":
    case "ses":
    case "exit": {
      const n = integer(f.value);
      if (n === null) return false;
      v[col] = n;
      return true;
    }
    case "success":
      if (f.value !== "yes" && f.value !== "no") return false;
      v.success = f.value === "yes";
      return true;
    case "addr": {
      if (f.raw === "?") return true;
      const ip = canonicalIp(f.value);
      if (ip === null) return false;
      v.addr = ip;
      return true;
    }
    case "syscall":
      v.syscall = syscallName(arch, f.value) ?? f.value;
      return true;
    case "key": {
      const keys = keysOf(f.value);
      v.key = keys.length ? keys.join(",") : null;
      return true;
    }
    case "tty":
    case "terminal":
    case "audit_hostname":
      v[col] = NONE.has(f.raw) ? null : f.value;
      return true;
    default:
      v[col] = f.value === "(null)" ? null : f.value;
      return true;
  }
}
