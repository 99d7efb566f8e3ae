// The lines of one event share a node, a time stamp and a serial; they are written one by one and the lines of
// events on other CPUs may come between them, so an event is known complete only by a rule. The rules are
// ausearch's (3.0.9 src/ausearch-lol.c): an event whose first line is a user-space, daemon, anomaly or other
// one-line type is complete at once; any other is complete when a line of a new event is 2 seconds of log time
// (end_of_event_timeout) after it; an EOE line ends it (auditd seldom writes EOE). Memory stays bounded: at most
// MAX_OPEN events are held, and their arguments and paths within MAX_HELD_BYTES; past either the oldest event
// is closed early. A line of an event already closed starts a new event with the same audit_id (so does
// ausearch after its timeout); such lines of the last RECENT_KEYS events closed early are counted and reported
// once at the end. The time rule is a lookup in a stack of the latest beginnings (not a scan of the open events),
// so 300,000 events open at once cost no more per line than one.
// Events come out in the order of their first lines: an event waits until those before it are complete.
import { EventBuilder, type AuditEvent } from "./event.js";
import type { LineValues } from "./fields.js";
import type { AuditLine } from "./line.js";
import { typeNumber } from "./names.js";

export type { AuditEvent };

export const EOE_TIMEOUT = 2;
export const MAX_OPEN = 8192;
export const MAX_HELD_BYTES = 64 * 1024 * 1024;
const RECENT_KEYS = 65536;

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
  /** The how-manieth event beginning this one was. */
  index: number;
  sec: number;
  /** Complete by a rule other than time (one-line type, EOE, a bound); the time rule is isComplete's. */
  complete: boolean;
  builder: EventBuilder;
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

export class EventGrouper {
  /**
   * The events not yet emitted, in the order of their first lines: queue[head..]. (A Map used as a queue walks
   * over its deleted entries from the front until it rehashes: quadratic with thousands open.)
   */
  private queue: Open[] = [];
  private head = 0;
  /** The latest event of each key (an earlier, complete one with the same key may still wait in the queue). */
  private readonly byKey = new Map<string, Open>();
  private readonly recent = new Set<string>();
  private readonly recentRing: (string | undefined)[] = [];
  private recentAt = 0;
  private held = 0;
  private beginnings = 0;
  /**
   * The latest second among the event beginnings after each point: a stack of (index, sec) with falling secs,
   * so the latest beginning after event i is the first entry past i. ausearch's time rule (an event is complete
   * once an event begins EOE_TIMEOUT seconds after it) is then a lookup, not a scan of every open event.
   */
  private maxima: { index: number; sec: number }[] = [];
  readonly stats: GrouperStats = { closedEarly: 0, lateLines: 0, cut: 0 };

  constructor(
    /** Account name of a uid from the target (its /etc/passwd), for lines without ENRICHED names. */
    private readonly accountName: (uid: number | bigint) => string | null,
    readonly limits = { maxOpen: MAX_OPEN, maxHeld: MAX_HELD_BYTES },
  ) {}

  /** Add a line; returns the events now ready, in the order of their first lines. */
  add(line: AuditLine, values: LineValues, filepath: string): AuditEvent[] {
    const key = `${line.node ?? ""}\0${line.sec}.${line.ms}:${line.serial}`;
    let ev = this.byKey.get(key);
    if (ev && this.isComplete(ev)) ev = undefined;
    if (!ev) {
      if (this.recent.has(key)) this.stats.lateLines++;
      ev = this.begin(key, line, values, filepath);
    }
    this.held += ev.builder.take(line, values);
    if (values.audit_type === "EOE") ev.complete = true;
    const out: AuditEvent[] = [];
    for (;;) {
      out.push(...this.ready());
      const size = this.queue.length - this.head;
      if (size <= this.limits.maxOpen && (this.held <= this.limits.maxHeld || size <= 1)) return out;
      // over a bound: the oldest event is closed as it is
      const oldest = this.queue[this.head]!;
      if (this.isComplete(oldest)) continue; // ready() takes it next time round
      oldest.complete = true;
      oldest.early = true;
      this.stats.closedEarly++;
    }
  }

  /** The end of the log: every event still open, in order. */
  finish(): AuditEvent[] {
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.complete = true;
    return this.ready();
  }

  private begin(key: string, line: AuditLine, values: LineValues, filepath: string): Open {
    const index = this.beginnings++;
    while (this.maxima.length && this.maxima[this.maxima.length - 1]!.sec <= line.sec) this.maxima.pop();
    this.maxima.push({ index, sec: line.sec });
    const o: Open = {
      key,
      index,
      sec: line.sec,
      complete: oneLine(values.audit_type),
      builder: new EventBuilder(values, filepath),
      early: false,
    };
    this.queue.push(o);
    this.byKey.set(key, o); // a complete event of the same key stays in the queue, emitted in its turn
    return o;
  }

  private isComplete(o: Open): boolean {
    if (o.complete) return true;
    const m = this.maxima;
    const i = this.firstAfter(o.index);
    if (i < m.length && m[i]!.sec >= o.sec + EOE_TIMEOUT) o.complete = true;
    return o.complete;
  }

  /** The first entry of `maxima` whose beginning came after beginning `index`. */
  private firstAfter(index: number): number {
    const m = this.maxima;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m[mid]!.index > index) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The complete events at the head of the queue. */
  private ready(): AuditEvent[] {
    const out: AuditEvent[] = [];
    const q = this.queue;
    while (this.head < q.length && this.isComplete(q[this.head]!)) {
      const o = q[this.head]!;
      q[this.head++] = undefined as unknown as Open;
      if (this.byKey.get(o.key) === o) this.byKey.delete(o.key);
      this.held -= o.builder.held;
      if (o.early) this.remember(o.key);
      if (o.builder.cut) this.stats.cut++;
      out.push(o.builder.result(this.accountName));
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
    // beginnings before the oldest open event answer no question any more
    const keepFrom = this.head < this.queue.length ? this.queue[this.head]!.index : this.beginnings;
    if (this.maxima.length > 1024) {
      const drop = this.firstAfter(keepFrom);
      if (drop > 1024) this.maxima = this.maxima.slice(drop);
    }
    return out;
  }

  private remember(key: string): void {
    // a ring of the last RECENT_KEYS keys (a Set's oldest entry found by iteration would walk its deleted ones)
    const old = this.recentRing[this.recentAt];
    if (old !== undefined) this.recent.delete(old);
    this.recentRing[this.recentAt] = key;
    this.recentAt = (this.recentAt + 1) % RECENT_KEYS;
    this.recent.add(key);
  }
}
