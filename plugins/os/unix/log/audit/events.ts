// The lines of one event share a node, a time stamp and a serial; they are written one by one and the lines of
// events on other CPUs may come between them, so an event is known complete only by a rule. The rules are
// ausearch's (3.0.9 src/ausearch-lol.c): an event whose first line is a user-space, daemon, anomaly or other
// one-line type is complete at once; any other is complete when a line of a new event is 2 seconds of log time
// (end_of_event_timeout) after it; an EOE line ends it (auditd seldom writes EOE). Memory stays bounded: at most
// MAX_OPEN events are held, and their arguments and paths within MAX_HELD_BYTES; past either the oldest event
// is closed early. A line of an event already closed starts a new event with the same audit_id (so does
// ausearch after its timeout); such lines are counted and reported once at the end.
// Events come out in the order of their first lines: an event waits until those before it are complete.
import { decodeLenient, type Timestamp } from "quarry";
import { decodeValue, escapedBytes, valueKind } from "./decode.js";
import { decodedFields, type LineValues } from "./fields.js";
import type { AuditLine } from "./line.js";
import { typeNumber } from "./names.js";

export const EOE_TIMEOUT = 2;
export const MAX_OPEN = 8192;
export const MAX_HELD_BYTES = 64 * 1024 * 1024;
/** Arguments kept per event: ARG_MAX is 2 MiB on Linux, and the kernel logs all of them. */
export const MAX_ARGV_BYTES = 1024 * 1024;
export const MAX_PATHS = 1024;
const RECENT_KEYS = 65536;

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

export interface GrouperStats {
  /** Events closed before they were complete because too many were open, or held too many bytes. */
  closedEarly: number;
  /** Lines whose event had already been closed (each started a new event with the same audit_id). */
  lateLines: number;
  /** Events whose arguments or paths were cut at MAX_ARGV_BYTES / MAX_PATHS. */
  cut: number;
}

interface Open {
  key: string;
  sec: number;
  complete: boolean;
  event: AuditEvent;
  /** Arguments by index: whole (a0=) or in pieces (a1[0]=, a1[1]=) whose bytes are joined. */
  args: Map<number, string | Uint8Array[]>;
  argBytes: number;
  held: number;
  fromSyscall: boolean;
  cut: boolean;
  /** Closed by a bound, not by a rule: a later line of it is counted as late. */
  early: boolean;
}

const PROCTITLE = typeNumber("PROCTITLE");
const KERNEL = typeNumber("KERNEL");
const UNLBL_ALLOW = typeNumber("MAC_UNLBL_ALLOW");
const CALIPSO_DEL = typeNumber("MAC_CALIPSO_DEL");
const FIRST_EVENT = 1300;
const FIRST_ANOM = 1700;

/** ausearch's one-line events: complete with their first line. */
function oneLine(type: string): boolean {
  const n = typeNumber(type);
  if (n === null) return true; // a type libaudit cannot name: audit_name_to_msg_type gives -1
  return n === PROCTITLE || n < FIRST_EVENT || n >= FIRST_ANOM || n === KERNEL || (UNLBL_ALLOW !== null && CALIPSO_DEL !== null && n >= UNLBL_ALLOW && n <= CALIPSO_DEL);
}

const ARG = /^a(\d{1,7})(?:\[(\d{1,7})\])?$/;

export class EventGrouper {
  private readonly open = new Map<string, Open>();
  private readonly recent = new Set<string>();
  private held = 0;
  private renamed = 0;
  readonly stats: GrouperStats = { closedEarly: 0, lateLines: 0, cut: 0 };

  constructor(
    /** Account name of a uid from the target (its /etc/passwd), for lines without ENRICHED names. */
    private readonly accountName: (uid: number | bigint) => string | null,
    readonly limits = { maxOpen: MAX_OPEN, maxHeld: MAX_HELD_BYTES },
  ) {}

  /** Add a line; returns the events now ready, in the order of their first lines. */
  add(line: AuditLine, values: LineValues, filepath: string): AuditEvent[] {
    const key = `${line.node ?? ""}\0${line.sec}.${line.ms}:${line.serial}`;
    let ev = this.open.get(key);
    if (ev && ev.complete) ev = undefined;
    if (!ev) {
      if (this.recent.has(key)) this.stats.lateLines++;
      // a new event: the time rule for the others (ausearch checks them when an event begins)
      for (const o of this.open.values()) if (!o.complete && o.sec + EOE_TIMEOUT <= line.sec) o.complete = true;
      ev = this.begin(key, line, values, filepath);
    }
    this.take(ev, line, values);
    if (values.audit_type === "EOE") ev.complete = true;
    const out: AuditEvent[] = [];
    for (;;) {
      out.push(...this.ready());
      if (this.open.size <= this.limits.maxOpen && (this.held <= this.limits.maxHeld || this.open.size <= 1)) return out;
      // over a bound: the oldest event is closed as it is
      const oldest = this.open.values().next().value as Open;
      oldest.complete = true;
      oldest.early = true;
      this.stats.closedEarly++;
    }
  }

  /** The end of the log: every event still open, in order. */
  finish(): AuditEvent[] {
    for (const o of this.open.values()) o.complete = true;
    return this.ready();
  }

  private begin(key: string, line: AuditLine, values: LineValues, filepath: string): Open {
    // A line with an existing key whose event is complete starts a second event with that key: the map keeps
    // one entry per key, so the completed one is renamed out of the way (it is emitted in its turn).
    const prior = this.open.get(key);
    if (prior) {
      this.open.delete(key);
      prior.key = `${key}\0${++this.renamed}`;
      this.open.set(prior.key, prior);
    }
    const o: Open = {
      key,
      sec: line.sec,
      complete: oneLine(values.audit_type),
      event: emptyEvent(values, filepath),
      args: new Map(),
      argBytes: 0,
      held: 0,
      fromSyscall: false,
      cut: false,
      early: false,
    };
    this.open.set(key, o);
    return o;
  }

  /** The complete events at the head of the queue. */
  private ready(): AuditEvent[] {
    const out: AuditEvent[] = [];
    for (const o of this.open.values()) {
      if (!o.complete) break;
      this.open.delete(o.key);
      this.held -= o.held;
      if (o.early) this.remember(o.key);
      out.push(this.close(o));
    }
    return out;
  }

  private remember(key: string): void {
    const k = key.split("\0").slice(0, 2).join("\0");
    this.recent.add(k);
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.values().next().value as string);
  }

  private close(o: Open): AuditEvent {
    const e = o.event;
    const indexes = [...o.args.keys()].sort((a, b) => a - b);
    e.argv = indexes.map((i) => {
      const a = o.args.get(i)!;
      return typeof a === "string" ? a : decodeLenient(Buffer.concat(a));
    });
    if (e.uid_name === null && e.uid !== null) e.uid_name = this.accountName(e.uid);
    if (e.auid_name === null && e.auid !== null && e.auid !== UNSET) e.auid_name = this.accountName(e.auid);
    if (o.cut) this.stats.cut++;
    return e;
  }

  private take(o: Open, line: AuditLine, v: LineValues): void {
    const e = o.event;
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
      o.fromSyscall = true;
      e.syscall = v.syscall;
      e.success = v.success;
      e.exit = v.exit;
    } else if (!o.fromSyscall && e.success === null && v.res !== null) {
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
        if (text !== "(null)") this.hold(o, text.length, () => e.paths.push(text), e.paths.length >= MAX_PATHS);
      }
    }
    if (v.audit_type === "EXECVE") this.takeArgs(o, line);
  }

  private takeArgs(o: Open, line: AuditLine): void {
    for (const f of decodedFields("EXECVE", line.pairs)) {
      const m = ARG.exec(f.name);
      if (!m) continue;
      const i = Number(m[1]);
      if (m[2] === undefined) {
        this.hold(o, f.value.length, () => o.args.set(i, f.value), o.argBytes >= MAX_ARGV_BYTES);
        o.argBytes += f.value.length;
        continue;
      }
      // a piece of a long argument: always hex (the kernel encodes any argument it splits)
      const bytes = Buffer.from(escapedBytes(f.raw));
      let pieces = o.args.get(i);
      if (typeof pieces === "string") continue;
      if (!pieces) o.args.set(i, (pieces = []));
      const list = pieces;
      this.hold(o, bytes.length, () => list.push(bytes), o.argBytes >= MAX_ARGV_BYTES);
      o.argBytes += bytes.length;
    }
  }

  private hold(o: Open, bytes: number, keep: () => void, over: boolean): void {
    if (over) {
      o.cut = true;
      return;
    }
    keep();
    o.held += bytes;
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
