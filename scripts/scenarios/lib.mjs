// The writers of a scenario: one story, told once, rendered as each artefact writes it. A Story collects
// what every program of the host logged, each at its own instant (µs since the epoch) with its own pid;
// the renderers turn that into a journal export stream (for systemd-journal-remote), rsyslog's traditional
// auth.log lines (the journal's syslog forwarding: same pid, whole seconds, the host's local time), auditd's
// raw lines, utmpdump text for wtmp/btmp (for `utmpdump -r`), lastlog slots and lastlog2 rows.
// Nothing here is quarry code; the expected login stories are written by hand beside the fixtures.

/** µs since the epoch of a UTC wall-clock time on the scenario's day: at("09:03:09.815321"). */
export function clock(day) {
  return (hms) => {
    const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/.exec(hms);
    if (!m) throw new Error(`bad time ${hms}`);
    const [y, mo, d] = day.split("-").map(Number);
    const s = Date.UTC(y, mo - 1, d, +m[1], +m[2], +m[3]) / 1000;
    return s * 1e6 + Number((m[4] ?? "0").padEnd(6, "0"));
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The local wall clock of an instant in an IANA zone, as rsyslog's traditional stamp: "Nov 17 10:03:09". */
export function syslogStamp(us, zone) {
  const f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const p = Object.fromEntries(f.formatToParts(new Date(Math.floor(us / 1e6) * 1000)).map((x) => [x.type, x.value]));
  return `${MONTHS[+p.month - 1]} ${String(+p.day).padStart(2, " ")} ${p.hour}:${p.minute}:${p.second}`;
}

/** ISO UTC with µs, as the expected records write it. */
export function isoUs(us) {
  const s = Math.floor(us / 1e6);
  return `${new Date(s * 1000).toISOString().slice(0, 19)}.${String(us % 1e6).padStart(6, "0")}Z`;
}

// libaudit's rule: a value is hex-encoded when it holds a space, a quote, a control or a non-ASCII byte
const needsHex = (s) => /[^\x21-\x7e]|"/.test(s);
export const auditValue = (s) => (needsHex(s) ? Buffer.from(s, "utf8").toString("hex").toUpperCase() : `"${s}"`);

export const UNSET = 4294967295;

export class Story {
  constructor({ hostname, machineId, zone, kernel }) {
    Object.assign(this, { hostname, machineId, zone, kernel });
    this.boots = []; // { id, start } (start: µs of the kernel's boot, monotonic zero)
    this.journal = []; // entries: { t, fields }
    this.auth = []; // { t, line }
    this.auditLines = []; // { t, type, body }
    this.wtmpText = [];
    this.btmpText = [];
    this.lastlog = new Map(); // uid → { t, line, host }
    this.lastlog2 = new Map(); // name → { t, tty, host, service }
    this.serial = 0;
  }

  boot(id, start, firstSerial) {
    this.boots.push({ id, start });
    this.serial = firstSerial;
  }

  get current() {
    return this.boots[this.boots.length - 1];
  }

  /**
   * One message of a process: a journal entry and, when its facility goes to auth.log (auth 4, authpriv 10),
   * the line rsyslog writes. `syslog` says how it reached journald: "syslog" (openlog/syslog(3): the
   * identifier and, with LOG_PID, the pid in the line) or "journal" (sd_journal, forwarded as ident[pid]).
   */
  log(t, p, message, extra = {}) {
    const b = this.current;
    const f = {
      __REALTIME_TIMESTAMP: String(t),
      __MONOTONIC_TIMESTAMP: String(t - b.start),
      _BOOT_ID: b.id,
      _MACHINE_ID: this.machineId,
      _HOSTNAME: this.hostname,
      PRIORITY: String(p.priority ?? 6),
      SYSLOG_FACILITY: String(p.facility ?? 4),
      SYSLOG_IDENTIFIER: p.ident,
      _TRANSPORT: p.transport ?? "syslog",
      _PID: String(p.pid),
      _UID: String(p.uid ?? 0),
      _GID: String(p.gid ?? p.uid ?? 0),
      _COMM: p.comm,
      _EXE: p.exe,
      _CMDLINE: p.cmdline ?? p.exe,
      _CAP_EFFECTIVE: p.cap ?? "1ffffffffff",
      _SYSTEMD_CGROUP: p.cgroup,
      _SYSTEMD_UNIT: p.unit,
      _SYSTEMD_SLICE: p.slice ?? "system.slice",
    };
    if (p.invocation) f._SYSTEMD_INVOCATION_ID = p.invocation;
    if (p.session !== undefined) {
      f._AUDIT_SESSION = String(p.session);
      f._AUDIT_LOGINUID = String(p.loginuid);
    }
    if (p.scope) {
      f._SYSTEMD_SESSION = String(p.session);
      f._SYSTEMD_OWNER_UID = String(p.loginuid);
      f._SYSTEMD_USER_SLICE = p.userSlice;
    }
    const viaSyslog = (p.transport ?? "syslog") === "syslog";
    const fac = p.facility ?? 4;
    const tag = viaSyslog && p.logPid === false ? `${p.ident}:` : `${p.ident}[${p.pid}]:`;
    const stamp = syslogStamp(t, this.zone);
    if (viaSyslog) {
      if (p.logPid !== false) f.SYSLOG_PID = String(p.pid);
      f.SYSLOG_TIMESTAMP = `${stamp} `;
    } else {
      f._SOURCE_REALTIME_TIMESTAMP = String(t - 37);
    }
    Object.assign(f, extra);
    // journald (252, journald-syslog.c): the datagram is glibc's "<PRI>STAMP TAG: " + the message; it strips the
    // datagram's trailing whitespace (then also storing it whole as SYSLOG_RAW) and only the one space after the
    // tag, so sudo's "%8s" padding stays in MESSAGE. The raw datagram is what rsyslog gets (forward_syslog_raw).
    const stripped = viaSyslog ? message.replace(/[ \t\n]+$/, "") : message;
    f.MESSAGE = stripped;
    if (stripped !== message) f.SYSLOG_RAW = `<${fac * 8 + (p.priority ?? 6)}>${stamp} ${tag} ${message}`;
    this.journal.push({ t, fields: f });
    if (fac === 4 || fac === 10) {
      // rsyslog's traditional format: "%TIMESTAMP% %HOSTNAME% %syslogtag%%msg%", msg keeping its leading space
      this.auth.push({ t, line: `${stamp} ${this.hostname} ${tag} ${message}` });
    }
  }

  /** One audit record; `t` in µs (auditd keeps ms), a fresh serial unless one is given (records of one event). */
  audit(t, type, body, serial) {
    const s = serial ?? ++this.serial;
    this.auditLines.push({ t, type, body, s });
    return s;
  }

  wtmp(t, rec) {
    this.wtmpText.push(utmpdumpLine(t, rec));
  }

  btmp(t, rec) {
    this.btmpText.push(utmpdumpLine(t, rec));
  }
}

/** One line of util-linux utmpdump's text form (`utmpdump -r` reads it back). */
export function utmpdumpLine(us, { type, pid = 0, id = "", user = "", line = "", host = "", addr = "0.0.0.0" }) {
  const s = Math.floor(us / 1e6);
  const when = `${new Date(s * 1000).toISOString().slice(0, 19)},${String(us % 1e6).padStart(6, "0")}+00:00`;
  return `[${type}] [${String(pid).padStart(5, "0")}] [${id.padEnd(4)}] [${user.padEnd(8)}] [${line.padEnd(12)}] [${host.padEnd(20)}] [${addr.padEnd(15)}] [${when}]`;
}

/** The journal export stream: NAME=value lines, an empty line after each entry (docs/JOURNAL_EXPORT_FORMATS.md). */
export function exportStream(story) {
  const entries = [...story.journal].sort((a, b) => a.t - b.t);
  return entries.map((e) => Object.entries(e.fields).map(([k, v]) => `${k}=${v}\n`).join("") + "\n").join("");
}

export function authLog(story) {
  return [...story.auth].sort((a, b) => a.t - b.t).map((x) => `${x.line}\n`).join("");
}

/** auditd's raw lines in time order: "type=T msg=audit(SEC.MS:SERIAL): body". */
export function auditLog(story) {
  return [...story.auditLines]
    .sort((a, b) => a.t - b.t || a.s - b.s)
    .map(({ t, type, body, s }) => {
      const ms = Math.floor(t / 1000);
      return `type=${type} msg=audit(${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}:${s}): ${body}\n`;
    })
    .join("");
}

/** /var/log/lastlog: one 292-byte slot per uid (int32 ll_time, char ll_line[32], char ll_host[256]), holes zero. */
export function lastlogBytes(story) {
  const max = Math.max(...story.lastlog.keys());
  const buf = Buffer.alloc((max + 1) * 292);
  for (const [uid, { t, line, host }] of story.lastlog) {
    const o = uid * 292;
    buf.writeInt32LE(Math.floor(t / 1e6), o);
    buf.write(line, o + 4, 32, "latin1");
    buf.write(host, o + 36, 256, "latin1");
  }
  return buf;
}
