// The sources of the login story: every function that records logins, run through its own plugin (as
// `target-query -f wtmp` runs it), each record read as observations. Each source is nearly in time order (its
// files oldest rotation first, each in file order); a bounded buffer per source puts local disorder right, and
// the sources are merged by time. Nothing holds more than the buffers: records stream.
import { canonicalIp, type AnyRecord, type FunctionContext, type Plugin, type RecordFunction, type Target } from "quarry";
import audit from "../../audit/index.js";
import authlog from "../../auth/index.js";
import { emptyFields, type AuthFields } from "../../auth/records.js";
import { parseAuthMessage } from "../../auth/parse.js";
import journal from "../../journal/index.js";
import lastlog from "../../lastlog.js";
import lastlog2 from "../../lastlog2.js";
import btmp from "../../utmp/btmp.js";
import utmp from "../../utmp/utmp.js";
import wtmp from "../../utmp/wtmp.js";
import { auditObs } from "./audit.js";
import { lineObs, LogindUsers } from "./authlines.js";
import { MinHeap } from "./heap.js";
import { micros, obs, type Obs } from "./obs.js";
import { btmpObs, lastlogObs, utmpObs } from "./utmp.js";

type Push = (o: Obs) => void;
type Adapter = (r: AnyRecord, out: Push, later: Push) => void;

interface SourceSpec {
  /** The name in `sources` ("authlog:/var/log/auth.log"). */
  name: string;
  plugin: Plugin;
  fn: string;
  /** Observations held to put the source's disorder right (lastlog is in uid order: all of it, one per account). */
  buffer: number;
  adapter(): Adapter;
}

/** Observations read ahead per source, to sort what a source has slightly out of order (clock steps). */
export const REORDER = 1024;

export const SOURCES: readonly SourceSpec[] = [
  { name: "wtmp", plugin: wtmp, fn: "wtmp", buffer: REORDER, adapter: () => (r, out, later) => utmpObs("wtmp", r, out, later) },
  { name: "utmp", plugin: utmp, fn: "utmp", buffer: REORDER, adapter: () => (r, out, later) => utmpObs("utmp", r, out, later) },
  { name: "btmp", plugin: btmp, fn: "btmp", buffer: REORDER, adapter: () => (r, out) => btmpObs(r, out) },
  { name: "lastlog", plugin: lastlog, fn: "lastlog", buffer: Infinity, adapter: () => (r, out) => lastlogObs("lastlog", r, out, canonicalIp) },
  { name: "lastlog2", plugin: lastlog2, fn: "lastlog2", buffer: Infinity, adapter: () => (r, out) => lastlogObs("lastlog2", r, out, canonicalIp) },
  { name: "authlog", plugin: authlog, fn: "authlog", buffer: REORDER, adapter: authlogAdapter },
  { name: "journal", plugin: journal, fn: "journal", buffer: REORDER, adapter: journalAdapter },
  { name: "audit", plugin: audit, fn: "audit.events", buffer: REORDER, adapter: () => (r, out) => auditObs(r, out) },
];

function authlogAdapter(): Adapter {
  const logind = new LogindUsers();
  return (rec, out) => {
    const r = rec as unknown as AuthFields & { ts: AnyRecord["ts"]; service: string | null; pid: number | null; message: string; filepath: string };
    const ts = r.ts as import("quarry").Timestamp | null;
    if (!ts || r.action === null) return;
    const o = lineObs({ t: micros(ts), ts, service: r.service, pid: r.pid, message: r.message, f: r, source: `authlog:${r.filepath}`, auditSession: null }, logind);
    if (o) out(o);
  };
}

interface JournalValues {
  ts: import("quarry").Timestamp | null;
  boot_id: string | null;
  message: string | null;
  syslog_identifier: string | null;
  syslog_pid: number | bigint | null;
  pid: number | bigint | null;
  audit_session: number | bigint | null;
  filepath: string;
}

// identifiers whose messages can be login events (pam_unix lines come from these services too)
const JOURNAL_SERVICES = new Set(["sshd", "sshd-session", "sshd-auth", "sudo", "su", "runuser", "systemd-logind", "login", "gdm-password", "gdm-autologin", "sddm-helper", "lightdm"]);

function journalAdapter(): Adapter {
  const logind = new LogindUsers();
  let boot: string | null = null;
  return (rec, out) => {
    const r = rec as unknown as JournalValues;
    const ts = r.ts;
    if (!ts) return;
    const t = micros(ts);
    if (r.boot_id !== null && r.boot_id !== boot) {
      // a new boot begins with its first entry: nothing joins across it
      if (boot !== null) {
        const m = obs(t, ts, "reboot", "journal_boot", `journal:${r.filepath}`);
        m.role = "marker";
        out(m);
        logind.clear();
      }
      boot = r.boot_id;
    }
    const service = r.syslog_identifier;
    const message = r.message;
    if (service === null || message === null || !JOURNAL_SERVICES.has(service)) return;
    const f = emptyFields();
    parseAuthMessage(service, message, f);
    if (f.action === null) return;
    const pidValue = r.syslog_pid ?? r.pid;
    const pid = typeof pidValue === "number" ? pidValue : null;
    const ses = r.audit_session;
    const auditSession = typeof ses === "number" && ses !== 4294967295 ? String(ses) : null;
    const o = lineObs({ t, ts, service, pid, message, f, source: `journal:${r.filepath}`, auditSession }, logind);
    if (o) out(o);
  };
}

/**
 * One source's observations in time order, as far as its buffer reaches: a sorted window, appended to at its
 * end when in order (nearly always: O(1)), else inserted where it belongs.
 */
class SourceStream {
  private buf: Obs[] = [];
  private head = 0;
  private done = false;
  private seq = 0;
  private readonly push: Push;

  constructor(
    private readonly records: Iterator<AnyRecord>,
    private readonly adapt: Adapter,
    private readonly buffer: number,
    private readonly later: Push,
  ) {
    this.push = (o) => {
      o.seq = this.seq++;
      const b = this.buf;
      if (b.length === this.head || b[b.length - 1]!.t <= o.t) {
        b.push(o);
        return;
      }
      // out of order: after the last one not later than it (ties keep file order)
      let lo = this.head;
      let hi = b.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (b[mid]!.t <= o.t) lo = mid + 1;
        else hi = mid;
      }
      b.splice(lo, 0, o);
    };
  }

  peek(): Obs | undefined {
    while (!this.done && this.buf.length - this.head < this.buffer) {
      const n = this.records.next();
      if (n.done) this.done = true;
      else this.adapt(n.value, this.push, this.later);
    }
    return this.buf[this.head];
  }

  pop(): Obs | undefined {
    const o = this.buf[this.head];
    if (o === undefined) return undefined;
    this.buf[this.head++] = undefined as unknown as Obs;
    if (this.head >= 4096 && this.head * 2 >= this.buf.length) {
      this.buf = this.buf.slice(this.head);
      this.head = 0;
    }
    return o;
  }

  close(): void {
    this.records.return?.();
  }
}

function before(a: Obs, b: Obs): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

export interface OpenedSources {
  /** The observations of every source, merged by time. */
  observations: Iterable<Obs>;
  /** The functions that ran (for the per-source counts and the report). */
  names: string[];
  close(): void;
}

/** The context a source function runs in: the story's own arguments it shares (byte order, time zone). */
function sourceContext(ctx: FunctionContext): FunctionContext {
  const args: Record<string, string | number | boolean | undefined> = {};
  for (const k of ["byte-order", "timezone"]) if (ctx.args[k] !== undefined) args[k] = ctx.args[k];
  return { args, warn: (i) => ctx.warn(i), error: (i) => ctx.error(i) };
}

async function recordsOf(t: Target, spec: SourceSpec, ctx: FunctionContext): Promise<Iterator<AnyRecord> | null> {
  const compat = await spec.plugin.checkCompatible(t);
  if (!compat.ok) return null;
  const fn = spec.plugin.functions[spec.fn] as RecordFunction;
  const src = await fn.run(t, sourceContext(ctx));
  if (Symbol.iterator in src) return (src as Iterable<AnyRecord>)[Symbol.iterator]();
  // a source that yields asynchronously (none of today's large ones): its records are gathered first
  const all: AnyRecord[] = [];
  for await (const r of src as AsyncIterable<AnyRecord>) all.push(r);
  return all[Symbol.iterator]();
}

/** Records of one source, already read (tests give real-format records of a source this way). */
export interface SourceRecords {
  name: string;
  records: Iterable<AnyRecord>;
}

/** Open every source the target has (`only` limits them, for tests and the bench) and merge them by time. */
export async function openSources(t: Target, ctx: FunctionContext, only?: readonly string[]): Promise<OpenedSources> {
  const inputs: { spec: SourceSpec; records: Iterator<AnyRecord> }[] = [];
  try {
    for (const spec of SOURCES) {
      if (only && !only.includes(spec.name)) continue;
      const it = await recordsOf(t, spec, ctx);
      if (it) inputs.push({ spec, records: it });
    }
  } catch (e) {
    for (const i of inputs) i.records.return?.();
    throw e;
  }
  return merged(inputs);
}

/** The same merge over records given by source name. */
export function mergeRecords(given: readonly SourceRecords[]): OpenedSources {
  return merged(
    given.map((g) => {
      const spec = SOURCES.find((s) => s.name === g.name);
      if (!spec) throw new Error(`no login source ${g.name}`);
      return { spec, records: g.records[Symbol.iterator]() };
    }),
  );
}

function merged(inputs: readonly { spec: SourceSpec; records: Iterator<AnyRecord> }[]): OpenedSources {
  const deferred = new MinHeap<Obs>(before);
  let laterSeq = 0;
  const later: Push = (o) => {
    o.seq = laterSeq++;
    deferred.push(o);
  };
  // in SOURCES order: at equal times the first source's observation goes first
  const order = [...inputs].sort((a, b) => SOURCES.indexOf(a.spec) - SOURCES.indexOf(b.spec));
  const streams = order.map((i) => new SourceStream(i.records, i.spec.adapter(), i.spec.buffer, later));
  return {
    names: order.map((i) => i.spec.name),
    observations: (function* () {
      for (;;) {
        let best: SourceStream | null = null;
        let head: Obs | undefined;
        for (const s of streams) {
          const o = s.peek();
          if (o && (!head || o.t < head.t)) {
            head = o;
            best = s;
          }
        }
        const d = deferred.peek();
        if (d && (!head || d.t < head.t)) {
          yield deferred.pop()!;
          continue;
        }
        if (!best) return;
        yield best.pop()!;
      }
    })(),
    close() {
      for (const s of streams) s.close();
    },
  };
}
