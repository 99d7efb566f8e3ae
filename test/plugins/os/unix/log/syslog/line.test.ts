// The header forms, written from their specifications (RFC 3164 §4.1, RFC 3339 §5.6, RFC 5424 §6, rsyslog's
// templates, journalctl -o short-iso) and real lines; each expected value written by hand from the line.
import { describe, expect, it } from "vitest";
import { parseSyslogLine } from "../../../../../../plugins/os/unix/log/syslog/line.js";
import { prng } from "../../../../../helpers/prng.js";

function parse(s: string) {
  const p = parseSyslogLine(s);
  return p ? { ...p } : null;
}

describe("traditional (RFC 3164 as rsyslog writes it)", () => {
  it("reads month, day padded with a space, time, host, tag and pid", () => {
    expect(parse("Mar  4 08:15:03 web01 sshd[1408]: Accepted password for alice")).toMatchObject({
      format: "traditional",
      year: 0,
      month: 3,
      day: 4,
      hour: 8,
      minute: 15,
      second: 3,
      micros: 0,
      hostname: "web01",
      service: "sshd",
      pid: 1408,
      message: "Accepted password for alice",
    });
  });

  it("takes two-digit and zero-padded days, a tag without pid, and keeps the message's inner spaces", () => {
    expect(parse("Dec 31 23:59:60 web01 kernel: [   12.3]  a  b")).toMatchObject({ month: 12, day: 31, second: 60, service: "kernel", pid: null, message: "[   12.3]  a  b" });
    expect(parse("Jan 05 00:00:00 h sudo:    alice : TTY=pts/0")).toMatchObject({ day: 5, service: "sudo", message: "alice : TTY=pts/0" });
  });

  it("reads a slash in a tag, a bracket that holds no pid, and rsyslog's colon-less tag of an RFC 5424 message", () => {
    expect(parse("Mar  4 08:15:03 web01 postfix/smtpd[2211]: connect")).toMatchObject({ service: "postfix/smtpd", pid: 2211, message: "connect" });
    expect(parse("Mar  4 08:15:03 web01 app[main]: x")).toMatchObject({ service: "app[main]", pid: null, message: "x" });
    expect(parse("Dec 31 23:59:59 web01 sshd[1235] Invalid user admin")).toMatchObject({ service: "sshd", pid: 1235, message: "Invalid user admin" });
  });

  it("has no tag when the message has none, and no host when the first token is the tag", () => {
    expect(parse("Mar  4 08:20:00 web01 -- MARK --")).toMatchObject({ hostname: "web01", service: null, pid: null, message: "-- MARK --" });
    expect(parse("Mar  4 08:20:00 web01 last message repeated 3 times")).toMatchObject({ service: null, message: "last message repeated 3 times" });
    expect(parse("Mar  4 08:20:00 sshd[12]: no host")).toMatchObject({ hostname: null, service: "sshd", pid: 12, message: "no host" });
    expect(parse("Mar  4 08:20:00 web01 a:b c")).toMatchObject({ service: null, message: "a:b c" });
  });

  it("keeps a year (syslog-ng's $YEAR), a fraction, a <PRI> prefix, and drops a CRLF's \\r", () => {
    expect(parse("Mar  4 2024 08:15:03 web01 x: y")).toMatchObject({ year: 2024, month: 3, day: 4, hour: 8 });
    expect(parse("Mar  4 08:15:03.123 web01 x: y")).toMatchObject({ micros: 123000, hostname: "web01" });
    expect(parse("<38>Mar  4 08:15:03 web01 sshd[1]: y")).toMatchObject({ format: "traditional", service: "sshd", message: "y" });
    expect(parse("Mar  4 08:15:03 web01 x: y\r")).toMatchObject({ message: "y" });
  });

  it("knows the twelve months and no near miss", () => {
    const names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    names.forEach((m, k) => expect(parse(`${m}  4 08:15:03 h x: y`)?.month, m).toBe(k + 1));
    for (const m of ["Jux", "Jan".toUpperCase(), "Mat", "Apt", "Auh", "Sap", "Ocd", "Nob", "Dez", "Fab", "Maz"]) expect(parse(`${m}  4 08:15:03 h x: y`), m).toBeNull();
  });

  it("refuses what is no stamp", () => {
    for (const s of ["", "Mar", "Mar 4", "Foo  4 08:15:03 h x: y", "Mar 32 08:15:03 h x: y", "Mar  4 24:15:03 h x: y", "Mar  4 08:61:03 h x: y", "Mar  4 08:15 h x: y", "mar  4 08:15:03 h x: y", "Mar  408:15:03 h"]) {
      expect(parse(s), JSON.stringify(s)).toBeNull();
    }
  });
});

describe("RFC 3339 (RSYSLOG_FileFormat, journalctl -o short-iso)", () => {
  it("keeps µs and the offset", () => {
    expect(parse("2026-01-03T10:15:03.220871+01:00 web01 sshd[812]: msg")).toMatchObject({
      format: "rfc3339",
      year: 2026,
      month: 1,
      day: 3,
      hour: 10,
      minute: 15,
      second: 3,
      micros: 220871,
      offsetSeconds: 3600,
      offsetText: "+01:00",
      hostname: "web01",
      service: "sshd",
      pid: 812,
      message: "msg",
    });
  });

  it("reads Z, offsets without a colon, negative and odd offsets, short and long fractions", () => {
    expect(parse("2026-01-03T10:15:03Z h x: y")).toMatchObject({ micros: 0, offsetSeconds: 0, offsetText: "Z" });
    expect(parse("2024-01-12T13:37:00+0200 h x: y")).toMatchObject({ offsetSeconds: 7200, offsetText: "+0200" });
    expect(parse("2024-01-12T13:37:00.5-03:30 h x: y")).toMatchObject({ micros: 500000, offsetSeconds: -12600 });
    expect(parse("2024-01-12T13:37:00.123456789+05:45 h x: y")).toMatchObject({ micros: 123456, offsetSeconds: 20700 });
    expect(parse("2024-01-12 13:37:00+00:00 h x: y")).toMatchObject({ format: "rfc3339", hour: 13 });
  });

  it("refuses a stamp without an offset or with an impossible field", () => {
    for (const s of ["2026-01-03T10:15:03 h x: y", "2026-13-03T10:15:03Z h", "2026-01-03T10:15:03+25:00 h", "2026-01-03X10:15:03Z h", "20260103T101503Z h"]) expect(parse(s), s).toBeNull();
  });
});

describe("RFC 5424 (RSYSLOG_SyslogProtocol23Format)", () => {
  it("reads PRI, version, stamp, host, app, procid, msgid, SD and the message (BOM dropped)", () => {
    expect(parse('<38>1 2025-12-31T23:59:59.1234Z web01 sshd 1235 ID47 [exampleSDID@32473 iut="3" eventSource="App\\]x"] \ufeffBOM msg')).toMatchObject({
      format: "rfc5424",
      year: 2025,
      micros: 123400,
      offsetSeconds: 0,
      hostname: "web01",
      service: "sshd",
      pid: 1235,
      msgid: "ID47",
      structuredData: '[exampleSDID@32473 iut="3" eventSource="App\\]x"]',
      message: "BOM msg",
    });
  });

  it("takes nil values as null, a nil stamp as NaN, and rsyslog's double space before the message", () => {
    expect(parse("<38>1 2026-12-02T15:46:50.193956+01:00 web01 systemd-logind 612 - -  New session 3 of user alice.")).toMatchObject({
      hostname: "web01",
      service: "systemd-logind",
      pid: 612,
      msgid: null,
      structuredData: null,
      message: "New session 3 of user alice.",
    });
    expect(parse("<13>1 - - - - - -")).toMatchObject({ format: "rfc5424", offsetSeconds: NaN, hostname: null, service: null, pid: null, message: "" });
    expect(parse("<13>1 2026-01-01T00:00:00Z h app worker-7 - - x")).toMatchObject({ service: "app[worker-7]", pid: null });
  });

  it("refuses a broken header", () => {
    for (const s of ["<38>0 2026-01-01T00:00:00Z h a 1 - - x", "<3800>1 2026-01-01T00:00:00Z h a 1 - - x", "<38>1 2026-01-01T00:00:00Z h a 1 -", "<38>1 2026-01-01T00:00:00Z h a 1 - [x y", "<38>1 2026-01-01T00:00:00Z  a 1 - - x"]) {
      expect(parse(s), s).toBeNull();
    }
  });
});

describe("hostile lines", () => {
  it("never throws, and a parsed line's fields are in range", () => {
    const rnd = prng(3164);
    const seeds = [
      "Mar  4 08:15:03 web01 sshd[1408]: Accepted password for alice from 198.51.100.23 port 51234 ssh2",
      "2026-01-03T10:15:03.220871+01:00 web01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id",
      '<38>1 2025-12-31T23:59:59.1234Z web01 sshd 1235 ID47 [a@1 b="c"] msg',
    ];
    const alphabet = "<>[]:- 0123456789TZ+.\\\"\0\udcff\u001bMarDec";
    for (let n = 0; n < 5000; n++) {
      let s = seeds[n % 3]!;
      const edits = 1 + Math.floor(rnd() * 6);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rnd() * (s.length + 1));
        const r = rnd();
        const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
        s = r < 0.4 ? s.slice(0, at) + ch + s.slice(at + 1) : r < 0.7 ? s.slice(0, at) + s.slice(at + 1) : r < 0.9 ? s.slice(0, at) + ch + s.slice(at) : s.slice(0, at);
      }
      const p = parseSyslogLine(s);
      if (!p) continue;
      expect(p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= 31 && p.hour <= 23 && p.minute <= 59 && p.second <= 60, s).toBe(true);
      expect(p.micros >= 0 && p.micros < 1e6, s).toBe(true);
      expect(p.pid === null || (Number.isInteger(p.pid) && p.pid >= 0), s).toBe(true);
    }
  });
});
