// The join: observations in time order become events. An observation joins the pending event it agrees with
// (same action, every key both carry equal, a free slot for its kind and source, within the skew, same boot),
// preferring one it shares a process, port or session key with, then the nearest in time; else it opens an
// event. Events are kept only while something may still join them (the skew, or the continuation an event
// waits for), then handed on in the order they began. The rules are docs/logins.md's.
import type { Assembled } from "./event.js";
import { KEYS, Pending } from "./event.js";
import { MinHeap } from "./heap.js";
import type { Obs } from "./obs.js";

/** The skew between two sources' times of one event, µs (syslog has whole seconds, wtmp and the journal µs). */
export const SKEW = 2_000_000;
/** logind's "System is rebooting" comes when the shutdown begins, wtmp's record when it ends. */
export const SHUTDOWN_SKEW = 10_000_000;
/** A PAM "authentication failure" precedes its Failed line by pam_faildelay (2 s by default, more with jitter). */
export const PAM_HOLD = 10_000_000;
/** "Invalid user X" waits this long for the Failed line of its pid (sshd's LoginGraceTime, 120 s). */
export const INVALID_HOLD = 120_000_000;
/** A sudo/su event waits this long for its PAM session's end; a later end is an event of its own. */
export const CLOSE_HOLD = 600_000_000;

/** A journal's new boot this close after a boot record (wtmp, audit) is that boot, µs. */
export const BOOT_REACH = 60_000_000;

/** Kinds of which one event takes more than one line of a source: the two CRED_ACQ of a login. */
const SLOTS: Record<string, number> = { audit_CRED_ACQ: 2 };
/**
 * And of an invalid user's attempt: sshd writes btmp and audit's USER_LOGIN res=failed once at "Invalid user"
 * (getpwnamallow) and once more for its Failed password.
 */
const INVALID_SLOTS: Record<string, number> = { btmp: 2, audit_USER_LOGIN: 2 };

function slots(e: Pending, kind: string): number {
  return (e.action === "invalid_user" ? INVALID_SLOTS[kind] : undefined) ?? SLOTS[kind] ?? 1;
}
/** The opening line a close continues, by kind. */
const OPENS: Record<string, string> = { pam_close: "pam_open", audit_USER_END: "audit_USER_START", audit_CRED_DISP: "audit_USER_START" };

export interface JoinStats {
  /** Observations that came earlier than one already joined (a source out of time order past its buffer). */
  late: number;
}

export class Joiner {
  private readonly queue: Pending[] = [];
  private head = 0;
  // pending events by each key an observation looks them up with (no key strings built per observation)
  private readonly byPid: Index = new Map();
  private readonly bySession: Index = new Map();
  private readonly byUser: Index = new Map();
  private readonly byPort: Index = new Map();
  private readonly misc: Index = new Map();
  private readonly expiry = new MinHeap<[number, Pending]>((a, b) => a[0] < b[0]);
  private phase = 0;
  private boot = 0;
  private now = -Infinity;
  private mark = 0;
  private seq = 0;
  /** Finished events waiting for an older open one, by time (then by when they began). */
  private readonly ready = new MinHeap<[Assembled, number]>((a, b) => a[0].t < b[0].t || (a[0].t === b[0].t && a[1] < b[1]));
  private lastBoot = -Infinity;
  readonly stats: JoinStats = { late: 0 };

  constructor(private readonly emit: (e: Assembled) => void) {}

  add(o: Obs): void {
    if (o.t < this.now) this.stats.late++;
    else this.now = o.t;
    this.expire(this.now);
    if (o.role === "boot" || o.role === "marker") return this.bootBegins(o);
    if (o.action === "shutdown") return this.shutdown(o);
    if (o.role === "close" && this.close(o)) return;
    if (o.role === "invalid_failed" && this.continueInvalid(o)) return;
    const e = this.best(o);
    if (e) this.join(e, o);
    else this.open(o);
  }

  /** Everything left: emitted in order. */
  finish(): void {
    this.closeAll();
    this.drain();
    for (let top = this.ready.pop(); top; top = this.ready.pop()) this.emit(top[0]);
  }

  private bootBegins(o: Obs): void {
    // the journal's first entry of a boot and wtmp's BOOT_TIME are the same boot, seconds apart either way
    if (o.role === "marker" && o.t - this.lastBoot <= BOOT_REACH) return;
    if (o.role === "boot") {
      // the same boot in another source (utmp's BOOT_TIME beside wtmp's, a wtmpdb row)
      for (const e of this.lookup(this.misc, "x:reboot")) {
        if (e.boot === this.boot && !e.filled(o.fn, o.kind) && dist(o.t, e) <= SKEW) return this.join(e, o);
      }
    }
    this.closeAll();
    this.boot++;
    this.phase++;
    this.lastBoot = o.t;
    if (o.role === "boot") this.open(o);
  }

  private shutdown(o: Obs): void {
    for (const e of this.lookup(this.misc, "x:shutdown")) {
      if (!e.done && e.boot === this.boot && !e.filled(o.fn, o.kind) && dist(o.t, e) <= SHUTDOWN_SKEW) return this.join(e, o);
    }
    // no cut here: auth.log's whole second puts "System is rebooting" before lines logged just before it (the
    // sudo reboot that caused it); the next boot cuts
    this.open(o);
  }

  /** A sudo/su PAM session end (or audit USER_END): to the latest event of its source that opened and waits. */
  private close(o: Obs): boolean {
    const opens = OPENS[o.kind];
    if (!opens) return false;
    const list = this.lookup(this.misc, `c:${o.fn}`);
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.done || e.action !== o.action || e.boot !== this.boot || !e.has(o.fn, opens) || e.has(o.fn, o.kind)) continue;
      if (o.pid !== null && e.values.pid !== null && o.pid !== e.values.pid) continue;
      if (o.target_user !== null && e.values.target_user !== null && o.target_user !== e.values.target_user) continue;
      this.join(e, o);
      if (this.closed(e)) {
        e.awaitUntil = 0;
        this.schedule(e);
      }
      return true;
    }
    // no open sudo/su event waits for it (it ended past CLOSE_HOLD, or its start is not in the logs)
    o.action = "session_close";
    o.role = "main";
    return false;
  }

  /** Every opening line of the event has its end. */
  private closed(e: Pending): boolean {
    for (const o of e.obs) {
      const close = o.kind === "pam_open" ? "pam_close" : o.kind === "audit_USER_START" ? "audit_USER_END" : null;
      if (close && !e.has(o.fn, close)) return false;
    }
    return true;
  }

  /** "Failed password for invalid user X" continues the latest "Invalid user X" of its pid. */
  private continueInvalid(o: Obs): boolean {
    if (o.pid === null) return false;
    const list = this.lookup(this.byPid, o.pid);
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (e.done || e.action !== "invalid_user" || e.phase !== this.phase) continue;
      if (!e.has(o.fn, "sshd_invalid") || e.has(o.fn, o.kind) || !agrees(e, o)) continue;
      if (o.t - e.first > INVALID_HOLD) continue;
      this.join(e, o);
      e.awaitUntil = 0;
      this.schedule(e);
      return true;
    }
    return false;
  }

  /** The pending event o joins, or null. */
  private best(o: Obs): Pending | null {
    this.found = null;
    this.foundKeyed = false;
    this.foundDist = Infinity;
    const mark = ++this.mark;
    if (o.pid !== null) this.consider(o, this.byPid.get(o.pid), mark);
    if (o.session !== null) this.consider(o, this.bySession.get(o.session), mark);
    if (o.user !== null) this.consider(o, this.byUser.get(o.user), mark);
    if (o.remote_port !== null) this.consider(o, this.byPort.get(o.remote_port), mark);
    return this.found;
  }

  private found: Pending | null = null;
  private foundKeyed = false;
  private foundDist = Infinity;

  private consider(o: Obs, list: Pending[] | undefined, mark: number): void {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (e.mark === mark) continue;
      e.mark = mark;
      if (e.done || e.phase !== this.phase || !compatible(e.action, o.action)) continue;
      if (e.filled(o.fn, o.kind) >= slots(e, o.kind)) continue;
      if (!agrees(e, o)) continue;
      const v = e.values;
      const keyed = (o.pid !== null && o.pid === v.pid) || (o.remote_port !== null && o.remote_port === v.remote_port) || (o.session !== null && o.session === v.session);
      if (!keyed && (o.user === null || o.user !== v.user)) continue;
      const d = dist(o.t, e);
      // a PAM failure's own Failed line (same source and pid) may come up to PAM_HOLD after it
      const reach = e.provisional && o.pid !== null && o.pid === v.pid && e.obs.some((x) => x.fn === o.fn) ? PAM_HOLD : SKEW;
      if (d > reach) continue;
      if ((keyed && !this.foundKeyed) || (keyed === this.foundKeyed && d < this.foundDist)) {
        this.found = e;
        this.foundKeyed = keyed;
        this.foundDist = d;
      }
    }
  }

  private open(o: Obs): void {
    const e = new Pending(o, this.phase, this.boot);
    if (o.role === "pam_failure") {
      e.provisional = true;
      e.awaitUntil = o.t + PAM_HOLD;
    }
    this.await(e, o);
    this.queue.push(e);
    this.file(e, o);
    this.schedule(e);
  }

  private join(e: Pending, o: Obs): void {
    e.add(o);
    if (o.role !== "pam_failure" && e.provisional) {
      e.provisional = false;
      e.awaitUntil = 0;
    }
    this.await(e, o);
    this.file(e, o);
    this.schedule(e);
  }

  /** What the new observation makes the event wait for. */
  private await(e: Pending, o: Obs): void {
    if (o.kind === "sshd_invalid") e.awaitUntil = Math.max(e.awaitUntil, o.t + INVALID_HOLD);
    else if (o.kind === "pam_open" || o.kind === "audit_USER_START") {
      if (e.action === "sudo" || e.action === "su") e.awaitUntil = Math.max(e.awaitUntil, e.first + CLOSE_HOLD);
    }
  }

  private file(e: Pending, o: Obs): void {
    if (o.pid !== null) this.fileUnder(e, this.byPid, o.pid);
    if (o.session !== null) this.fileUnder(e, this.bySession, o.session);
    if (o.user !== null) this.fileUnder(e, this.byUser, o.user);
    if (o.remote_port !== null) this.fileUnder(e, this.byPort, o.remote_port);
    if (e.action === "reboot" || e.action === "shutdown") this.fileUnder(e, this.misc, `x:${e.action}`);
    if (o.kind === "pam_open" || o.kind === "audit_USER_START") this.fileUnder(e, this.misc, `c:${o.fn}`);
  }

  private fileUnder(e: Pending, index: Index, key: string | number): void {
    const f = e.filed;
    for (let i = 0; i < f.length; i += 2) if (f[i] === index && f[i + 1] === key) return;
    f.push(index, key);
    const list = index.get(key);
    if (list) list.push(e);
    else index.set(key, [e]);
  }

  private lookup(index: Index, key: string | number): readonly Pending[] {
    return index.get(key) ?? NONE;
  }

  private schedule(e: Pending): void {
    const reach = e.action === "shutdown" ? SHUTDOWN_SKEW : SKEW;
    this.expiry.push([Math.max(e.last + reach, e.awaitUntil), e]);
  }

  /** Events nothing at `now` or later can join any more are done; the done ones at the head are emitted. */
  private expire(now: number): void {
    for (;;) {
      const top = this.expiry.peek();
      if (!top || top[0] >= now) break;
      this.expiry.pop();
      const e = top[1];
      if (e.done) continue;
      const reach = e.action === "shutdown" ? SHUTDOWN_SKEW : SKEW;
      // a later schedule of the same event supersedes this one
      if (Math.max(e.last + reach, e.awaitUntil) >= now) continue;
      this.retire(e);
    }
    this.drain();
  }

  private closeAll(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const e = this.queue[i]!;
      if (!e.done) this.retire(e);
    }
  }

  private retire(e: Pending): void {
    e.done = true;
    const f = e.filed;
    for (let j = 0; j < f.length; j += 2) {
      const index = f[j] as Index;
      const key = f[j + 1] as string | number;
      const list = index.get(key);
      if (!list) continue;
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) index.delete(key);
    }
  }

  /**
   * Done events at the head of the queue are finished; they go out by their time, which is a naming record's
   * (never before the event's first record): one is out once no event still open began before it.
   */
  private drain(): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head]!.done) {
      const e = q[this.head]!;
      q[this.head++] = undefined as unknown as Pending;
      const a = e.finish();
      this.ready.push([a, this.seq++]);
    }
    const bound = this.head < q.length ? q[this.head]!.first : this.now;
    for (;;) {
      const top = this.ready.peek();
      if (!top || top[0].t > bound) break;
      this.ready.pop();
      this.emit(top[0]);
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }
}

const NONE: readonly Pending[] = [];
type Index = Map<string | number, Pending[]>;

function dist(t: number, e: Pending): number {
  return t < e.first ? e.first - t : t > e.last ? t - e.last : 0;
}

function compatible(a: string, b: string): boolean {
  return a === b || (a === "failed" && b === "invalid_user") || (a === "invalid_user" && b === "failed");
}

/** Every key both carry is equal, and sudo's logged commands (auth.log, journal) are the same. */
function agrees(e: Pending, o: Obs): boolean {
  const v = e.values;
  for (const k of KEYS) {
    const a = v[k];
    const b = o[k];
    if (a !== null && b !== null && a !== b) return false;
  }
  return !(o.logCommand && o.command !== null && e.logCommand !== null && e.logCommand !== o.command);
}

