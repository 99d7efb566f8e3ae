// One line of a syslog file: its timestamp, the host that logged it, the tag (`service[pid]:`) and the message.
// Three header forms are read (docs/logs.md, "Formats"):
//   traditional (RFC 3164 as rsyslog's RSYSLOG_TraditionalFileFormat writes it):  Mar  4 08:15:03 web01 sshd[812]: msg
//   high precision (RSYSLOG_FileFormat, Debian 12+; journalctl -o short-iso[-precise]):
//                                                  2026-01-03T10:15:03.220871+01:00 web01 sshd[812]: msg
//   RFC 5424 (RSYSLOG_SyslogProtocol23Format):     <38>1 2026-01-03T10:15:03.220871+01:00 web01 sshd 812 - - msg
// A hand-written scanner rather than one regular expression: it is the hot path of every text-log function
// (2,000,000 lines in the bench), and it tells the forms apart by their first character.

export type HeaderFormat = "traditional" | "rfc3339" | "rfc5424";

/**
 * A parsed line. The parser fills one object per call (`parseSyslogLine` returns the same object each time):
 * copy what you keep before the next call.
 */
export interface SyslogLine {
  format: HeaderFormat;
  /** traditional: the wall-clock fields as written (no year, no zone; `year` is 0 unless the stamp had one). */
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Microseconds (a fraction kept to 6 digits; more digits are cut, never rounded). */
  micros: number;
  /** rfc3339/rfc5424: the offset written in the stamp, in seconds east of UTC; NaN for a nil RFC 5424 stamp. */
  offsetSeconds: number;
  /** rfc3339/rfc5424: the offset as written ("+01:00", "Z", "+0100"). */
  offsetText: string;
  /** The host field of the line (the sender's name, which on a log server is not the target's). */
  hostname: string | null;
  /** The tag's name (`sshd`, `postfix/smtpd`, RFC 5424 APP-NAME); null when the line has no tag. */
  service: string | null;
  /** The tag's process id; null when absent or not a number. */
  pid: number | null;
  /** RFC 5424 MSGID, null when nil or another format. */
  msgid: string | null;
  /** RFC 5424 STRUCTURED-DATA as written, null when nil or another format. */
  structuredData: string | null;
  /** After the tag's ": " (leading spaces removed); the whole rest of the line when there is no tag. */
  message: string;
}

/** The month of an English abbreviation at i ("Jan" → 1), 0 when none: by character codes, no substring. */
function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  switch (a) {
    case 74: // J
      return b === 97 && c === 110 ? 1 : b === 117 ? (c === 110 ? 6 : c === 108 ? 7 : 0) : 0;
    case 70: // F
      return b === 101 && c === 98 ? 2 : 0;
    case 77: // M
      return b === 97 ? (c === 114 ? 3 : c === 121 ? 5 : 0) : 0;
    case 65: // A
      return b === 112 && c === 114 ? 4 : b === 117 && c === 103 ? 8 : 0;
    case 83: // S
      return b === 101 && c === 112 ? 9 : 0;
    case 79: // O
      return b === 99 && c === 116 ? 10 : 0;
    case 78: // N
      return b === 111 && c === 118 ? 11 : 0;
    case 68: // D
      return b === 101 && c === 99 ? 12 : 0;
    default:
      return 0;
  }
}
/** RFC 3164 allows 32 characters, rsyslog takes more; past this a "tag" is message text. */
const MAX_TAG = 128;
/** A pid is a decimal number that fits in 32 bits (Linux pid_max is at most 2^22). */
const MAX_PID_DIGITS = 10;

const out: SyslogLine = {
  format: "traditional",
  year: 0,
  month: 0,
  day: 0,
  hour: 0,
  minute: 0,
  second: 0,
  micros: 0,
  offsetSeconds: 0,
  offsetText: "",
  hostname: null,
  service: null,
  pid: null,
  msgid: null,
  structuredData: null,
  message: "",
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function num2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Where a run of spaces starting at i ends. */
function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === 32) i++;
  return i;
}

/** `.ffffff` at i: the fraction as micros in out.micros; returns the index after it (i when there is none). */
function fraction(s: string, i: number): number {
  out.micros = 0;
  if (s.charCodeAt(i) !== 46 || !isDigit(s.charCodeAt(i + 1))) return i;
  let j = i + 1;
  let us = 0;
  let n = 0;
  while (isDigit(s.charCodeAt(j))) {
    if (n < 6) us = us * 10 + (s.charCodeAt(j) - 48);
    n++;
    j++;
  }
  while (n < 6) {
    us *= 10;
    n++;
  }
  out.micros = us;
  return j;
}

/** `Mmm dd hh:mm:ss[.ffffff]` (day padded with a space or a zero, or one digit); index after it, or -1. */
function traditionalStamp(s: string, i: number): number {
  const month = monthAt(s, i);
  if (month === 0 || s.charCodeAt(i + 3) !== 32) return -1;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let day: number;
  if (isDigit(s.charCodeAt(j)) && isDigit(s.charCodeAt(j + 1))) {
    day = num2(s, j);
    j += 2;
  } else if (isDigit(s.charCodeAt(j))) {
    day = s.charCodeAt(j) - 48;
    j += 1;
  } else return -1;
  if (s.charCodeAt(j) !== 32) return -1;
  j++;
  // syslog-ng's $YEAR in the stamp: "Mar  4 2024 08:15:03"
  let year = 0;
  if (isDigit(s.charCodeAt(j + 2)) && isDigit(s.charCodeAt(j + 3)) && s.charCodeAt(j + 4) === 32) {
    const hi = num2(s, j);
    const lo = num2(s, j + 2);
    if (hi >= 0 && lo >= 0) {
      year = hi * 100 + lo;
      j += 5;
    }
  }
  const hour = num2(s, j);
  const minute = num2(s, j + 3);
  const second = num2(s, j + 6);
  if (hour < 0 || minute < 0 || second < 0 || s.charCodeAt(j + 2) !== 58 || s.charCodeAt(j + 5) !== 58) return -1;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return -1;
  out.format = "traditional";
  out.year = year;
  out.month = month;
  out.day = day;
  out.hour = hour;
  out.minute = minute;
  out.second = second;
  out.offsetSeconds = NaN;
  out.offsetText = "";
  return fraction(s, j + 8);
}

/**
 * `YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm|±hhmm)` (RFC 3339; `t`/`z` and a space for the `T` too); index after it, or -1.
 * The calendar fields land in `out` as written (local to the offset).
 */
function rfc3339Stamp(s: string, i: number): number {
  const y1 = num2(s, i);
  const y2 = num2(s, i + 2);
  const month = num2(s, i + 5);
  const day = num2(s, i + 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 || day > 31) return -1;
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return -1;
  const t = s.charCodeAt(i + 10);
  if (t !== 84 && t !== 116 && t !== 32) return -1;
  const hour = num2(s, i + 11);
  const minute = num2(s, i + 14);
  const second = num2(s, i + 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return -1;
  if (s.charCodeAt(i + 13) !== 58 || s.charCodeAt(i + 16) !== 58) return -1;
  let j = fraction(s, i + 19);
  const z = s.charCodeAt(j);
  let offset: number;
  const start = j;
  if (z === 90 || z === 122) {
    offset = 0;
    j++;
  } else if (z === 43 || z === 45) {
    const oh = num2(s, j + 1);
    const colon = s.charCodeAt(j + 3) === 58;
    const om = num2(s, colon ? j + 4 : j + 3);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return -1;
    offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
    j += colon ? 6 : 5;
  } else return -1;
  out.format = "rfc3339";
  out.year = y1 * 100 + y2;
  out.month = month;
  out.day = day;
  out.hour = hour;
  out.minute = minute;
  out.second = second;
  out.offsetSeconds = offset;
  out.offsetText = s.slice(start, j);
  return j;
}

/** The token from i to the next space (or the end). */
function tokenEnd(s: string, i: number): number {
  const sp = s.indexOf(" ", i);
  return sp < 0 ? s.length : sp;
}

/** The pid in s[from, to) when it is all digits (and not too long), else null. */
function pidOf(s: string, from: number, to: number): number | null {
  if (to <= from || to - from > MAX_PID_DIGITS) return null;
  let v = 0;
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  return v;
}

/**
 * The tag at i (`name[pid]:`, `name:`, or `name[pid]` then a space as rsyslog writes an RFC 5424 message in the
 * traditional format); fills service and pid and returns where the message starts, or -1 when there is no tag.
 */
function tag(s: string, i: number): number {
  const end = Math.min(s.length, i + MAX_TAG + 1);
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k);
    if (c === 32) return -1; // a space before any ':' or '[': message text, no tag
    if (c === 58) {
      // "name:" — then a space or the end of the line
      if (k === i) return -1;
      const next = s.charCodeAt(k + 1);
      if (k + 1 < s.length && next !== 32) continue; // "a:b" is no tag end ("postfix/smtpd" has none, IPv6 has)
      out.service = s.slice(i, k);
      out.pid = null;
      return k + 1;
    }
    if (c === 91) {
      if (k === i) return -1;
      const close = s.indexOf("]", k + 1);
      if (close < 0 || close > end) return -1;
      const after = s.charCodeAt(close + 1);
      const colon = after === 58;
      if (!colon && after !== 32 && close + 1 < s.length) return -1;
      const pid = pidOf(s, k + 1, close);
      // a bracket that holds no pid stays part of the service's name: nothing is dropped
      out.service = pid === null ? s.slice(i, close + 1) : s.slice(i, k);
      out.pid = pid;
      if (!colon && pid === null) return -1;
      return colon ? close + 2 : close + 1;
    }
  }
  return -1;
}

/** The message from i: leading spaces removed, one trailing "\r" (a CRLF file) too. */
function messageFrom(s: string, i: number): string {
  i = skipSpaces(s, i);
  let end = s.length;
  if (end > i && s.charCodeAt(end - 1) === 13) end--;
  return i === 0 && end === s.length ? s : s.slice(i, end);
}

/** Host and tag after a traditional or RFC 3339 stamp ending at j. */
function hostAndTag(s: string, j: number): SyslogLine {
  out.msgid = null;
  out.structuredData = null;
  out.service = null;
  out.pid = null;
  let i = skipSpaces(s, j);
  const hostEnd = tokenEnd(s, i);
  // No host field ("Mar  4 08:15:03 sshd[1]: x", some local syslogds): the first token is already the tag.
  if (hostEnd > i && s.charCodeAt(hostEnd - 1) === 58) out.hostname = null;
  else {
    out.hostname = hostEnd > i ? s.slice(i, hostEnd) : null;
    i = skipSpaces(s, hostEnd);
  }
  const m = tag(s, i);
  out.message = messageFrom(s, m < 0 ? i : m);
  return out;
}

function nilOr(s: string, from: number, to: number): string | null {
  return to - from === 1 && s.charCodeAt(from) === 45 ? null : s.slice(from, to);
}

/** The end of RFC 5424 STRUCTURED-DATA starting at i ("-" or one or more [..] elements, `\]` escaped). */
function structuredDataEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) return i + 1;
  let j = i;
  while (s.charCodeAt(j) === 91) {
    let k = j + 1;
    for (; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 92) k++;
      else if (c === 93) break;
    }
    if (k >= s.length) return -1;
    j = k + 1;
  }
  return j === i ? -1 : j;
}

/** `<PRI>1 STAMP HOST APP PROCID MSGID SD MSG` (RFC 5424 §6). */
function rfc5424(s: string, i: number): SyslogLine | null {
  // <PRI>: 1 to 3 digits
  let j = i + 1;
  while (j < i + 4 && isDigit(s.charCodeAt(j))) j++;
  if (j === i + 1 || s.charCodeAt(j) !== 62) return null;
  j++;
  // VERSION: a nonzero digit (then up to 2 more), a space
  if (!isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 48) return null;
  while (isDigit(s.charCodeAt(j))) j++;
  if (s.charCodeAt(j) !== 32) return null;
  j++;
  if (s.charCodeAt(j) === 45 && s.charCodeAt(j + 1) === 32) {
    out.format = "rfc5424";
    out.year = 0;
    out.offsetSeconds = NaN;
    out.offsetText = "";
    out.micros = 0;
    j += 1;
  } else {
    j = rfc3339Stamp(s, j);
    if (j < 0) return null;
    out.format = "rfc5424";
  }
  const fields: number[] = [];
  for (let f = 0; f < 4; f++) {
    if (s.charCodeAt(j) !== 32) return null;
    const from = j + 1;
    const to = tokenEnd(s, from);
    if (to === from) return null;
    fields.push(from, to);
    j = to;
  }
  if (s.charCodeAt(j) !== 32) return null;
  const sdEnd = structuredDataEnd(s, j + 1);
  if (sdEnd < 0) return null;
  out.hostname = nilOr(s, fields[0]!, fields[1]!);
  out.service = nilOr(s, fields[2]!, fields[3]!);
  out.pid = pidOf(s, fields[4]!, fields[5]!);
  if (out.pid === null && !(fields[5]! - fields[4]! === 1 && s.charCodeAt(fields[4]!) === 45)) {
    // a PROCID that is no number (RFC 5424 allows any printable): kept in the service's name, as for a tag
    out.service = `${out.service ?? "-"}[${s.slice(fields[4]!, fields[5]!)}]`;
  }
  out.msgid = nilOr(s, fields[6]!, fields[7]!);
  out.structuredData = nilOr(s, j + 1, sdEnd);
  let m = sdEnd;
  if (m < s.length && s.charCodeAt(m) !== 32) return null;
  m++;
  // a UTF-8 message begins with a BOM (RFC 5424 §6.4): not part of the text
  if (s.charCodeAt(m) === 0xfeff) m++;
  out.message = m >= s.length ? "" : messageFrom(s, m);
  return out;
}

/**
 * Parse one line; null when it has none of the three headers. The result is a shared object, overwritten by the
 * next call.
 */
export function parseSyslogLine(s: string): SyslogLine | null {
  const c = s.charCodeAt(0);
  if (c === 60) {
    // "<PRI>": RFC 5424, or a traditional line that kept its priority ("<38>Mar  4 …")
    const r = rfc5424(s, 0);
    if (r) return r;
    const close = s.indexOf(">");
    if (close < 2 || close > 4) return null;
    const j = traditionalStamp(s, close + 1);
    return j < 0 ? null : hostAndTag(s, j);
  }
  if (isDigit(c)) {
    const j = rfc3339Stamp(s, 0);
    return j < 0 ? null : hostAndTag(s, j);
  }
  const j = traditionalStamp(s, 0);
  return j < 0 ? null : hostAndTag(s, j);
}

/**
 * The stamp of a line that starts with a letter (a traditional stamp), read from the line's start alone: the
 * same fields parseSyslogLine gives such a line (whose host and tag never fail). Null for any other line.
 */
export function parseTraditionalStamp(s: string): SyslogLine | null {
  return traditionalStamp(s, 0) < 0 ? null : out;
}
