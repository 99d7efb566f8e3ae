// Entries as journald stores them: the fields a client sends, then the trusted `_` fields journald adds from the
// sender's credentials and cgroup, then the host fields. Clocks: each boot has a realtime at monotonic zero and a
// list of clock steps; an entry's __REALTIME_TIMESTAMP is that clock at its monotonic time.

export const SEC = 1_000_000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** µs since the epoch of an ISO-8601 UTC time ("2024-03-04T07:58:12.104512Z"), exact to the microsecond. */
export function us(iso) {
  const m = /^(.*?)(?:\.(\d{1,6}))?Z$/.exec(iso);
  if (!m) throw new Error(`not a UTC time: ${iso}`);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? "").padEnd(6, "0"));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The RFC 3164 timestamp a syslog(3) client puts in front of its message ("Mar  4 08:15:03 "), UTC. */
export function syslogTimestamp(realtime) {
  const d = new Date(Math.floor(realtime / 1000));
  const p = (n) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} `;
}

export class Boot {
  constructor({ id, realtimeAtZero, hostname }) {
    this.id = id;
    this.realtimeAtZero = realtimeAtZero;
    this.steps = [];
    this.hostnames = [[0, hostname]];
  }
  /** The wall clock is stepped by deltaUs at monotonic time `at` (NTP, `date -s`, a bad RTC corrected). */
  step(at, deltaUs) {
    this.steps.push([at, deltaUs]);
    return this;
  }
  rename(at, hostname) {
    this.hostnames.push([at, hostname]);
    return this;
  }
  realtime(mono) {
    let rt = this.realtimeAtZero + mono;
    for (const [at, d] of this.steps) if (mono >= at) rt += d;
    return rt;
  }
  /** The monotonic time at which the wall clock reads `realtime` (before any later step). */
  mono(realtime) {
    let off = 0;
    for (const [at, d] of this.steps) if (realtime - this.realtimeAtZero - off - d >= at) off += d;
    return realtime - this.realtimeAtZero - off;
  }
  hostname(mono) {
    let h = this.hostnames[0][1];
    for (const [at, name] of this.hostnames) if (mono >= at) h = name;
    return h;
  }
}

/** A process as journald sees its sender: credentials, cgroup, audit session. */
export function proc(p) {
  return { uid: 0, gid: 0, cap: p.uid ? "0" : "1ffffffffff", ...p };
}

function trusted(p) {
  const f = [];
  const add = (k, v) => v !== undefined && v !== null && f.push([k, String(v)]);
  add("_PID", p.pid);
  add("_UID", p.uid);
  add("_GID", p.gid);
  add("_COMM", p.comm);
  add("_EXE", p.exe);
  add("_CMDLINE", p.cmdline);
  add("_CAP_EFFECTIVE", p.cap);
  add("_AUDIT_SESSION", p.auditSession);
  add("_AUDIT_LOGINUID", p.auditLoginuid);
  add("_SELINUX_CONTEXT", p.selinux);
  add("_SYSTEMD_CGROUP", p.cgroup);
  add("_SYSTEMD_SESSION", p.session);
  add("_SYSTEMD_OWNER_UID", p.ownerUid);
  add("_SYSTEMD_UNIT", p.unit);
  add("_SYSTEMD_USER_UNIT", p.userUnit);
  add("_SYSTEMD_SLICE", p.slice);
  add("_SYSTEMD_USER_SLICE", p.userSlice);
  add("_SYSTEMD_INVOCATION_ID", p.invocation);
  add("_NAMESPACE", p.namespace);
  return f;
}

export class Journal {
  constructor({ machineId, rng }) {
    this.machineId = machineId;
    this.rng = rng;
    this.entries = [];
  }

  push(boot, mono, fields, extra = {}) {
    const realtime = boot.realtime(mono);
    const all = [...fields, ["_BOOT_ID", boot.id], ["_MACHINE_ID", this.machineId], ["_HOSTNAME", boot.hostname(mono)]];
    const e = { realtime, monotonic: mono, boot: boot.id, fields: all, ...extra };
    this.entries.push(e);
    return e;
  }

  /** The sender's own clock, a little before journald received the message. */
  source(boot, mono) {
    return String(boot.realtime(mono) - this.rng.int(20, 900));
  }

  kernel(boot, mono, priority, message, extra = []) {
    return this.push(boot, mono, [
      ["_SOURCE_MONOTONIC_TIMESTAMP", String(Math.max(0, mono - this.rng.int(100, 3000)))],
      ["_TRANSPORT", "kernel"],
      ["PRIORITY", String(priority)],
      ["SYSLOG_FACILITY", "0"],
      ["SYSLOG_IDENTIFIER", "kernel"],
      ["MESSAGE", message],
      ...extra,
    ]);
  }

  /** A syslog(3) message through /dev/log. */
  syslog(boot, mono, p, { facility, priority, ident, message, pid = p.pid, extra = [] }) {
    const f = [
      ["PRIORITY", String(priority)],
      ["SYSLOG_FACILITY", String(facility)],
      ["SYSLOG_IDENTIFIER", ident ?? p.comm],
    ];
    if (pid !== false) f.push(["SYSLOG_PID", String(pid)]);
    f.push(["SYSLOG_TIMESTAMP", syslogTimestamp(boot.realtime(mono))], ["MESSAGE", message], ...extra);
    f.push(...trusted(p), ["_TRANSPORT", "syslog"], ["_SOURCE_REALTIME_TIMESTAMP", this.source(boot, mono)]);
    return this.push(boot, mono, f);
  }

  /** sd_journal_send(): the client's own fields (MESSAGE, PRIORITY, CODE_*, anything) as given. */
  native(boot, mono, p, fields, extra = {}) {
    return this.push(
      boot,
      mono,
      [...fields, ...trusted(p), ["_TRANSPORT", "journal"], ["_SOURCE_REALTIME_TIMESTAMP", this.source(boot, mono)]],
      extra,
    );
  }

  /** A line a service wrote to its stdout/stderr stream (no source timestamp: journald reads a pipe). */
  stdout(boot, mono, p, { priority = 6, ident, message, streamId, lineBreak, facility = 3 }) {
    const f = [
      ["PRIORITY", String(priority)],
      ["SYSLOG_FACILITY", String(facility)],
      ["SYSLOG_IDENTIFIER", ident ?? p.comm],
      ["MESSAGE", message],
      ["_STREAM_ID", streamId],
    ];
    if (lineBreak) f.push(["_LINE_BREAK", lineBreak]);
    f.push(...trusted(p), ["_TRANSPORT", "stdout"]);
    return this.push(boot, mono, f);
  }

  /** journald's own messages ("Journal started", disk usage). */
  driver(boot, mono, p, fields) {
    return this.push(boot, mono, [...fields, ...trusted(p), ["_TRANSPORT", "driver"]]);
  }

  /** A kernel audit record, as journald's audit socket turns it into fields. */
  audit(boot, mono, { type, typeName, id, message, pid, uid = 0, loginuid, session, selinux, fields = [] }) {
    const f = [
      ["_AUDIT_TYPE", String(type)],
      ["_AUDIT_TYPE_NAME", typeName],
      ["_AUDIT_ID", String(id)],
      ["_TRANSPORT", "audit"],
      ["SYSLOG_FACILITY", "4"],
      ["SYSLOG_IDENTIFIER", "audit"],
      ["MESSAGE", message],
      ["_PID", String(pid)],
      ["_UID", String(uid)],
    ];
    if (loginuid !== undefined) f.push(["_AUDIT_LOGINUID", String(loginuid)]);
    if (session !== undefined) f.push(["_AUDIT_SESSION", String(session)]);
    if (selinux) f.push(["_SELINUX_CONTEXT", selinux]);
    f.push(["_SOURCE_REALTIME_TIMESTAMP", this.source(boot, mono)], ...fields);
    return this.push(boot, mono, f);
  }
}

/** Entries in the order a writer receives them: by boot as listed, then monotonic time. */
export function byBootThenMonotonic(entries, bootOrder) {
  const rank = new Map(bootOrder.map((b, i) => [b.id, i]));
  return entries
    .map((e, i) => [e, i])
    .sort(([a, i], [b, j]) => rank.get(a.boot) - rank.get(b.boot) || a.monotonic - b.monotonic || i - j)
    .map(([e]) => e);
}
