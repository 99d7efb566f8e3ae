// One event's record, built line by line: the SYSCALL record's values win over the others', a user message's
// res= (or a seccomp code=) is the result when there is no syscall, the arguments of EXECVE records are joined
// (an argument the kernel split over a1[0], a1[1], ... from its bytes), the PATH names kept in order. What it
// holds is bounded per event (MAX_ARGV_BYTES, MAX_PATHS) and counted, so the grouper can bound the sum.
import { decodeLenient, type Timestamp } from "quarry";
import { decodeValue, escapedBytes, valueKind } from "./decode.js";
import { decodedFields, type LineValues } from "./fields.js";
import type { AuditLine } from "./line.js";

/** Arguments kept per event: ARG_MAX is 2 MiB on Linux, and the kernel logs all of them. */
export const MAX_ARGV_BYTES = 1024 * 1024;
export const MAX_PATHS = 1024;
const ARG = /^a(\d{1,7})(?:\[(\d{1,7})\])?$/;

export interface AuditEvent {
  ts: Timestamp | null;
  audit_id: number | bigint;
  node: string | null;
  types: string[];
  syscall: string | null;
  success: boolean | null;
  exit: number | bigint | null;
  exe: string | null;
  comm: string | null;
  pid: number | bigint | null;
  ppid: number | bigint | null;
  uid: number | bigint | null;
  auid: number | bigint | null;
  uid_name: string | null;
  auid_name: string | null;
  ses: number | bigint | null;
  tty: string | null;
  terminal: string | null;
  addr: string | null;
  audit_hostname: string | null;
  acct: string | null;
  op: string | null;
  res: string | null;
  key: string | null;
  proctitle: string | null;
  cwd: string | null;
  paths: string[];
  argv: string[];
  cmd: string | null;
  records: number;
  filepath: string;
}

export class EventBuilder {
  readonly event: AuditEvent;
  /** Bytes of paths and arguments held. */
  held = 0;
  /** Arguments or paths past the bounds were left out. */
  cut = false;
  private fromSyscall = false;
  /** Arguments by index: whole (a0=) or in pieces (a1[0]=, a1[1]=) whose bytes are joined. */
  private readonly args = new Map<number, string | Uint8Array[]>();
  private argBytes = 0;

  constructor(first: LineValues, filepath: string) {
    this.event = emptyEvent(first, filepath);
  }

  /** The event, its arguments joined and its names looked up where the log gave none. */
  result(accountName: (uid: number | bigint) => string | null): AuditEvent {
    const e = this.event;
    const indexes = [...this.args.keys()].sort((a, b) => a - b);
    e.argv = indexes.map((i) => {
      const a = this.args.get(i)!;
      return typeof a === "string" ? a : decodeLenient(Buffer.concat(a));
    });
    if (e.uid_name === null && e.uid !== null) e.uid_name = accountName(e.uid);
    if (e.auid_name === null && e.auid !== null && e.auid !== UNSET) e.auid_name = accountName(e.auid);
    return e;
  }

  /** Add a line of the event; returns the bytes of paths and arguments it added to what the event holds. */
  take(line: AuditLine, v: LineValues): number {
    const before = this.held;
    const e = this.event;
    e.types.push(v.audit_type);
    e.records++;
    const syscall = v.audit_type === "SYSCALL";
    const fill = <K extends keyof AuditEvent>(k: K, value: AuditEvent[K] | null): void => {
      if (value === null) return;
      if (syscall || e[k] === null) e[k] = value as AuditEvent[K];
    };
    fill("pid", v.pid);
    fill("ppid", v.ppid);
    fill("uid", v.uid);
    fill("auid", v.auid);
    fill("ses", v.ses);
    fill("tty", v.tty);
    fill("terminal", v.terminal);
    fill("addr", v.addr);
    fill("audit_hostname", v.audit_hostname);
    fill("acct", v.acct);
    fill("op", v.op);
    fill("res", v.res);
    fill("exe", v.exe);
    fill("comm", v.comm);
    fill("key", v.key);
    fill("cmd", v.cmd);
    if (syscall) {
      this.fromSyscall = true;
      e.syscall = v.syscall;
      e.success = v.success;
      e.exit = v.exit;
    } else if (!this.fromSyscall && e.success === null && v.res !== null) {
      e.success = resultOf(v.res);
    } else if (v.audit_type === "SECCOMP" && e.success === null) {
      e.success = seccompAllowed(line);
    }
    if (v.audit_type === "CWD" || (e.cwd === null && v.cwd !== null)) e.cwd = v.cwd ?? e.cwd;
    if (v.audit_type === "PROCTITLE") e.proctitle = v.proctitle;
    for (const p of line.enriched) {
      if (p.name === "UID") fillName(e, "uid_name", p.value, syscall);
      else if (p.name === "AUID") fillName(e, "auid_name", p.value, syscall);
    }
    if (v.audit_type === "PATH") {
      const name = line.pairs.find((p) => p.name === "name");
      if (name) {
        const text = decodeValue(valueKind("PATH", name), name);
        if (text !== "(null)") this.hold(text.length, () => e.paths.push(text), e.paths.length >= MAX_PATHS);
      }
    }
    if (v.audit_type === "EXECVE") this.takeArgs(line);
    return this.held - before;
  }

  private takeArgs(line: AuditLine): void {
    for (const f of decodedFields("EXECVE", line.pairs)) {
      const m = ARG.exec(f.name);
      if (!m) continue;
      const i = Number(m[1]);
      if (m[2] === undefined) {
        this.hold(f.value.length, () => this.args.set(i, f.value), this.argBytes >= MAX_ARGV_BYTES);
        this.argBytes += f.value.length;
        continue;
      }
      // a piece of a long argument: always hex (the kernel encodes any argument it splits)
      const bytes = Buffer.from(escapedBytes(f.raw));
      let pieces = this.args.get(i);
      if (typeof pieces === "string") continue;
      if (!pieces) this.args.set(i, (pieces = []));
      const list = pieces;
      this.hold(bytes.length, () => list.push(bytes), this.argBytes >= MAX_ARGV_BYTES);
      this.argBytes += bytes.length;
    }
  }

  private hold(bytes: number, keep: () => void, over: boolean): void {
    if (over) {
      this.cut = true;
      return;
    }
    keep();
    this.held += bytes;
  }
}


const UNSET = 4294967295;

function fillName(e: AuditEvent, k: "uid_name" | "auid_name", value: string, override: boolean): void {
  const name = value === "unset" ? null : value;
  if (override || e[k] === null) e[k] = name;
}

const SECCOMP_RET_ACTION = 0x7fff0000;
const SECCOMP_RET_ALLOW = 0x7fff0000;

/** A seccomp record's code= (hex): the filter let the syscall through (auparse: "allow" is a success). */
function seccompAllowed(line: AuditLine): boolean | null {
  const code = line.pairs.find((p) => p.name === "code")?.value;
  if (code === undefined || !/^(0x)?[0-9a-fA-F]{1,8}$/.test(code)) return null;
  return (Number.parseInt(code.replace(/^0x/, ""), 16) & SECCOMP_RET_ACTION) >>> 0 === SECCOMP_RET_ALLOW;
}

/** A user message's res= as a success (libaudit writes success/failed; kernel records 1/0). */
function resultOf(res: string): boolean | null {
  if (res === "success" || res === "yes" || res === "1") return true;
  if (res === "failed" || res === "no" || res === "0") return false;
  return null;
}

function emptyEvent(v: LineValues, filepath: string): AuditEvent {
  return {
    ts: v.ts,
    audit_id: v.audit_id,
    node: v.node,
    types: [],
    syscall: null,
    success: null,
    exit: null,
    exe: null,
    comm: null,
    pid: null,
    ppid: null,
    uid: null,
    auid: null,
    uid_name: null,
    auid_name: null,
    ses: null,
    tty: null,
    terminal: null,
    addr: null,
    audit_hostname: null,
    acct: null,
    op: null,
    res: null,
    key: null,
    proctitle: null,
    cwd: null,
    paths: [],
    argv: [],
    cmd: null,
    records: 0,
    filepath,
  };
}
